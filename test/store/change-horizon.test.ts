// Change versions per transaction and the change horizon (migration 010): what a transaction's
// rows carry, and which writes hold a tenant's horizon back (its own in-flight ones) and which
// do not (rolled back, committed, another tenant's).
import { setTimeout as sleep } from 'node:timers/promises';
import { sql, type Transaction } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROSTER_CORE_READONLY } from '../../src/dialects/oneroster/scopes.ts';
import { changeHorizon } from '../../src/store/change-horizon.ts';
import type { Tables } from '../../src/store/schema.ts';
import { SessionRepository } from '../../src/store/session-repository.ts';
import { TenantRepository } from '../../src/store/tenant-repository.ts';
import type { SessionInput } from '../../src/domain/session.ts';
import { createTenant, drivers, startApp, type TestApp, type TestTenant } from '../harness.ts';

const session = (tenant: TestTenant, name: string, days = 80): SessionInput => ({
  schoolOrgId: tenant.schools[0]!.id,
  schoolYear: 2026,
  name,
  type: 'term',
  beginDate: '2025-08-13',
  endDate: '2025-12-19',
  parentId: null,
  termDescriptor: 'uri://ed-fi.org/TermDescriptor#Fall Semester',
  gradingPeriodDescriptor: null,
  periodSequence: null,
  totalInstructionalDays: days,
});

/** Runs `work` in a transaction that stays open until the returned `end` is called. */
async function openTransaction(t: TestApp, work: (tx: Transaction<Tables>) => Promise<void>) {
  let finish!: (commit: boolean) => void;
  const decided = new Promise<boolean>((resolve) => (finish = resolve));
  let started!: () => void;
  const ready = new Promise<void>((resolve) => (started = resolve));
  const done = t.store.db
    .transaction()
    .execute(async (tx) => {
      await work(tx);
      started();
      if (!(await decided)) throw new RolledBack();
    })
    .catch((err: unknown) => {
      if (!(err instanceof RolledBack)) throw err;
    });
  await ready;
  return { end: async (commit: boolean) => (finish(commit), done) };
}
class RolledBack extends Error {}

describe.each(drivers())('change versions and the horizon on %s', (driver) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp(driver);
  });
  afterAll(() => t.close());

  it('gives all rows of one transaction one version and one millisecond time, whatever the statement wrote', async () => {
    const tenant = await createTenant(t);
    const ids = await t.store.db.transaction().execute(async (tx) => {
      const repo = new SessionRepository(tx);
      const a = await repo.insert(tenant.tenantId, session(tenant, 'A'));
      const b = await repo.insert(tenant.tenantId, session(tenant, 'B'));
      await repo.markDeleted(tenant.tenantId, a.id);
      await repo.markDeleted(tenant.tenantId, b.id);
      await sql`UPDATE sessions SET change_version = 1, updated_at = '2000-01-01' WHERE tenant_id = ${tenant.tenantId} AND id = ${b.id}`.execute(tx);
      return [a.id, b.id];
    });
    const rows = await t.store.db.selectFrom('sessions').select(['change_version', 'updated_at']).where('tenant_id', '=', tenant.tenantId).where('id', 'in', ids).execute();
    const log = await t.store.db.selectFrom('change_log').select(['change_version', 'created_at']).where('tenant_id', '=', tenant.tenantId).execute();
    expect(log).toHaveLength(2); // two tombstones under one version: the key allows it
    const versions = new Set([...rows, ...log].map((r) => r.change_version));
    const times = new Set([...rows.map((r) => r.updated_at), ...log.map((r) => r.created_at)].map((d) => new Date(d as unknown as Date).getTime()));
    expect(versions.size).toBe(1);
    expect(times.size).toBe(1);
    expect(Number([...versions][0])).toBeGreaterThan(1);
    expect(new Date([...times][0]!).getUTCFullYear()).toBeGreaterThan(2000);
    // Each later transaction takes a newer version.
    const later = await new SessionRepository(t.store.db).insert(tenant.tenantId, session(tenant, 'C'));
    expect(later.changeVersion).toBeGreaterThan(Number([...versions][0]));
    expect(await changeHorizon(t.store.db, tenant.tenantId)).toMatchObject({ version: expect.any(Number) });
    expect((await changeHorizon(t.store.db, tenant.tenantId)).version).toBeGreaterThanOrEqual(later.changeVersion);
  });

  it('keeps one version per tenant in a transaction that switches between tenants', async () => {
    const [a, b] = [await createTenant(t), await createTenant(t)];
    const locksBefore = await advisoryLocksHeld();
    const [a1, b1, a2, b2] = await t.store.db.transaction().execute(async (tx) => {
      const repo = new SessionRepository(tx);
      const out = [];
      for (const [tenant, name] of [[a, 'A1'], [b, 'B1'], [a, 'A2'], [b, 'B2']] as const) out.push(await repo.insert(tenant.tenantId, session(tenant, name)));
      // WRITER, VERSION and TIME once per tenant, however often it switches.
      expect((await advisoryLocksHeld(tx)) - locksBefore).toBe(6);
      return out;
    });
    expect(a2!.changeVersion).toBe(a1!.changeVersion);
    expect(b2!.changeVersion).toBe(b1!.changeVersion);
    expect(b1!.changeVersion).toBeGreaterThan(a1!.changeVersion);
    expect(a2!.updatedAt).toBe(a1!.updatedAt);
  });

  /** Two-key advisory locks (migration 010's) this backend, or `db`'s, holds. */
  async function advisoryLocksHeld(db: Transaction<Tables> | TestApp['store']['db'] = t.store.db): Promise<number> {
    const r = await sql<{ n: string }>`SELECT count(*) AS n FROM pg_locks WHERE locktype = 'advisory' AND objsubid = 2 AND pid = pg_backend_pid()`.execute(db);
    return Number(r.rows[0]!.n);
  }

  it('is not held back by a rolled-back transaction', async () => {
    const tenant = await createTenant(t);
    let taken = 0;
    const open = await openTransaction(t, async (tx) => {
      taken = (await new SessionRepository(tx).insert(tenant.tenantId, session(tenant, 'Never'))).changeVersion;
    });
    await open.end(false);
    const h = await changeHorizon(t.store.db, tenant.tenantId);
    expect(h.version).toBeGreaterThanOrEqual(taken);
    expect(await new SessionRepository(t.store.db).findByNaturalKey(tenant.tenantId, tenant.schools[0]!.id, 2026, 'Never')).toBeNull();
  });
});

