// What every dialect answers, byte for byte, on both drivers: list, item and error bodies of
// Ed-Fi, OneRoster, Canvas, Edlink and the SIS API over one fixed calendar. Taken before the
// session contract refactor (issue #12) so that it provably changes no wire format. Values that
// differ per run (uuids, the tenant, instants of "now", change versions, signed cursors,
// correlation ids) are replaced by stable placeholders; everything else is compared as sent.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClientRepository } from '../../src/auth/client-repository.ts';
import { ALL_CANVAS_SCOPES } from '../../src/dialects/canvas/scopes.ts';
import { ROSTER_CREATEPUT, ROSTER_READONLY } from '../../src/dialects/oneroster/scopes.ts';
import { TenantRepository } from '../../src/store/tenant-repository.ts';
import { drivers, startApp, type TestApp } from '../harness.ts';

const NOW = new Date('2025-10-01T15:00:00Z');
const SCHOOL = 255901001;
const DATA = '/data/v3/ed-fi';
const OR = '/ims/oneroster/rostering/v1p2';
const CANVAS = '/api/v1/accounts/self/terms';
const EDLINK = '/api/v2/graph';
const DAY = 86_400_000;

/** Run-specific values → placeholders, numbered in order of first appearance. */
function stable(text: string, tenantId: string): string {
  const ids = new Map<string, string>();
  const label = (v: string) => {
    const key = v.toLowerCase().replaceAll('-', '');
    if (!ids.has(key)) ids.set(key, `<id${ids.size + 1}>`);
    return ids.get(key)!;
  };
  return text
    .replaceAll(tenantId, '<tenant>')
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, label)
    .replace(/(?<![0-9a-z])[0-9a-f]{32}(?![0-9a-z])/gi, label)
    .replace(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})/g, (v) => (Math.abs(Date.parse(v) - Date.now()) < 2 * DAY ? '<now>' : v))
    .replace(/("_etag":)"\d+"/g, '$1"<version>"')
    .replace(/(\$cursor=)[A-Za-z0-9_.%-]+/g, '$1<cursor>');
}

