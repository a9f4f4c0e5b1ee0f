import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { SessionRepository } from '../../../src/store/session-repository.ts';
import { createTenant, drivers, startApp, type TestApp, type TestTenant } from '../../harness.ts';
import { insertSessions, sessionInput } from './fixtures.ts';

const BASE = '/api/v2/graph';

describe.each(drivers())('Edlink sessions API on %s', (driver) => {
  let t: TestApp;
  let clock = new Date('2025-12-20T03:00:00.000Z'); // still 2025-12-19 in America/Chicago
  beforeAll(async () => {
    t = await startApp(driver, { now: () => clock });
  });
  afterAll(() => t.close());

  async function get(tenant: TestTenant, url: string, scopes = ['edlink:read']) {
    const res = await t.app.inject({ method: 'GET', url, headers: await tenant.auth(scopes) });
    return { status: res.statusCode, body: res.json() as Record<string, any> };
  }

  it('serves the seed object shape: exclusive end_date, mapped type, identifiers, state in the district time zone', async () => {
    const tenant = await createTenant(t);
    const school = tenant.schools[0]!;
    const [fall, q1, year] = await insertSessions(t, tenant.tenantId, [
      sessionInput({ schoolOrgId: school.id, schoolYear: 2026, termDescriptor: 'uri://ed-fi.org/TermDescriptor#Fall Semester', totalInstructionalDays: 85, identifiers: { sis: 'T-1', 'oneroster@classlink': 'or-9' } }),
      sessionInput({ name: 'Q1', type: 'quarter', beginDate: '2025-08-13', endDate: '2025-10-10' }),
      sessionInput({ name: 'SY 2026-27', type: 'schoolYear', beginDate: '2026-08-01', endDate: '2027-06-30' }),
    ]);
    const { status, body } = await get(tenant, `${BASE}/sessions/${fall!.id}`);
    expect(status).toBe(200);
    expect(body.$request).toMatch(/^[0-9a-f-]{36}$/);
    expect(Object.keys(body.$data).sort()).toEqual(
      ['created_date', 'district_id', 'end_date', 'id', 'identifiers', 'name', 'properties', 'school_id', 'start_date', 'state', 'type', 'updated_date'],
    );
    expect(body.$data).toMatchObject({
      id: fall!.id,
      name: 'Fall 2025',
      start_date: '2025-08-13T00:00:00.000Z',
      end_date: '2025-12-20T00:00:00.000Z',
      state: 'active',
      type: 'semester',
      school_id: school.id,
      district_id: tenant.districtId,
      properties: { type: 'semester', school_year: 2026, term_descriptor: 'uri://ed-fi.org/TermDescriptor#Fall Semester', total_instructional_days: 85 },
    });
    expect(body.$data.created_date).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect(body.$data.identifiers).toEqual([
      { type: 'canvas_id', value: String(fall!.canvasId) },
      { type: 'edfi_id', value: fall!.id.replace(/-/g, '') },
      { type: 'oneroster_id', value: 'or-9' },
      { type: 'sis_id', value: 'T-1' },
    ]);
    const quarter = (await get(tenant, `${BASE}/sessions/${q1!.id}`)).body.$data;
    expect(quarter).toMatchObject({ type: 'term', properties: { type: 'quarter' }, state: 'completed', school_id: null });
    expect((await get(tenant, `${BASE}/sessions/${year!.id}`)).body.$data).toMatchObject({ type: 'school_year', state: 'upcoming' });
    // Same instant in UTC is already 2025-12-20: the fall semester is over there.
    await sql`UPDATE tenants SET time_zone = 'UTC' WHERE tenant_id = ${tenant.tenantId}`.execute(t.store.db);
    expect((await get(tenant, `${BASE}/sessions/${fall!.id}`)).body.$data.state).toBe('completed');
  });

  it('never lists the Canvas default term or deleted sessions, and 404s them by id', async () => {
    const tenant = await createTenant(t);
    const [kept, gone] = await insertSessions(t, tenant.tenantId, [sessionInput({ name: 'Kept' }), sessionInput({ name: 'Gone' })]);
    await new SessionRepository(t.store.db).markDeleted(tenant.tenantId, gone!.id);
    const listed = await get(tenant, `${BASE}/sessions`);
    expect(listed.body.$data.map((s: any) => s.id)).toEqual([kept!.id]);
    expect(listed.body.$next).toBeUndefined();
    const missing = await get(tenant, `${BASE}/sessions/${gone!.id}`);
    expect(missing.status).toBe(404);
    expect(missing.body.$errors).toEqual([{ code: 'NOT_FOUND', message: expect.stringContaining(gone!.id) }]);
    const defaultTerm = await new SessionRepository(t.store.db).find(tenant.tenantId, { where: { field: 'isDefaultTerm', op: 'eq', value: true }, sort: [], page: { kind: 'all' } });
    expect((await get(tenant, `${BASE}/sessions/${defaultTerm.rows[0]!.id}`)).status).toBe(404);
  });

  it("answers another district's session exactly like a missing one", async () => {
    const a = await createTenant(t);
    const b = await createTenant(t);
    const [theirs] = await insertSessions(t, b.tenantId, [sessionInput()]);
    const res = await get(a, `${BASE}/sessions/${theirs!.id}`);
    expect(res.status).toBe(404);
    expect(res.body.$errors[0].code).toBe('NOT_FOUND');
    expect((await get(a, `${BASE}/schools/${b.schools[0]!.id}/sessions`)).status).toBe(404);
    expect((await get(a, `${BASE}/districts/${b.districtId}/sessions`)).status).toBe(404);
  });

  it('rejects malformed uuids with INVALID_UUID', async () => {
    const tenant = await createTenant(t);
    for (const url of [`${BASE}/sessions/nope`, `${BASE}/schools/123/sessions`, `${BASE}/districts/x/sessions`, `${BASE}/sessions?$after=zzz`]) {
      const res = await get(tenant, url);
      expect(res.status, url).toBe(400);
      expect(res.body.$errors[0].code, url).toBe('INVALID_UUID');
    }
  });

  it('answers auth failures in the Edlink envelope: 401 INVALID_TOKEN, 403 NO_PERMISSION', async () => {
    const tenant = await createTenant(t);
    const none = await t.app.inject({ method: 'GET', url: `${BASE}/sessions` });
    expect(none.statusCode).toBe(401);
    expect(none.json()).toEqual({ $request: expect.any(String), $errors: [{ code: 'INVALID_TOKEN', message: expect.any(String) }] });
    const bad = await t.app.inject({ method: 'GET', url: `${BASE}/sessions`, headers: { authorization: 'Bearer nope' } });
    expect(bad.json().$errors[0].code).toBe('INVALID_TOKEN');
    const wrongScope = await get(tenant, `${BASE}/sessions`, ['edfi:read']);
    expect(wrongScope.status).toBe(403);
    expect(wrongScope.body.$errors[0]).toMatchObject({ code: 'NO_PERMISSION', message: expect.stringContaining('edlink:read') });
    const unknownRoute = await get(tenant, `${BASE}/terms`);
    expect(unknownRoute.status).toBe(404);
    expect(unknownRoute.body.$errors[0].code).toBe('NOT_FOUND');
  });

  it('is read-only: writes get an Edlink error, never a 2xx', async () => {
    const tenant = await createTenant(t);
    const res = await t.app.inject({ method: 'POST', url: `${BASE}/sessions`, headers: await tenant.auth(['edlink:read']), payload: { name: 'x' } });
    expect(res.statusCode).toBe(404);
    expect(res.json().$errors).toEqual([{ code: 'NOT_FOUND', message: 'No resource is served at POST /api/v2/graph/sessions.' }]);
  });

  it('pages forward with $first and $next, backward with $last, and from $after/$before', async () => {
    const tenant = await createTenant(t);
    const rows = await insertSessions(t, tenant.tenantId, Array.from({ length: 25 }, (_, i) => sessionInput({ name: `S${String(i).padStart(2, '0')}` })));
    const ids = rows.map((r) => r.id);
    const seen: string[] = [];
    let url: string | undefined = `${BASE}/sessions?$first=10`;
    let pages = 0;
    while (url) {
      const res = await get(tenant, url.replace(/^https?:\/\/[^/]+/, ''));
      expect(res.status).toBe(200);
      seen.push(...res.body.$data.map((s: any) => s.id));
      url = res.body.$next;
      if (url) expect(url).toMatch(/^http:\/\/[^/]+\/api\/v2\/graph\/sessions\?\$cursor=[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
      pages++;
    }
    expect(pages).toBe(3);
    expect(seen).toEqual(ids);
    const last = await get(tenant, `${BASE}/sessions?$last=4`);
    expect(last.body.$data.map((s: any) => s.id)).toEqual(ids.slice(-4).reverse());
    const back = await get(tenant, last.body.$next.replace(/^https?:\/\/[^/]+/, ''));
    expect(back.body.$data.map((s: any) => s.id)).toEqual(ids.slice(-8, -4).reverse());
    const after = await get(tenant, `${BASE}/sessions?$after=${ids[20]}&$first=10`);
    expect(after.body.$data.map((s: any) => s.id)).toEqual(ids.slice(21));
    expect(after.body.$next).toBeUndefined();
    const before = await get(tenant, `${BASE}/sessions?$before=${ids[3]}`);
    expect(before.body.$data.map((s: any) => s.id)).toEqual(ids.slice(0, 3).reverse());
    const exact = await get(tenant, `${BASE}/sessions?$first=25`);
    expect(exact.body.$data).toHaveLength(25);
    expect(exact.body.$next).toBeUndefined();
    const unknownAnchor = await get(tenant, `${BASE}/sessions?$after=00000000-0000-4000-8000-000000000000`);
    expect(unknownAnchor.status).toBe(404);
  });

  it('rejects page sizes outside 1–10000 and contradictory paging with 400', async () => {
    const tenant = await createTenant(t);
    for (const q of ['$first=0', '$first=10001', '$first=abc', '$last=-1', '$first=1.5', '$first=5&$last=5']) {
      const res = await get(tenant, `${BASE}/sessions?${q}`);
      expect(res.status, q).toBe(400);
      expect(res.body.$errors[0].code, q).toBe('INVALID_PAGE_SIZE');
    }
    expect((await get(tenant, `${BASE}/sessions?$first=10000`)).status).toBe(200);
    const both = await get(tenant, `${BASE}/sessions?$after=00000000-0000-4000-8000-000000000000&$before=00000000-0000-4000-8000-000000000000`);
    expect(both.status).toBe(400);
    expect((await get(tenant, `${BASE}/sessions?$first=1&$first=2`)).status).toBe(400);
  });

  it('keeps the filter and page size in the cursor, warns PAGING_IGNORED, and expires cursors after 2 hours', async () => {
    const tenant = await createTenant(t);
    await insertSessions(t, tenant.tenantId, Array.from({ length: 7 }, (_, i) => sessionInput({ name: i % 2 === 0 ? `Fall ${i}` : `Spring ${i}` })));
    const filter = encodeURIComponent(JSON.stringify({ name: [{ operator: 'starts with', value: 'fall' }] }));
    const first = await get(tenant, `${BASE}/sessions?$first=2&$filter=${filter}`);
    expect(first.body.$data.map((s: any) => s.name)).toEqual(['Fall 0', 'Fall 2']);
    const cursorPath = first.body.$next.replace(/^https?:\/\/[^/]+/, '');
    const second = await get(tenant, cursorPath);
    expect(second.body.$data.map((s: any) => s.name)).toEqual(['Fall 4', 'Fall 6']);
    expect(second.body.$warnings).toBeUndefined();
    expect(second.body.$next).toBeUndefined();
    const ignored = await get(tenant, `${cursorPath}&$first=100&$filter=${filter}`);
    expect(ignored.body.$data.map((s: any) => s.name)).toEqual(['Fall 4', 'Fall 6']);
    expect(ignored.body.$warnings).toEqual([{ code: 'PAGING_IGNORED', message: expect.stringContaining('$first') }]);
    const otherList = await get(tenant, cursorPath.replace('/sessions?', `/schools/${tenant.schools[0]!.id}/sessions?`));
    expect(otherList.body.$errors[0].code).toBe('INVALID_CURSOR');
    const garbage = await get(tenant, `${BASE}/sessions?$cursor=not-a-cursor`);
    expect(garbage.status).toBe(400);
    expect(garbage.body.$errors[0].code).toBe('INVALID_CURSOR');
    const saved = clock;
    clock = new Date(saved.getTime() + 2 * 60 * 60 * 1000 + 1);
    try {
      const expired = await get(tenant, cursorPath);
      expect(expired.status).toBe(400);
      expect(expired.body.$errors[0]).toMatchObject({ code: 'INVALID_CURSOR', message: expect.stringContaining('expired') });
    } finally {
      clock = saved;
    }
  });

  it('trims objects with $fields, warns INVALID_FIELD_REQUESTED for unknown names and INVALID_EXPANSION for $expand', async () => {
    const tenant = await createTenant(t);
    const [s] = await insertSessions(t, tenant.tenantId, [sessionInput()]);
    const list = await get(tenant, `${BASE}/sessions?$fields=id,name,bogus`);
    expect(list.body.$data).toEqual([{ id: s!.id, name: 'Fall 2025' }]);
    expect(list.body.$warnings).toEqual([{ code: 'INVALID_FIELD_REQUESTED', message: expect.stringContaining('bogus') }]);
    const expanded = await get(tenant, `${BASE}/sessions/${s!.id}?$expand=school`);
    expect(expanded.body.$warnings).toEqual([{ code: 'INVALID_EXPANSION', message: expect.stringContaining('school') }]);
    expect(expanded.body.$data.id).toBe(s!.id);
    const one = await get(tenant, `${BASE}/sessions/${s!.id}?$fields=end_date`);
    expect(one.body.$data).toEqual({ end_date: '2025-12-20T00:00:00.000Z' });
    expect(one.body.$warnings).toBeUndefined();
  });

  it("lists a school's sessions and the district's sessions", async () => {
    const tenant = await createTenant(t);
    const [a, b] = tenant.schools;
    const rows = await insertSessions(t, tenant.tenantId, [
      sessionInput({ name: 'A', schoolOrgId: a!.id, schoolYear: 2026 }),
      sessionInput({ name: 'B', schoolOrgId: b!.id, schoolYear: 2026 }),
      sessionInput({ name: 'District' }),
    ]);
    const school = await get(tenant, `${BASE}/schools/${a!.id}/sessions`);
    expect(school.body.$errors).toBeUndefined();
    expect(school.body.$data.map((s: any) => s.name)).toEqual(['A']);
    const district = await get(tenant, `${BASE}/districts/${tenant.districtId}/sessions`);
    expect(district.body.$data.map((s: any) => s.id)).toEqual(rows.map((r) => r.id));
    const unknownSchool = await get(tenant, `${BASE}/schools/00000000-0000-4000-8000-000000000000/sessions`);
    expect(unknownSchool.status).toBe(404);
    const districtAsSchool = await get(tenant, `${BASE}/schools/${tenant.districtId}/sessions`);
    expect(districtAsSchool.status).toBe(404);
  });

  it('answers a bad $filter with 400 INVALID_FILTER naming the field and its operators', async () => {
    const tenant = await createTenant(t);
    const cases: [string, string[]][] = [
      ['{not json', ['not valid JSON']],
      ['[1,2]', ['JSON object']],
      [JSON.stringify({ created_date: [{ operator: 'equals', value: 'x' }] }), ["'created_date' cannot be filtered", 'name (equals, starts with']],
      [JSON.stringify({ colour: [] }), ["Unknown field 'colour'"]],
      [JSON.stringify({ name: [{ operator: 'gt', value: 'A' }] }), ["'name' does not allow", 'equals, starts with, contains, in, not in, is known, is unknown']],
      [JSON.stringify({ id: [{ operator: 'contains', value: 'a' }] }), ["'id' does not allow", 'equals, in, not in']],
      [JSON.stringify({ start_date: [{ operator: 'gt', value: 'yesterday' }] }), ['start_date', 'ISO-8601']],
      [JSON.stringify({ start_date: [{ operator: 'gt', value: '2025-02-30' }] }), ['not a real date']],
      [JSON.stringify({ name: { operator: 'equals', value: 'A' } }), ['must be a list']],
      [JSON.stringify({ name: [{ operator: 'equals', value: 3 }] }), ['needs a string']],
    ];
    for (const [filter, fragments] of cases) {
      const res = await get(tenant, `${BASE}/sessions?$filter=${encodeURIComponent(filter)}`);
      expect(res.status, filter).toBe(400);
      expect(res.body.$errors[0].code, filter).toBe('INVALID_FILTER');
      for (const f of fragments) expect(res.body.$errors[0].message, filter).toContain(f);
    }
  });

  it('filters dates as the wire shows them: end_date is exclusive, date-times without a zone warn', async () => {
    const tenant = await createTenant(t);
    await insertSessions(t, tenant.tenantId, [sessionInput({ name: 'Fall', endDate: '2025-12-19' }), sessionInput({ name: 'Spring', beginDate: '2026-01-05', endDate: '2026-05-29' })]);
    const q = async (filter: object) => {
      const res = await get(tenant, `${BASE}/sessions?$filter=${encodeURIComponent(JSON.stringify(filter))}`);
      expect(res.status).toBe(200);
      return { names: res.body.$data.map((s: any) => s.name), warnings: res.body.$warnings };
    };
    expect((await q({ end_date: [{ operator: 'equals', value: '2025-12-20T00:00:00.000Z' }] })).names).toEqual(['Fall']);
    expect((await q({ end_date: [{ operator: 'equals', value: '2025-12-19' }] })).names).toEqual([]);
    expect((await q({ end_date: [{ operator: 'lte', value: '2025-12-20' }] })).names).toEqual(['Fall']);
    expect((await q({ end_date: [{ operator: 'lt', value: '2025-12-20' }] })).names).toEqual([]);
    expect((await q({ start_date: [{ operator: 'gte', value: '2025-08-13T00:00:00.001Z' }] })).names).toEqual(['Spring']);
    const local = await q({ start_date: [{ operator: 'gt', value: '2025-12-31T12:00:00' }], name: [{ operator: 'in', value: 'Spring,Fall' }] });
    expect(local.names).toEqual(['Spring']);
    expect(local.warnings).toEqual([{ code: 'DATETIME_MISSING_TIMEZONE', message: expect.any(String) }]);
    expect((await q({ start_date: [{ operator: 'lt', value: '2025-08-13T00:00:00-05:00' }] })).names).toEqual(['Fall']);
  });

  it('documents every Edlink route in /docs with its response envelope', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/docs/json' });
    expect(res.statusCode).toBe(200);
    const paths = res.json().paths as Record<string, { get: { responses: Record<string, unknown> } }>;
    for (const path of ['/sessions', '/sessions/{id}', '/schools/{id}/sessions', '/districts/{id}/sessions'])
      expect(Object.keys(paths[`${BASE}${path}`]!.get.responses).sort(), path).toEqual(['200', '4XX']);
  });

  it('gives every Edlink route a scope entry', () => {
    const routes = t.app.printRoutes({ commonPrefix: false });
    for (const path of ['/sessions', '/sessions/:id', '/schools/:id/sessions', '/districts/:id/sessions'])
      expect(t.app.ctx.registry.scopesFor(`GET ${BASE}${path}`)).toEqual(['edlink:read']);
    expect(routes).toContain('graph');
  });
});

describe('Edlink rate limiting', () => {
  it('answers 429 RATE_LIMITED in the Edlink envelope with Retry-After', async () => {
    const { buildApp } = await import('../../../src/server.ts');
    const { openTestStore } = await import('../../harness.ts');
    const store = await openTestStore('pglite');
    const app = await buildApp({ store, rateLimit: { max: 2, timeWindowMs: 60_000 } });
    try {
      const tenant = await createTenant({ store }, { schools: 0 });
      const headers = await tenant.auth(['edlink:read']);
      const statuses: number[] = [];
      let last;
      for (let i = 0; i < 3; i++) {
        last = await app.inject({ method: 'GET', url: `${BASE}/sessions`, headers });
        statuses.push(last.statusCode);
      }
      expect(statuses).toEqual([200, 200, 429]);
      expect(last!.headers['retry-after']).toMatch(/^\d+$/);
      expect(last!.json()).toEqual({ $request: expect.any(String), $errors: [{ code: 'RATE_LIMITED', message: expect.any(String) }] });
    } finally {
      await app.close();
      await store.close();
    }
  });
});
