// Issue #18: every write route raced against itself and against a delete on PostgreSQL (PGlite
// has one connection, so nothing races there). A lost race retries or answers the dialect's
// 409; it is never a 500, and one new row is exactly one 201.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import { ALL_CANVAS_SCOPES } from '../../src/dialects/canvas/scopes.ts';
import { ROSTER_CREATEPUT, ROSTER_DELETE, ROSTER_READONLY } from '../../src/dialects/oneroster/scopes.ts';
import { createTenant, startApp, type TestApp, type TestTenant } from '../harness.ts';
import { DATA, gradingPeriodBody, schoolBody, sessionBody } from '../dialects/edfi/edfi-fixtures.ts';

const ROUNDS = 6;
const OR = '/ims/oneroster/rostering/v1p2';
const CANVAS = '/api/v1/accounts/self/terms';

type Request = { method: 'GET' | 'POST' | 'PUT' | 'DELETE'; url: string; payload?: object };

describe.skipIf(!process.env.TEST_DATABASE_URL)('write races on postgres', () => {
  let t: TestApp;
  let tenant: TestTenant;
  let headers: Record<string, string>;
  /** Every status seen, per race, for the report and the 500 check. */
  const seen = new Map<string, number[]>();

  beforeAll(async () => {
    t = await startApp('postgres');
    tenant = await createTenant(t, { schools: 1 });
    headers = await tenant.auth(['edfi:read', 'edfi:write', ROSTER_READONLY, ROSTER_CREATEPUT, ROSTER_DELETE, 'sis:write', ...ALL_CANVAS_SCOPES]);
  });
  afterAll(async () => {
    const summary = [...seen].map(([race, statuses]) => `${race}: ${statuses.length} requests, 500s: ${statuses.filter((s) => s >= 500).length}`);
    console.log(`write races (${ROUNDS} rounds each)\n${summary.join('\n')}`);
    await t.close();
  });

  const send = (r: Request) => t.app.inject({ method: r.method, url: r.url, headers, ...(r.payload ? { payload: r.payload } : {}) });
  async function race(name: string, requests: Request[]): Promise<LightMyRequestResponse[]> {
    const answers = await Promise.all(requests.map(send));
    const statuses = answers.map((a) => a.statusCode);
    seen.set(name, [...(seen.get(name) ?? []), ...statuses]);
    for (const a of answers) expect(a.statusCode, `${name}: ${a.body}`).toBeLessThan(500);
    return answers;
  }
  const count = (answers: LightMyRequestResponse[], status: number) => answers.filter((a) => a.statusCode === status).length;
  const school = () => tenant.schools[0]!.schoolId!;

  it('Ed-Fi POSTs of one new natural key: one 201, the others update (sessions, grading periods, schools, school years, descriptors)', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const four = <T extends object>(body: T): Request[] => [0, 1, 2, 3].map(() => ({ method: 'POST', url: '', payload: body }));
      const cases: [string, string, object][] = [
        ['edfi sessions POST×4', `${DATA}/sessions`, sessionBody(school(), { sessionName: `Race ${round}` })],
        ['edfi gradingPeriods POST×4', `${DATA}/gradingPeriods`, gradingPeriodBody(school(), { gradingPeriodName: `GP race ${round}` })],
        ['edfi schools POST×4', `${DATA}/schools`, schoolBody(254_000_000 + round)],
        ['edfi schoolYearTypes POST×4', `${DATA}/schoolYearTypes`, { schoolYear: 2030 + round, schoolYearDescription: `${2029 + round}-${2030 + round}`, currentSchoolYear: false }],
        ['edfi termDescriptors POST×4', `${DATA}/termDescriptors`, { namespace: 'uri://district.example/TermDescriptor', codeValue: `Race ${round}`, shortDescription: `Race ${round}` }],
      ];
      for (const [name, url, body] of cases) {
        const answers = await race(name, four(body).map((r) => ({ ...r, url })));
        expect(count(answers, 201), name).toBe(1);
        expect(count(answers, 200), name).toBe(3);
      }
    }
  });

  it('Ed-Fi PUT against DELETE of one session: each a success, 404 or 409/412, never a 500', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const created = await send({ method: 'POST', url: `${DATA}/sessions`, payload: sessionBody(school(), { sessionName: `Doomed ${round}` }) });
      const id = String(created.headers.location).split('/').pop()!;
      const answers = await race('edfi sessions PUT vs DELETE', [
        { method: 'PUT', url: `${DATA}/sessions/${id}`, payload: sessionBody(school(), { sessionName: `Doomed ${round}`, totalInstructionalDays: 81 }) },
        { method: 'DELETE', url: `${DATA}/sessions/${id}` },
        { method: 'PUT', url: `${DATA}/sessions/${id}`, payload: sessionBody(school(), { sessionName: `Renamed ${round}` }) },
      ]);
      expect(answers[1]!.statusCode).toBe(204);
    }
  });

  it('OneRoster PUTs of one new sourcedId: one 201; PUT against DELETE never a 500', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const body = { academicSession: { title: `OR ${round}`, type: 'term', startDate: '2025-08-01', endDate: '2025-12-01', schoolYear: '2026', org: { sourcedId: tenant.schools[0]!.id } } };
      const url = `${OR}/academicSessions/or-race-${round}`;
      const answers = await race('oneroster PUT×4', [0, 1, 2, 3].map(() => ({ method: 'PUT' as const, url, payload: body })));
      expect(count(answers, 201)).toBe(1);
      expect(count(answers, 200)).toBe(3);
      await race('oneroster PUT vs DELETE', [
        { method: 'PUT', url, payload: { academicSession: { ...body.academicSession, title: `OR ${round} b` } } },
        { method: 'DELETE', url },
      ]);
    }
  });

  it('Canvas: two terms renamed to one school-year name, creates with one SIS id, PUT against DELETE', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      // School sessions (Ed-Fi natural key: school, year, name) are Canvas terms too.
      const canvasIdOf = async (name: string) => {
        await send({ method: 'POST', url: `${DATA}/sessions`, payload: sessionBody(school(), { sessionName: name }) });
        const list = (await send({ method: 'GET', url: `${CANVAS}?per_page=100` })).json().enrollment_terms as { id: number; name: string }[];
        return list.find((x) => x.name === name)!.id;
      };
      const [a, b] = [await canvasIdOf(`Canvas A ${round}`), await canvasIdOf(`Canvas B ${round}`)];
      const renamed = await race('canvas rename PUT×2', [a, b].map((id) => ({ method: 'PUT' as const, url: `${CANVAS}/${id}`, payload: { enrollment_term: { name: `Canvas same ${round}` } } })));
      expect(count(renamed, 200)).toBe(1);
      expect(count(renamed, 400)).toBe(1);
      const created = await race('canvas POST×3 one sis id', [0, 1, 2].map(() => ({ method: 'POST' as const, url: CANVAS, payload: { enrollment_term: { name: `Canvas new ${round}`, sis_term_id: `sis-race-${round}` } } })));
      expect(count(created, 200)).toBe(1);
      const id = created.find((r) => r.statusCode === 200)!.json().id;
      await race('canvas PUT vs DELETE', [
        { method: 'PUT', url: `${CANVAS}/${id}`, payload: { enrollment_term: { name: `Canvas new ${round} b` } } },
        { method: 'DELETE', url: `${CANVAS}/${id}` },
      ]);
    }
  });

  it('SIS: one new row PUT twice at once is one 201; DELETE of a calendar against PUT of its term', async () => {
    await send({ method: 'PUT', url: '/sis/v1/schools/901', payload: { name: 'Race School' } });
    for (let round = 0; round < ROUNDS; round++) {
      const calendar = `cal-${round}`;
      await send({ method: 'PUT', url: `/sis/v1/calendars/${calendar}`, payload: { schoolId: 901, schoolYear: 2026, name: 'C' } });
      const term = { calendarId: calendar, name: 'T', termTypeCode: 'S1', startDate: '2025-08-20', endDate: '2025-12-19' };
      const twice = await race('sis terms PUT×2', [0, 1].map(() => ({ method: 'PUT' as const, url: `/sis/v1/terms/t-${round}`, payload: term })));
      expect(twice.map((r) => r.statusCode).sort()).toEqual([200, 201]);
      const answers = await race('sis calendars DELETE vs terms PUT', [
        { method: 'DELETE', url: `/sis/v1/calendars/${calendar}` },
        { method: 'PUT', url: `/sis/v1/terms/u-${round}`, payload: term },
        { method: 'PUT', url: `/sis/v1/calendars/${calendar}`, payload: { schoolId: 901, schoolYear: 2026, name: 'C again' } },
      ]);
      // A term PUT that lost its calendar names it, in the SIS envelope.
      for (const r of answers.filter((x) => x.statusCode === 400)) expect(r.json().message).toContain('does not exist');
    }
  });
});