// Two transactions at once need two connections: PostgreSQL only. The writes are updates of
// sessions made beforehand: a new session takes the tenant's next Canvas id, a row lock that
// would make the second writer wait for the first.
describe.skipIf(!process.env.TEST_DATABASE_URL)('the change horizon with writers in flight (PostgreSQL)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp('postgres');
  });
  afterAll(() => t.close());

  async function sessions(tenant: TestTenant, ...names: string[]): Promise<string[]> {
    const repo = new SessionRepository(t.store.db);
    const ids: string[] = [];
    for (const name of names) ids.push((await repo.insert(tenant.tenantId, session(tenant, name))).id);
    return ids;
  }

  /** A new version of the session (its instructional days changed), in `db`'s transaction or its own. */
  async function touch(db: Transaction<Tables> | TestApp['store']['db'], tenant: TestTenant, id: string, name: string, days: number) {
    const r = await new SessionRepository(db).update(tenant.tenantId, id, session(tenant, name, days));
    if (r === null || r === 'conflict') throw new Error(`could not update ${name}`);
    return r;
  }

  it('stays below a tenant\'s in-flight write, in versions and in time, until it commits; other tenants are not held back', async () => {
    const [a, b] = [await createTenant(t), await createTenant(t)];
    const [slowId, laterId, earlyId] = await sessions(a, 'Slow', 'Later', 'Early');
    const [otherId] = await sessions(b, 'Other');
    const early = await touch(t.store.db, a, earlyId!, 'Early', 81);
    let inFlight = 0;
    const open = await openTransaction(t, async (tx) => {
      inFlight = (await touch(tx, a, slowId!, 'Slow', 81)).changeVersion;
    });
    try {
      // Committed after the slow one took its version, by both tenants.
      const laterA = await touch(t.store.db, a, laterId!, 'Later', 81);
      const laterB = await touch(t.store.db, b, otherId!, 'Other', 81);
      const school = await new TenantRepository(t.store.db).addSchool(a.tenantId, { name: 'Opened Later', schoolId: 999_000_000 + Math.floor(Math.random() * 1_000_000) });
      expect(laterA.changeVersion).toBeGreaterThan(inFlight);
      expect(school.changeVersion).toBeGreaterThan(inFlight);
      await sleep(2); // a time horizon excludes its own millisecond

      const ha = await changeHorizon(t.store.db, a.tenantId);
      expect(ha.version).toBe(inFlight - 1);
      expect(ha.version).toBeGreaterThanOrEqual(early.changeVersion);
      expect(Date.parse(ha.before)).toBeLessThanOrEqual(Date.parse(laterA.updatedAt));
      const hb = await changeHorizon(t.store.db, b.tenantId);
      expect(hb.version).toBeGreaterThanOrEqual(laterB.changeVersion);
      expect(Date.parse(hb.before)).toBeGreaterThan(Date.parse(laterB.updatedAt));

      // The APIs answer up to the horizon: Ed-Fi's newest and windows, OneRoster's delta.
      const edfi = await a.auth(['edfi:read']);
      const names = async (url: string) => ((await t.app.inject({ url, headers: edfi })).json() as { sessionName?: string; nameOfInstitution?: string }[]).map((x) => x.sessionName ?? x.nameOfInstitution);
      const newest = (await t.app.inject({ url: '/changeQueries/v1/availableChangeVersions', headers: edfi })).json();
      expect(newest.newestChangeVersion).toBe(inFlight - 1);
      expect(await names(`/data/v3/ed-fi/sessions?minChangeVersion=${early.changeVersion}`)).toEqual(['Early']);
      expect(await names(`/data/v3/ed-fi/sessions?minChangeVersion=${early.changeVersion}&maxChangeVersion=${laterA.changeVersion}`)).toEqual(['Early']);
      expect(await names(`/data/v3/ed-fi/schools?minChangeVersion=${early.changeVersion}`)).toEqual([]);
      const oneRoster = await a.auth([ROSTER_CORE_READONLY]);
      const since = new Date(Date.parse(early.updatedAt) - 1).toISOString();
      const delta = await t.app.inject({ url: `/ims/oneroster/rostering/v1p2/academicSessions?filter=${encodeURIComponent(`dateLastModified>'${since}'`)}`, headers: oneRoster });
      const titles = (delta.json().academicSessions as { title: string }[]).map((x) => x.title);
      expect(titles).not.toContain('Later');
      expect(titles).not.toContain('Slow');
    } finally {
      await open.end(true);
    }
    const after = await changeHorizon(t.store.db, a.tenantId);
    expect(after.version).toBeGreaterThan(inFlight);
    const edfi = await a.auth(['edfi:read']);
    const names = async (url: string) => ((await t.app.inject({ url, headers: edfi })).json() as { sessionName?: string; nameOfInstitution?: string }[]).map((x) => x.sessionName ?? x.nameOfInstitution);
    expect((await names(`/data/v3/ed-fi/sessions?minChangeVersion=${inFlight}`)).sort()).toEqual(['Later', 'Slow']);
    expect(await names(`/data/v3/ed-fi/schools?minChangeVersion=${inFlight}`)).toEqual(['Opened Later']);
  });

  it('moves past a transaction as soon as it rolls back', async () => {
    const tenant = await createTenant(t);
    const [doomedId, keptId] = await sessions(tenant, 'Doomed', 'Kept');
    let inFlight = 0;
    const open = await openTransaction(t, async (tx) => {
      inFlight = (await touch(tx, tenant, doomedId!, 'Doomed', 81)).changeVersion;
    });
    const later = await touch(t.store.db, tenant, keptId!, 'Kept', 81);
    expect((await changeHorizon(t.store.db, tenant.tenantId)).version).toBe(inFlight - 1);
    await open.end(false);
    expect((await changeHorizon(t.store.db, tenant.tenantId)).version).toBeGreaterThanOrEqual(later.changeVersion);
  });

  it('is held back again by a write after a rolled-back savepoint', async () => {
    const tenant = await createTenant(t);
    const [undoneId, keptId, afterId] = await sessions(tenant, 'Undone', 'Kept', 'After');
    let version = 0;
    const open = await openTransaction(t, async (tx) => {
      await sql`SAVEPOINT s`.execute(tx);
      await touch(tx, tenant, undoneId!, 'Undone', 81);
      await sql`ROLLBACK TO SAVEPOINT s`.execute(tx);
      version = (await touch(tx, tenant, keptId!, 'Kept', 81)).changeVersion;
    });
    try {
      await touch(t.store.db, tenant, afterId!, 'After', 81);
      expect((await changeHorizon(t.store.db, tenant.tenantId)).version).toBeLessThan(version);
    } finally {
      await open.end(true);
    }
    expect((await changeHorizon(t.store.db, tenant.tenantId)).version).toBeGreaterThanOrEqual(version);
  });
});
