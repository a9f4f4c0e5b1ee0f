// Two districts with identical natural keys — the same schoolIds, school years and session names —
// and every read, write, filter, page token, partition, change query and delete through one
// never returns or touches the other. Another tenant's id answers exactly like a missing one.
// Tenants are told apart by their session dates, which every dialect shows.
import { randomUUID } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClientRepository } from '../../src/auth/client-repository.ts';
import { TenantRepository } from '../../src/store/tenant-repository.ts';
import { drivers } from '../harness.ts';
import { startAuthApp, type AuthTestApp } from './auth-app.ts';

const DATA = '/data/v3/ed-fi';
const OR = '/ims/oneroster/rostering/v1p2';
const HIGH = 255901107;
const MIDDLE = 255901044;
const FALL = 'uri://ed-fi.org/TermDescriptor#Fall Semester';
const SPRING = 'uri://ed-fi.org/TermDescriptor#Spring Semester';

/** Dates only this tenant uses, so a body mentioning them came from this tenant. */
const DATES = {
  a: { fall: ['2025-08-13', '2025-12-19'], spring: ['2026-01-06', '2026-05-21'], gp: ['2025-08-13', '2025-09-26'] },
  b: { fall: ['2025-08-21', '2025-12-17'], spring: ['2026-01-08', '2026-05-19'], gp: ['2025-08-21', '2025-09-24'] },
} as const;

type Side = 'a' | 'b';

interface Twin {
  side: Side;
  tenantId: string;
  districtId: string;
  schoolOrgIds: string[];
  headers: { authorization: string };
  /** Ed-Fi ids (32 hex) of what this tenant created. */
  sessions: { fall: string; spring: string };
  gradingPeriod: string;
}