describe.each(drivers())('dialect bodies on %s', (driver) => {
  let t: TestApp;
  let tenantId: string;
  let headers: Record<string, string>;
  const bodies: string[] = [];

  const call = async (label: string, method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: object) => {
    const r = await t.app.inject({ method, url, headers, ...(payload ? { payload } : {}) });
    bodies.push(stable(`## ${label}\n${method} ${url}\n${r.statusCode} ${r.headers['content-type'] ?? ''}\n${r.body}\n`, tenantId));
    return r;
  };

  beforeAll(async () => {
    t = await startApp(driver, { now: () => NOW });
    tenantId = `snap_${randomUUID().slice(0, 8)}`;
    const tenants = new TenantRepository(t.store.db);
    await tenants.create({ tenantId, name: 'Snapshot USD', timeZone: 'America/Chicago', districtSchoolId: 255901 });
    for (const y of [2025, 2026]) await tenants.addSchoolYear(tenantId, y);
    await tenants.addSchool(tenantId, { name: 'Grand Bend High School', schoolId: SCHOOL });
    const clients = new ClientRepository(t.store.db);
    const scopes = ['edfi:read', 'edfi:write', ROSTER_READONLY, ROSTER_CREATEPUT, ...ALL_CANVAS_SCOPES, 'edlink:read', 'sis:write'];
    const { client } = await clients.create(tenantId, 'snapshot client', scopes);
    headers = { authorization: `Bearer ${(await clients.issueToken(client, scopes)).token}`, 'correlation-id': 'snapshot' };

    const post = (url: string, payload: object) => t.app.inject({ method: 'POST', url, headers, payload });
    const put = (url: string, payload: object) => t.app.inject({ method: 'PUT', url, headers, payload });
    const school = { schoolReference: { schoolId: SCHOOL }, schoolYearTypeReference: { schoolYear: 2026 } };
    await post(`${DATA}/gradingPeriods`, {
      ...school,
      gradingPeriodDescriptor: 'uri://ed-fi.org/GradingPeriodDescriptor#First Six Weeks',
      gradingPeriodName: 'GP1',
      beginDate: '2025-08-13',
      endDate: '2025-09-19',
      totalInstructionalDays: 28,
      periodSequence: 1,
    });
    await post(`${DATA}/sessions`, { ...school, sessionName: '2025-2026', termDescriptor: 'uri://ed-fi.org/TermDescriptor#Year Round', beginDate: '2025-08-01', endDate: '2026-06-30', totalInstructionalDays: 170 });
    await post(`${DATA}/sessions`, {
      ...school,
      sessionName: 'Fall Semester',
      termDescriptor: 'uri://ed-fi.org/TermDescriptor#Fall Semester',
      beginDate: '2025-08-13',
      endDate: '2025-12-19',
      totalInstructionalDays: 80,
      gradingPeriods: [{ gradingPeriodReference: { gradingPeriodDescriptor: 'uri://ed-fi.org/GradingPeriodDescriptor#First Six Weeks', gradingPeriodName: 'GP1', schoolId: SCHOOL, schoolYear: 2026 } }],
    });
    const orgs = (await t.app.inject({ url: `${OR}/schools`, headers })).json().orgs as { sourcedId: string }[];
    await put(`${OR}/academicSessions/spring-2026`, {
      academicSession: { title: 'Spring Semester', type: 'semester', startDate: '2026-01-05', endDate: '2026-05-23', schoolYear: '2026', org: { sourcedId: orgs[0]!.sourcedId }, metadata: { note: 'from OneRoster' } },
    });
    await post(CANVAS, { enrollment_term: { name: 'Summer 2026', start_at: '2026-06-01T05:00:00Z', end_at: '2026-07-31T04:59:59Z', sis_term_id: 'SUM26' } });
    await put('/sis/v1/schools/255901001', { name: 'Grand Bend High School' });
    await put('/sis/v1/calendars/hs-2026', { schoolId: SCHOOL, schoolYear: 2026, name: 'HS 25-26' });
    await put('/sis/v1/terms/s1', { calendarId: 'hs-2026', name: 'Semester 1', termTypeCode: 'S1', startDate: '2025-08-20', endDate: '2025-12-19' });
  });
  afterAll(() => t.close());

  it('Ed-Fi', async () => {
    const list = await call('sessions', 'GET', `${DATA}/sessions?totalCount=true`);
    const id = list.json()[0].id;
    await call('session', 'GET', `${DATA}/sessions/${id}`);
    await call('gradingPeriods', 'GET', `${DATA}/gradingPeriods`);
    await call('schools', 'GET', `${DATA}/schools`);
    await call('schoolYearTypes', 'GET', `${DATA}/schoolYearTypes`);
    await call('not found', 'GET', `${DATA}/sessions/00000000000000000000000000000000`);
    await call('validation', 'POST', `${DATA}/sessions`, { sessionName: '', beginDate: 'soon' });
    await call('bad query', 'GET', `${DATA}/sessions?limit=abc`);
    await call('unresolved reference', 'POST', `${DATA}/sessions`, { schoolReference: { schoolId: 1 }, schoolYearTypeReference: { schoolYear: 2026 }, sessionName: 'X', termDescriptor: 'uri://ed-fi.org/TermDescriptor#Fall Semester', beginDate: '2025-08-01', endDate: '2025-09-01', totalInstructionalDays: 1 });
    await expect(bodies.join('\n')).toMatchFileSnapshot('./__bodies__/edfi.txt');
  });

  it('OneRoster', async () => {
    bodies.length = 0;
    await call('academicSessions', 'GET', `${OR}/academicSessions?sort=title`); // titles are unique here; start dates tie, and ties fall to random ids
    await call('academicSession', 'GET', `${OR}/academicSessions/spring-2026`);
    await call('filtered', 'GET', `${OR}/academicSessions?filter=${encodeURIComponent("title='Fall Semester'")}`);
    await call('gradingPeriods', 'GET', `${OR}/gradingPeriods`);
    await call('not found', 'GET', `${OR}/academicSessions/nope`);
    await call('bad filter', 'GET', `${OR}/academicSessions?filter=${encodeURIComponent("colour='red'")}`);
    await call('invalid write', 'PUT', `${OR}/academicSessions/bad`, { academicSession: { title: 'Bad', type: 'semester', startDate: '2025-09-01', endDate: '2025-08-01', schoolYear: '2026' } });
    await expect(bodies.join('\n')).toMatchFileSnapshot('./__bodies__/oneroster.txt');
  });

  it('Canvas', async () => {
    bodies.length = 0;
    const list = await call('terms', 'GET', `${CANVAS}?workflow_state[]=all&include[]=overrides`);
    const id = list.json().enrollment_terms[0].id;
    await call('term', 'GET', `${CANVAS}/${id}`);
    await call('term by sis id', 'GET', `${CANVAS}/sis_term_id:SUM26`);
    await call('not found', 'GET', `${CANVAS}/999999`);
    await call('attribute errors', 'POST', CANVAS, { enrollment_term: { name: 'Backwards', start_at: '2026-02-01T00:00:00Z', end_at: '2026-01-01T00:00:00Z' } });
    await expect(bodies.join('\n')).toMatchFileSnapshot('./__bodies__/canvas.txt');
  });

  it('Edlink', async () => {
    bodies.length = 0;
    const list = await call('sessions', 'GET', `${EDLINK}/sessions?$first=2`);
    await call('all', 'GET', `${EDLINK}/sessions?$first=100`);
    await call('session', 'GET', `${EDLINK}/sessions/${list.json().$data[0].id}`);
    await call('not found', 'GET', `${EDLINK}/sessions/00000000-0000-4000-8000-000000000000`);
    await call('bad uuid', 'GET', `${EDLINK}/sessions/nope`);
    await call('bad filter', 'GET', `${EDLINK}/sessions?$filter=${encodeURIComponent('{"colour":[{"operator":"equals","value":"red"}]}')}`);
    await expect(bodies.join('\n')).toMatchFileSnapshot('./__bodies__/edlink.txt');
  });

  it('SIS', async () => {
    bodies.length = 0;
    await call('term', 'GET', '/sis/v1/terms/s1');
    await call('replace', 'PUT', '/sis/v1/terms/s1', { calendarId: 'hs-2026', name: 'Semester 1', termTypeCode: 'S1', startDate: '2025-08-20', endDate: '2025-12-19' });
    await call('not found', 'GET', '/sis/v1/terms/nope');
    await call('invalid', 'PUT', '/sis/v1/terms/t', { calendarId: 'hs-2026', name: 'T', startDate: '2025-13-01', colour: 'red' });
    await expect(bodies.join('\n')).toMatchFileSnapshot('./__bodies__/sis.txt');
  });
});
