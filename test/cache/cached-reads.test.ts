// The response cache over HTTP on both drivers: a repeated read is a hit, and every kind of
// write makes the next read fresh — through another dialect, or straight into the tables as a
// CLI import or a second server process would, with no call into this app.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClientRepository } from '../../src/auth/client-repository.ts';
import { CACHEABLE_READS, COMPACT_AFTER_ROWS } from '../../src/cache/cached-reads.ts';
import { ROSTER_CORE_READONLY, ROSTER_CREATEPUT } from '../../src/dialects/oneroster/scopes.ts';
import { compactDataChanges, dataVersion } from '../../src/store/data-changes.ts';
import { buildApp } from '../../src/server.ts';
import { createTenant, drivers, startApp, type TestApp, type TestTenant } from '../harness.ts';

const SESSIONS = '/data/v3/ed-fi/sessions';

async function postSession(t: TestApp, h: Record<string, string>, schoolId: number, name: string) {
  const r = await t.app.inject({
    method: 'POST',
    url: SESSIONS,
    headers: h,
    payload: {
      schoolReference: { schoolId },
      schoolYearTypeReference: { schoolYear: 2026 },
      sessionName: name,
      beginDate: '2025-08-13',
      endDate: '2025-12-19',
      termDescriptor: 'uri://ed-fi.org/TermDescriptor#Fall Semester',
      totalInstructionalDays: 80,
    },
  });
  expect(r.statusCode).toBe(201);
}