const uuidOf = (hex: string) => `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
const MISSING_HEX = 'f00dfeedf00dfeedf00dfeedf00dfeed';

/** The body with volatile members (correlation ids) dropped and the two ids made equal. */
function comparable(res: LightMyRequestResponse, ...ids: string[]): unknown {
  let text = res.body;
  for (const id of ids) text = text.split(id).join('<id>').split(uuidOf(id.length === 32 ? id : id.replace(/-/g, ''))).join('<id>');
  const parsed = text ? JSON.parse(text) : null;
  return JSON.parse(JSON.stringify(parsed, (k, v) => (k === 'correlationId' || k === '$request' ? undefined : v)));
}

/** A foreign id must be indistinguishable from an id that exists nowhere. */
function expectLikeMissing(foreign: LightMyRequestResponse, missing: LightMyRequestResponse, foreignId: string, missingId: string) {
  expect(foreign.statusCode, foreign.body).toBe(missing.statusCode);
  expect(comparable(foreign, foreignId), foreign.body).toEqual(comparable(missing, missingId));
}

describe.each(drivers())('tenant isolation on %s', (driver) => {
  let t: AuthTestApp;
  let a: Twin;
  let b: Twin;
  const call = (who: Twin, method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: unknown, headers: Record<string, string> = {}) =>
    t.app.inject({ method, url, headers: { ...who.headers, ...headers }, ...(payload === undefined ? {} : { payload: payload as object }) });

  /** Nothing of the other tenant: none of its ids (hex or uuid) and none of its dates. */
  function expectNothingOf(other: Twin, res: LightMyRequestResponse, what: string) {
    const body = res.body;
    for (const id of [other.sessions.fall, other.sessions.spring, other.gradingPeriod])
      for (const form of [id, uuidOf(id)]) expect(body.includes(form), `${what} leaked ${form} of tenant ${other.side}: ${body.slice(0, 300)}`).toBe(false);
    for (const form of [other.districtId, ...other.schoolOrgIds]) expect(body.includes(form), `${what} leaked org ${form}`).toBe(false);
    for (const date of Object.values(DATES[other.side]).flat().filter((d) => !Object.values(DATES[other.side === 'a' ? 'b' : 'a']).flat().includes(d)))
      expect(body.includes(date), `${what} leaked date ${date} of tenant ${other.side}`).toBe(false);
  }

  const sessionBody = (side: Side, name: 'Fall Semester' | 'Spring Semester', extra: Record<string, unknown> = {}) => {
    const [beginDate, endDate] = name === 'Fall Semester' ? DATES[side].fall : DATES[side].spring;
    return {
      schoolReference: { schoolId: HIGH },
      schoolYearTypeReference: { schoolYear: 2026 },
      sessionName: name,
      beginDate,
      endDate,
      termDescriptor: name === 'Fall Semester' ? FALL : SPRING,
      totalInstructionalDays: 80,
      ...extra,
    };
  };

  async function twin(side: Side): Promise<Twin> {
    const tenantId = `iso_${side}_${randomUUID().slice(0, 8)}`;
    const tenants = new TenantRepository(t.store.db);
    const tenant = await tenants.create({ tenantId, name: 'Flint Hills USD', districtSchoolId: 255901 });
    for (const y of [2025, 2026]) await tenants.addSchoolYear(tenantId, y);
    const high = await tenants.addSchool(tenantId, { name: 'Flint Hills High School', schoolId: HIGH });
    const middle = await tenants.addSchool(tenantId, { name: 'Cottonwood Middle School', schoolId: MIDDLE });
    const clients = new ClientRepository(t.store.db);
    const scopes = t.app.ctx.registry.knownScopes().filter((s) => s !== 'termbridge:admin');
    const { client } = await clients.create(tenantId, `isolation ${side}`, scopes);
    const { token } = await clients.issueToken(client, scopes);
    const w: Twin = { side, tenantId, districtId: tenant.districtId, schoolOrgIds: [high.id, middle.id], headers: { authorization: `Bearer ${token}` }, sessions: { fall: '', spring: '' }, gradingPeriod: '' };
    const created = async (url: string, body: unknown) => {
      const res = await call(w, 'POST', url, body);
      // 201: the twin's identical natural key did not turn this POST into an update of the other tenant's row.
      expect(res.statusCode, `${side} POST ${url}: ${res.body}`).toBe(201);
      return String(res.headers.location).split('/').pop()!;
    };
    w.sessions.fall = await created(`${DATA}/sessions`, sessionBody(side, 'Fall Semester'));
    w.sessions.spring = await created(`${DATA}/sessions`, sessionBody(side, 'Spring Semester'));
    w.gradingPeriod = await created(`${DATA}/gradingPeriods`, {
      gradingPeriodDescriptor: 'uri://ed-fi.org/GradingPeriodDescriptor#First Six Weeks',
      gradingPeriodName: 'GP1',
      schoolReference: { schoolId: HIGH },
      schoolYearTypeReference: { schoolYear: 2026 },
      beginDate: DATES[side].gp[0],
      endDate: DATES[side].gp[1],
      totalInstructionalDays: 30,
      periodSequence: 1,
    });
    return w;
  }

  beforeAll(async () => {
    t = await startAuthApp(driver);
    a = await twin('a');
    b = await twin('b');
  });
  afterAll(() => t.close());

  async function snapshot(w: Twin): Promise<unknown> {
    const own = await Promise.all(
      [`${DATA}/sessions/${w.sessions.fall}`, `${DATA}/sessions/${w.sessions.spring}`, `${DATA}/gradingPeriods/${w.gradingPeriod}`].map(async (u) => {
        const r = await call(w, 'GET', u);
        return [r.statusCode, r.headers.etag, r.body];
      }),
    );
    const list = await call(w, 'GET', `${DATA}/sessions?totalCount=true`);
    return { own, list: list.body, total: list.headers['total-count'] };
  }

  describe('Ed-Fi', () => {
    it('lists, counts and filters only the caller’s sessions', async () => {
      for (const [me, other] of [[a, b], [b, a]] as const) {
        const list = await call(me, 'GET', `${DATA}/sessions?totalCount=true&limit=500`);
        expect(list.statusCode).toBe(200);
        expect((list.json() as { id: string }[]).map((s) => s.id).sort()).toEqual([me.sessions.fall, me.sessions.spring].sort());
        expect(list.headers['total-count']).toBe('2');
        expectNothingOf(other, list, 'GET sessions');
        const filtered = await call(me, 'GET', `${DATA}/sessions?schoolId=${HIGH}&schoolYear=2026&sessionName=${encodeURIComponent('Fall Semester')}`);
        expect((filtered.json() as { id: string }[]).map((s) => s.id)).toEqual([me.sessions.fall]);
        const byDate = await call(me, 'GET', `${DATA}/sessions?beginDate=${DATES[other.side].fall[0]}`);
        expect(byDate.statusCode).toBe(200);
        expect(byDate.json()).toEqual([]);
        for (const resource of ['gradingPeriods', 'schools', 'schoolYearTypes', 'termDescriptors', 'gradingPeriodDescriptors']) {
          const res = await call(me, 'GET', `${DATA}/${resource}?limit=500`);
          expect(res.statusCode, resource).toBe(200);
          expectNothingOf(other, res, `GET ${resource}`);
        }
      }
    });

    it('answers another tenant’s ids exactly like missing ones, for GET, PUT and DELETE', async () => {
      const before = await snapshot(b);
      for (const resource of ['sessions', 'gradingPeriods'] as const) {
        const foreign = resource === 'sessions' ? b.sessions.fall : b.gradingPeriod;
        const get = await call(a, 'GET', `${DATA}/${resource}/${foreign}`);
        expectLikeMissing(get, await call(a, 'GET', `${DATA}/${resource}/${MISSING_HEX}`), foreign, MISSING_HEX);
        const body = resource === 'sessions' ? sessionBody('a', 'Fall Semester', { id: foreign }) : { ...(await call(b, 'GET', `${DATA}/gradingPeriods/${foreign}`)).json(), id: foreign };
        const put = await call(a, 'PUT', `${DATA}/${resource}/${foreign}`, body);
        expectLikeMissing(put, await call(a, 'PUT', `${DATA}/${resource}/${MISSING_HEX}`, { ...body, id: MISSING_HEX }), foreign, MISSING_HEX);
        const del = await call(a, 'DELETE', `${DATA}/${resource}/${foreign}`);
        expectLikeMissing(del, await call(a, 'DELETE', `${DATA}/${resource}/${MISSING_HEX}`), foreign, MISSING_HEX);
      }
      for (const schoolOrg of b.schoolOrgIds) {
        const hex = schoolOrg.replace(/-/g, '');
        expectLikeMissing(await call(a, 'GET', `${DATA}/schools/${hex}`), await call(a, 'GET', `${DATA}/schools/${MISSING_HEX}`), hex, MISSING_HEX);
        expectLikeMissing(await call(a, 'DELETE', `${DATA}/schools/${hex}`), await call(a, 'DELETE', `${DATA}/schools/${MISSING_HEX}`), hex, MISSING_HEX);
      }
      expect(await snapshot(b)).toEqual(before);
    });

    it('upserts by natural key within the caller’s tenant only', async () => {
      const before = await snapshot(b);
      const res = await call(a, 'POST', `${DATA}/sessions`, sessionBody('a', 'Fall Semester', { totalInstructionalDays: 81 }));
      expect(res.statusCode, res.body).toBe(200);
      expect(String(res.headers.location)).toContain(a.sessions.fall);
      expect((await call(a, 'GET', `${DATA}/sessions/${a.sessions.fall}`)).json().totalInstructionalDays).toBe(81);
      expect(await snapshot(b)).toEqual(before);
    });

    it('keeps cursor page tokens and partitions inside the tenant that got them', async () => {
      for (const [me, other] of [[a, b], [b, a]] as const) {
        let res = await call(me, 'GET', `${DATA}/sessions?limit=1`);
        const seen: string[] = (res.json() as { id: string }[]).map((s) => s.id);
        let token = res.headers['next-page-token'] as string | undefined;
        expect(token).toBeTruthy();
        const tokens: string[] = [];
        while (token) {
          tokens.push(token);
          res = await call(me, 'GET', `${DATA}/sessions?pageSize=1&pageToken=${encodeURIComponent(token)}`);
          expect(res.statusCode).toBe(200);
          seen.push(...(res.json() as { id: string }[]).map((s) => s.id));
          token = res.headers['next-page-token'] as string | undefined;
        }
        expect(seen.sort()).toEqual([me.sessions.fall, me.sessions.spring].sort());
        // The other tenant replaying these tokens sees only its own rows, or is refused.
        for (const replayed of tokens) {
          const r = await call(other, 'GET', `${DATA}/sessions?pageSize=1&pageToken=${encodeURIComponent(replayed)}`);
          expect([200, 400]).toContain(r.statusCode);
          expectNothingOf(me, r, 'replayed page token');
        }
        const partitions = await call(me, 'GET', `${DATA}/sessions/partitions?number=2&allowSmallPartitions=true`);
        expect(partitions.statusCode, partitions.body).toBe(200);
        expectNothingOf(other, partitions, 'partitions');
        const ids: string[] = [];
        for (const p of (partitions.json() as { pageTokens: string[] }).pageTokens) {
          const mine = await call(me, 'GET', `${DATA}/sessions?pageSize=500&pageToken=${encodeURIComponent(p)}`);
          ids.push(...(mine.json() as { id: string }[]).map((s) => s.id));
          const theirs = await call(other, 'GET', `${DATA}/sessions?pageSize=500&pageToken=${encodeURIComponent(p)}`);
          expectNothingOf(me, theirs, 'replayed partition token');
        }
        expect(ids.sort()).toEqual([me.sessions.fall, me.sessions.spring].sort());
      }
    });

    it('reports deletes and key changes only to the tenant they happened in', async () => {
      const before = await snapshot(b);
      const fall = (await call(a, 'GET', `${DATA}/sessions/${a.sessions.fall}`)).json();
      const renamed = await call(a, 'PUT', `${DATA}/sessions/${a.sessions.fall}`, { ...sessionBody('a', 'Fall Semester'), id: a.sessions.fall, sessionName: 'Autumn Semester' });
      expect(renamed.statusCode, renamed.body).toBe(204);
      expect((await call(a, 'DELETE', `${DATA}/sessions/${a.sessions.spring}`)).statusCode).toBe(204);
      const sinceVersion = Number(fall._etag) + 1;
      for (const feed of ['deletes', 'keyChanges']) {
        const mine = await call(a, 'GET', `${DATA}/sessions/${feed}?minChangeVersion=${sinceVersion}`);
        expect(mine.statusCode).toBe(200);
        expect(mine.json(), feed).toHaveLength(1);
        const theirs = await call(b, 'GET', `${DATA}/sessions/${feed}?totalCount=true`);
        expect(theirs.statusCode).toBe(200);
        expect(theirs.json(), `${feed} of b`).toEqual([]);
        expect(theirs.headers['total-count']).toBe('0');
        expectNothingOf(a, theirs, feed);
      }
      const window = await call(b, 'GET', `${DATA}/sessions?minChangeVersion=${sinceVersion}`);
      expect(window.json()).toEqual([]);
      // Same natural key, other tenant: B's Fall and Spring are exactly as they were.
      expect(await snapshot(b)).toEqual(before);
      expect((await call(b, 'GET', `${DATA}/sessions?sessionName=${encodeURIComponent('Spring Semester')}`)).json()).toHaveLength(1);
    });

    it('keeps a descriptor added by one tenant out of the other’s', async () => {
      const res = await call(a, 'POST', `${DATA}/termDescriptors`, { codeValue: 'Isolation Intersession', namespace: 'uri://ed-fi.org/TermDescriptor', shortDescription: 'Isolation Intersession' });
      expect([200, 201]).toContain(res.statusCode);
      const mine = await call(a, 'GET', `${DATA}/termDescriptors?limit=500`);
      expect(mine.body).toContain('Isolation Intersession');
      const theirs = await call(b, 'GET', `${DATA}/termDescriptors?limit=500`);
      expect(theirs.body).not.toContain('Isolation Intersession');
      const badRef = await call(b, 'POST', `${DATA}/sessions`, sessionBody('b', 'Fall Semester', { sessionName: 'Intersession', termDescriptor: 'uri://ed-fi.org/TermDescriptor#Isolation Intersession' }));
      expect(badRef.statusCode).toBe(400);
    });
  });

  describe('OneRoster, SIS, Canvas and Edlink', () => {
    it('OneRoster lists only the caller’s sessions and answers a foreign sourcedId like a missing one', async () => {
      const before = await snapshot(b);
      for (const path of ['academicSessions', 'terms', 'gradingPeriods']) {
        const res = await call(a, 'GET', `${OR}/${path}?limit=1000`);
        expect(res.statusCode, path).toBe(200);
        expectNothingOf(b, res, `OneRoster ${path}`);
      }
      const filtered = await call(a, 'GET', `${OR}/academicSessions?filter=${encodeURIComponent("title='Spring Semester'")}`);
      expect(filtered.statusCode, filtered.body).toBe(200);
      expectNothingOf(b, filtered, 'OneRoster filter');
      const foreign = uuidOf(b.sessions.spring);
      const missing = uuidOf(MISSING_HEX);
      expectLikeMissing(await call(a, 'GET', `${OR}/academicSessions/${foreign}`), await call(a, 'GET', `${OR}/academicSessions/${missing}`), foreign, missing);
      expectLikeMissing(await call(a, 'DELETE', `${OR}/academicSessions/${foreign}`), await call(a, 'DELETE', `${OR}/academicSessions/${missing}`), foreign, missing);
      expect(await snapshot(b)).toEqual(before);
    });

    it('OneRoster keeps identical sourcedIds of two tenants apart through PUT, GET and DELETE', async () => {
      const body = (w: Twin, startDate: string) => ({
        academicSession: { title: 'Summer School', type: 'term', startDate, endDate: '2026-07-31', schoolYear: '2026', org: { sourcedId: w.schoolOrgIds[0] } },
      });
      const put = (w: Twin, startDate: string) => call(w, 'PUT', `${OR}/academicSessions/shared-summer`, body(w, startDate));
      expect((await put(a, '2026-06-02')).statusCode).toBe(201);
      // Same sourcedId in the other tenant: a create there, not an update of A's.
      expect((await put(b, '2026-06-09')).statusCode).toBe(201);
      expect((await call(a, 'GET', `${OR}/academicSessions/shared-summer`)).json().academicSession.startDate).toBe('2026-06-02');
      expect((await call(b, 'GET', `${OR}/academicSessions/shared-summer`)).json().academicSession.startDate).toBe('2026-06-09');
      expect((await call(a, 'DELETE', `${OR}/academicSessions/shared-summer`)).statusCode).toBe(204);
      const gone = await call(a, 'GET', `${OR}/academicSessions/shared-summer`);
      if (gone.statusCode === 200) expect(gone.json().academicSession.status).toBe('tobedeleted'); // OneRoster shows soft deletes
      else expect(gone.statusCode).toBe(404);
      const still = await call(b, 'GET', `${OR}/academicSessions/shared-summer`);
      expect(still.statusCode).toBe(200);
      expect(still.json().academicSession).toMatchObject({ status: 'active', startDate: '2026-06-09' });
    });

    it('SIS records with the same key in two tenants stay apart', async () => {
      const missing = await call(b, 'GET', '/sis/v1/schools/999999001');
      expect((await call(a, 'PUT', `/sis/v1/schools/${HIGH}`, { name: 'A High School' })).statusCode).toBe(201);
      expectLikeMissing(await call(b, 'GET', `/sis/v1/schools/${HIGH}`), missing, String(HIGH), '999999001');
      expect((await call(b, 'PUT', `/sis/v1/schools/${HIGH}`, { name: 'B High School' })).statusCode).toBe(201);
      expect((await call(a, 'GET', `/sis/v1/schools/${HIGH}`)).body).toContain('A High School');
      expect((await call(b, 'DELETE', `/sis/v1/schools/${HIGH}`)).statusCode).toBeLessThan(300);
      expect((await call(a, 'GET', `/sis/v1/schools/${HIGH}`)).body).toContain('A High School');
    });

    it('Edlink lists only the caller’s sessions and answers foreign ids like missing ones', async () => {
      const res = await call(a, 'GET', '/api/v2/graph/sessions?$first=1000');
      expect(res.statusCode, res.body).toBe(200);
      expectNothingOf(b, res, 'Edlink sessions');
      // A's $next cursor replayed by B: refused or B's own rows, never A's.
      const first = await call(a, 'GET', '/api/v2/graph/sessions?$first=1');
      const next = first.json().$next as string;
      expect(next).toContain('$cursor=');
      const cursor = next.slice(next.indexOf('$cursor=') + '$cursor='.length);
      const mine = await call(a, 'GET', `/api/v2/graph/sessions?$cursor=${cursor}`);
      expect(mine.statusCode).toBe(200);
      const replayed = await call(b, 'GET', `/api/v2/graph/sessions?$cursor=${cursor}`);
      expect([200, 400]).toContain(replayed.statusCode);
      expectNothingOf(a, replayed, 'replayed Edlink cursor');
      const filtered = await call(a, 'GET', `/api/v2/graph/sessions?$filter=${encodeURIComponent(JSON.stringify({ start_date: [{ operator: 'gte', value: '2025-01-01' }] }))}`);
      expect(filtered.statusCode, filtered.body).toBe(200);
      expectNothingOf(b, filtered, 'Edlink $filter');
      const foreign = uuidOf(b.sessions.fall);
      const missing = uuidOf(MISSING_HEX);
      expectLikeMissing(await call(a, 'GET', `/api/v2/graph/sessions/${foreign}`), await call(a, 'GET', `/api/v2/graph/sessions/${missing}`), foreign, missing);
      expectLikeMissing(await call(a, 'GET', `/api/v2/graph/districts/${b.districtId}/sessions`), await call(a, 'GET', `/api/v2/graph/districts/${missing}/sessions`), b.districtId, missing);
      expectLikeMissing(await call(a, 'GET', `/api/v2/graph/schools/${b.schoolOrgIds[0]}/sessions`), await call(a, 'GET', `/api/v2/graph/schools/${missing}/sessions`), b.schoolOrgIds[0]!, missing);
    });

    it('Canvas shows each root account only its own terms, though both number them alike', async () => {
      for (const [me, other] of [[a, b], [b, a]] as const) {
        const res = await call(me, 'GET', '/api/v1/accounts/self/terms?per_page=100');
        expect(res.statusCode, res.body).toBe(200);
        expectNothingOf(other, res, 'Canvas terms');
        expect(res.body).toContain(`${DATES[me.side].fall[0]}T`);
      }
      // Canvas term ids count per root account, so give B ids A has never had.
      for (const name of ['Summer A', 'Summer B', 'Summer C']) {
        const created = await call(b, 'POST', '/api/v1/accounts/self/terms', { enrollment_term: { name, start_at: '2026-06-03T05:00:00Z', end_at: '2026-07-30T05:00:00Z' } });
        expect(created.statusCode, created.body).toBe(200);
      }
      const ids = async (w: Twin) =>
        ((await call(w, 'GET', '/api/v1/accounts/self/terms?per_page=100&workflow_state[]=all')).json() as { enrollment_terms: { id: number }[] }).enrollment_terms.map((x) => x.id);
      const mine = new Set(await ids(a));
      const foreign = (await ids(b)).filter((id) => !mine.has(id));
      expect(foreign.length).toBeGreaterThan(0);
      const before = await snapshot(b);
      const theirs = await call(b, 'GET', `/api/v1/accounts/self/terms/${foreign[0]}`);
      expect(theirs.statusCode).toBe(200);
      for (const id of foreign) {
        expectLikeMissing(await call(a, 'GET', `/api/v1/accounts/self/terms/${id}`), await call(a, 'GET', '/api/v1/accounts/self/terms/987654'), String(id), '987654');
        expectLikeMissing(
          await call(a, 'PUT', `/api/v1/accounts/self/terms/${id}`, { enrollment_term: { name: 'Hijacked' } }),
          await call(a, 'PUT', '/api/v1/accounts/self/terms/987654', { enrollment_term: { name: 'Hijacked' } }),
          String(id),
          '987654',
        );
        expectLikeMissing(await call(a, 'DELETE', `/api/v1/accounts/self/terms/${id}`), await call(a, 'DELETE', '/api/v1/accounts/self/terms/987654'), String(id), '987654');
      }
      expect((await call(b, 'GET', `/api/v1/accounts/self/terms/${foreign[0]}`)).body).toBe(theirs.body);
      expect(await snapshot(b)).toEqual(before);
    });
  });
});
