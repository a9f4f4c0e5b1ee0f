// Issue #18: the parent/child rule (a session within its parent's dates) has one outcome in
// every API: a write that would put a child outside its parent, or shrink a parent so that a
// live child falls outside, is refused — each API in its own error format.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALL_CANVAS_SCOPES } from '../../src/dialects/canvas/scopes.ts';
import { ROSTER_CREATEPUT, ROSTER_READONLY } from '../../src/dialects/oneroster/scopes.ts';
import { createTenant, drivers, startApp, type TestApp, type TestTenant } from '../harness.ts';
import { DATA, sessionBody } from './edfi/edfi-fixtures.ts';

const OR = '/ims/oneroster/rostering/v1p2';
const CANVAS = '/api/v1/accounts/self/terms';
const YEAR_ROUND = 'uri://ed-fi.org/TermDescriptor#Year Round';

describe.each(drivers())('the parent/child rule on %s', (driver) => {
  let t: TestApp;
  let tenant: TestTenant;
  let headers: Record<string, string>;
  let yearId: string;
  let yearCanvasId: number;
  let childCanvasId: number;

  const send = (method: 'GET' | 'POST' | 'PUT', url: string, payload?: object) => t.app.inject({ method, url, headers, ...(payload ? { payload } : {}) });
  const yearBody = (overrides: Record<string, unknown> = {}) =>
    sessionBody(tenant.schools[0]!.schoolId!, { sessionName: '2025-2026', termDescriptor: YEAR_ROUND, beginDate: '2025-08-01', endDate: '2026-06-30', ...overrides });

  beforeAll(async () => {
    t = await startApp(driver);
    tenant = await createTenant(t, { schools: 1 });
    headers = await tenant.auth(['edfi:read', 'edfi:write', ROSTER_READONLY, ROSTER_CREATEPUT, ...ALL_CANVAS_SCOPES]);
    const year = await send('POST', `${DATA}/sessions`, yearBody());
    expect(year.statusCode).toBe(201);
    const edfiId = String(year.headers.location).split('/').pop()!;
    yearId = `${edfiId.slice(0, 8)}-${edfiId.slice(8, 12)}-${edfiId.slice(12, 16)}-${edfiId.slice(16, 20)}-${edfiId.slice(20)}`;
    const child = await send('PUT', `${OR}/academicSessions/fall-child`, {
      academicSession: { title: 'Fall', type: 'semester', startDate: '2025-08-15', endDate: '2025-12-20', schoolYear: '2026', org: { sourcedId: tenant.schools[0]!.id }, parent: { sourcedId: yearId } },
    });
    expect(child.statusCode, child.body).toBe(201);
    const terms = (await send('GET', `${CANVAS}?per_page=100`)).json().enrollment_terms as { id: number; name: string }[];
    yearCanvasId = terms.find((x) => x.name === '2025-2026')!.id;
    childCanvasId = terms.find((x) => x.name === 'Fall')!.id;
  });
  afterAll(() => t.close());

  it('Ed-Fi: a PUT shrinking the parent past its child is a 400 on the date', async () => {
    const r = await send('PUT', `${DATA}/sessions/${yearId.replaceAll('-', '')}`, yearBody({ endDate: '2025-11-30' }));
    expect(r.statusCode).toBe(400);
    expect(r.json().type).toBe('urn:ed-fi:api:bad-request:data-validation-failed');
    expect(r.json().validationErrors['$.endDate'][0]).toContain("child session 'Fall'");
    // The same by POST (upsert by natural key).
    expect((await send('POST', `${DATA}/sessions`, yearBody({ beginDate: '2025-09-01' }))).statusCode).toBe(400);
  });

  it('Canvas: a PUT shrinking the parent, or moving the child out, is a 400 attribute error', async () => {
    const shrink = await send('PUT', `${CANVAS}/${yearCanvasId}`, { enrollment_term: { end_at: '2025-11-30T23:00:00Z' } });
    expect(shrink.statusCode).toBe(400);
    expect(JSON.stringify(shrink.json().errors)).toContain("child session 'Fall'");
    const move = await send('PUT', `${CANVAS}/${childCanvasId}`, { enrollment_term: { end_at: '2026-08-01T12:00:00Z' } });
    expect(move.statusCode).toBe(400);
    expect(JSON.stringify(move.json().errors)).toContain("parent '2025-2026'");
  });

  it('OneRoster: a PUT shrinking the parent is a 400 invaliddata naming the child', async () => {
    const r = await send('PUT', `${OR}/academicSessions/${yearId}`, {
      academicSession: { title: '2025-2026', type: 'schoolYear', startDate: '2025-08-01', endDate: '2025-12-01', schoolYear: '2026', org: { sourcedId: tenant.schools[0]!.id } },
    });
    expect(r.statusCode).toBe(400);
    expect(r.json().imsx_description).toContain("the child session 'fall-child'");
  });

  it('nothing was written: parent and child keep their dates', async () => {
    const year = (await send('GET', `${DATA}/sessions/${yearId.replaceAll('-', '')}`)).json();
    expect([year.beginDate, year.endDate]).toEqual(['2025-08-01', '2026-06-30']);
    const child = (await send('GET', `${OR}/academicSessions/fall-child`)).json().academicSession;
    expect([child.startDate, child.endDate]).toEqual(['2025-08-15', '2025-12-20']);
    // A change that keeps the child inside is accepted everywhere.
    expect((await send('PUT', `${DATA}/sessions/${yearId.replaceAll('-', '')}`, yearBody({ endDate: '2026-06-15' }))).statusCode).toBe(204);
  });
});