describe.each(drivers())('response cache (%s)', (driver) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp(driver);
  });
  afterAll(async () => t.close());

  async function tenantWithSessions(): Promise<{ tenant: TestTenant; h: Record<string, string>; schoolId: number }> {
    const tenant = await createTenant(t);
    const h = await tenant.auth(['edfi:read', 'edfi:write']);
    const schoolId = Number(tenant.schools[0]!.schoolId);
    await postSession(t, h, schoolId, 'Fall');
    await postSession(t, h, schoolId, 'Spring');
    return { tenant, h, schoolId };
  }

  const hits = () => t.app.responseCache!.stats().hits;
  const list = (h: Record<string, string>, schoolId: number) => t.app.inject({ method: 'GET', url: `${SESSIONS}?schoolId=${schoolId}&totalCount=true`, headers: h });

  it('names only routes the server has (a typo would silently never cache)', () => {
    const routes = new Set(t.app.ctx.registry.routes());
    for (const key of CACHEABLE_READS) expect(routes.has(key), key).toBe(true);
  });

  it('answers a repeated read from the cache, with the same body and headers', async () => {
    const { h, schoolId } = await tenantWithSessions();
    const first = await list(h, schoolId);
    const before = hits();
    const second = await list(h, schoolId);
    expect(hits()).toBe(before + 1);
    expect(second.statusCode).toBe(200);
    expect(second.body).toBe(first.body);
    expect(second.headers['total-count']).toBe('2');
    expect(second.headers['content-type']).toBe(first.headers['content-type']);
  });

  it('a write through another dialect is seen by the next read', async () => {
    const { tenant, h, schoolId } = await tenantWithSessions();
    await list(h, schoolId);
    const or = await tenant.auth([ROSTER_CORE_READONLY, ROSTER_CREATEPUT]);
    const school = (await t.app.inject({ method: 'GET', url: `/ims/oneroster/rostering/v1p2/academicSessions?limit=1`, headers: or })).json();
    expect(school.academicSessions).toHaveLength(1);
    const put = await t.app.inject({
      method: 'PUT',
      url: '/ims/oneroster/rostering/v1p2/academicSessions/or-summer',
      headers: or,
      payload: {
        academicSession: {
          sourcedId: 'or-summer',
          status: 'active',
          title: 'Summer',
          type: 'ext:summer',
          startDate: '2026-06-01',
          endDate: '2026-07-31',
          schoolYear: '2026',
          org: { sourcedId: school.academicSessions[0].org.sourcedId, type: 'org' },
        },
      },
    });
    expect(put.statusCode).toBe(201);
    const after = await list(h, schoolId);
    expect(after.json().map((s: { sessionName: string }) => s.sessionName).sort()).toEqual(['Fall', 'Spring', 'Summer']);
  });

  it('a write straight into the tables (another process) is seen by the next read', async () => {
    const { tenant, h, schoolId } = await tenantWithSessions();
    expect((await list(h, schoolId)).json()[0].sessionName).toBe('Fall');
    await sql`UPDATE sessions SET name = 'Autumn' WHERE tenant_id = ${tenant.tenantId} AND name = 'Fall'`.execute(t.store.db);
    expect((await list(h, schoolId)).json()[0].sessionName).toBe('Autumn');
    // Schools and descriptors are watched too: a renamed school shows at once.
    const schools = () => t.app.inject({ method: 'GET', url: `/data/v3/ed-fi/schools?schoolId=${schoolId}`, headers: h });
    await schools();
    await sql`UPDATE orgs SET name = 'Renamed High' WHERE tenant_id = ${tenant.tenantId} AND school_id = ${schoolId}`.execute(t.store.db);
    expect((await schools()).json()[0].nameOfInstitution).toBe('Renamed High');
  });

  it('a delete straight into the tables is seen by the next read', async () => {
    const { tenant, h, schoolId } = await tenantWithSessions();
    await sql`INSERT INTO course_sections (tenant_id, id, session_id, name)
      SELECT tenant_id, gen_random_uuid(), id, 'Algebra' FROM sessions WHERE tenant_id = ${tenant.tenantId} AND name = 'Spring'`.execute(t.store.db);
    expect((await list(h, schoolId)).json()).toHaveLength(2);
    await sql`DELETE FROM course_sections WHERE tenant_id = ${tenant.tenantId}`.execute(t.store.db);
    const v1 = await dataVersion(t.store.db, tenant.tenantId);
    await sql`DELETE FROM session_identifiers WHERE tenant_id = ${tenant.tenantId}`.execute(t.store.db);
    await sql`DELETE FROM sessions WHERE tenant_id = ${tenant.tenantId} AND name = 'Spring'`.execute(t.store.db);
    expect(BigInt((await dataVersion(t.store.db, tenant.tenantId)).version)).toBeGreaterThan(BigInt(v1.version));
    expect((await list(h, schoolId)).json().map((s: { sessionName: string }) => s.sessionName)).toEqual(['Fall']);
  });

  it("another tenant's writes and a rolled-back write keep a tenant's entries", async () => {
    const a = await tenantWithSessions();
    const b = await tenantWithSessions();
    await list(a.h, a.schoolId);
    await postSession(t, b.h, b.schoolId, 'Winter');
    await t.store.db
      .transaction()
      .execute(async (tx) => {
        await sql`UPDATE sessions SET name = 'Never' WHERE tenant_id = ${a.tenant.tenantId}`.execute(tx);
        throw new Error('roll back');
      })
      .catch(() => undefined);
    const before = hits();
    const again = await list(a.h, a.schoolId);
    expect(hits()).toBe(before + 1);
    expect(again.json().map((s: { sessionName: string }) => s.sessionName)).toEqual(['Fall', 'Spring']);
  });

  it('never keeps a read that follows changes: its answer ends at the change horizon, which moves without writes', async () => {
    const { tenant, h } = await tenantWithSessions();
    const oneRoster = await tenant.auth([ROSTER_CORE_READONLY]);
    const reads = [
      { url: `${SESSIONS}?minChangeVersion=1`, headers: h },
      { url: `${SESSIONS}/deletes?maxChangeVersion=999999999`, headers: h },
      { url: `/ims/oneroster/rostering/v1p2/academicSessions?filter=${encodeURIComponent("dateLastModified>'2020-01-01T00:00:00.000Z'")}`, headers: oneRoster },
    ];
    for (const r of reads) {
      const first = await t.app.inject({ method: 'GET', ...r });
      expect(first.statusCode, r.url).toBe(200);
      const before = hits();
      const again = await t.app.inject({ method: 'GET', ...r });
      expect(hits(), r.url).toBe(before);
      expect(again.body).toBe(first.body);
    }
  });

  it('identical URLs of two tenants get their own answers', async () => {
    const a = await tenantWithSessions();
    const b = await createTenant(t);
    const hb = await b.auth(['edfi:read']);
    await list(a.h, a.schoolId);
    // Same path and query: tenant b has no school with a's id, so it gets an empty list, not a's.
    const fromB = await t.app.inject({ method: 'GET', url: `${SESSIONS}?schoolId=${a.schoolId}&totalCount=true`, headers: hb });
    expect(fromB.json()).toEqual([]);
  });

  it('checks the token before the cache: a revoked client is refused a cached URL', async () => {
    const tenant = await createTenant(t);
    const clients = new ClientRepository(t.store.db);
    const { client } = await clients.create(tenant.tenantId, 'soon revoked', ['edfi:read']);
    const { token } = await clients.issueToken(client, ['edfi:read']);
    const h = { authorization: `Bearer ${token}` };
    expect((await t.app.inject({ method: 'GET', url: SESSIONS, headers: h })).statusCode).toBe(200);
    await clients.revoke(client.clientId);
    expect((await t.app.inject({ method: 'GET', url: SESSIONS, headers: h })).statusCode).toBe(401);
  });

  it('leaves conditional reads to the route: If-None-Match still gets its 304', async () => {
    const { h, schoolId } = await tenantWithSessions();
    const id = (await list(h, schoolId)).json()[0].id;
    const item = await t.app.inject({ method: 'GET', url: `${SESSIONS}/${id}`, headers: h });
    await t.app.inject({ method: 'GET', url: `${SESSIONS}/${id}`, headers: h });
    const conditional = await t.app.inject({ method: 'GET', url: `${SESSIONS}/${id}`, headers: { ...h, 'if-none-match': item.headers.etag as string } });
    expect(conditional.statusCode).toBe(304);
  });

  it('keys OneRoster answers by the address they were asked at (absolute hrefs)', async () => {
    const { tenant } = await tenantWithSessions();
    const or = await tenant.auth([ROSTER_CORE_READONLY]);
    const at = (host: string) => t.app.inject({ method: 'GET', url: '/ims/oneroster/rostering/v1p2/academicSessions', headers: { ...or, host } });
    expect((await at('a.example')).body).toContain('http://a.example/');
    const b = await at('b.example');
    expect(b.body).toContain('http://b.example/');
    expect(b.body).not.toContain('a.example');
  });

  it('compaction folds the write rows and keeps the version', async () => {
    const { tenant, h } = await tenantWithSessions();
    const write = (i: number) => sql`UPDATE sessions SET total_instructional_days = ${i} WHERE tenant_id = ${tenant.tenantId} AND name = 'Fall'`.execute(t.store.db);
    // Other test files share the PostgreSQL database and may compact at any moment; what must
    // hold whoever compacts is that the version is kept and ends in one row.
    for (let i = 0; i < 5; i++) await write(i);
    const before = await dataVersion(t.store.db, tenant.tenantId);
    await compactDataChanges(t.store.db);
    expect(await dataVersion(t.store.db, tenant.tenantId)).toEqual({ version: before.version, rows: 1 });
    // A request that sees too many rows starts a compaction of its own, without changing answers.
    for (let i = 0; i <= COMPACT_AFTER_ROWS; i++) await write(i);
    const grown = await dataVersion(t.store.db, tenant.tenantId);
    expect((await t.app.inject({ method: 'GET', url: SESSIONS, headers: h })).statusCode).toBe(200);
    await expect.poll(() => dataVersion(t.store.db, tenant.tenantId)).toEqual({ version: grown.version, rows: 1 });
  });

  it('a starting server folds the rows writers left while no server ran', async () => {
    const { tenant } = await tenantWithSessions();
    for (let i = 0; i < 3; i++) await sql`UPDATE sessions SET total_instructional_days = ${i} WHERE tenant_id = ${tenant.tenantId}`.execute(t.store.db);
    const before = await dataVersion(t.store.db, tenant.tenantId);
    const app = await buildApp({ store: t.store });
    await app.ready();
    await app.close();
    expect(await dataVersion(t.store.db, tenant.tenantId)).toEqual({ version: before.version, rows: 1 });
  });

  it('with the cache off every read is computed', async () => {
    const app = await buildApp({ store: t.store, responseCacheBytes: 0 });
    await app.ready();
    try {
      expect(app.responseCache).toBeNull();
      const { h, schoolId } = await tenantWithSessions();
      const r = await app.inject({ method: 'GET', url: `${SESSIONS}?schoolId=${schoolId}`, headers: h });
      expect(r.json()).toHaveLength(2);
    } finally {
      await app.close();
    }
  });
});
