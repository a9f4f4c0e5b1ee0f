// Claims are short leases renewed by a heartbeat: a worker killed with SIGKILL holds its
// in-flight operations only until its lease runs out (not two minutes), and a live worker whose
// send outlasts the lease keeps it, so no other worker sends the same operation again.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EdfiClient } from '../../src/sync/edfi-client.ts';
import { enqueueDirty } from '../../src/sync/sync-planning.ts';
import { SisRepository } from '../../src/sync/sis-repository.ts';
import { validateSisDataset } from '../../src/sync/sis-validation.ts';
import { loadStateRuleBook } from '../../src/sync/state-rule-book.ts';
import { drainOutbox } from '../../src/sync/worker.ts';
import { TenantRepository } from '../../src/store/tenant-repository.ts';
import { drivers, startApp } from '../harness.ts';
import { ChaosProxy, postedKey } from './chaos-proxy.ts';
import { prepareSource, spawnWorker, startTarget, until, type Target } from './child-sync.ts';
import { districtUpload } from './sync-rig.ts';

const LEASE = 1.5;

describe.each(drivers())('sync leases on %s', (driver) => {
  let target: Target;
  let proxy: ChaosProxy;
  beforeAll(async () => {
    target = await startTarget(2);
    proxy = new ChaosProxy(target.url, { rate: 0, seed: 1 });
    await proxy.start();
  });
  afterAll(async () => {
    await proxy.close();
    await target.close();
  });
  const schoolIds = () => target.ods.schools.map((s) => s.schoolId!);
  const client = () => new EdfiClient({ baseUrl: proxy.url, key: target.key, secret: target.secret }, { timeoutMs: 5000 });

  it('a worker killed with SIGKILL mid-send: its claims expire within one lease and another worker sends them', { timeout: 120_000 }, async () => {
    const source = await prepareSource(driver, districtUpload(schoolIds()), { url: proxy.url, key: target.key, secret: target.secret }, { TERMBRIDGE_SYNC_LEASE_SECONDS: String(LEASE) });
    proxy.stallWrites = true;
    const worker = spawnWorker(source, ['--interval', '60']);
    try {
      await until(() => (proxy.stalled > 0 ? true : undefined), `the worker's first send (output: ${worker.output()})`, 90_000);
      if (driver === 'postgres') {
        // Alive past two leases: the heartbeat keeps its claims.
        await new Promise((r) => setTimeout(r, 2 * LEASE * 1000));
        const store = await source.open();
        const live = await sql<{ ahead: number }>`SELECT EXTRACT(EPOCH FROM locked_until - now())::float8 AS ahead FROM sync_outbox
          WHERE tenant_id = ${source.tenantId} AND status = 'in_flight'`.execute(store.db);
        await store.close();
        expect(live.rows.length).toBeGreaterThan(0);
        for (const r of live.rows) expect(r.ahead).toBeGreaterThan(0);
      }
    } finally {
      worker.process.kill('SIGKILL');
      await worker.exited;
      proxy.stallWrites = false;
      proxy.releaseHeld();
    }
    const store = await source.open();
    try {
      const db = store.db;
      const held = await sql<{ locked_by: string; ahead: number }>`SELECT locked_by, EXTRACT(EPOCH FROM locked_until - now())::float8 AS ahead
        FROM sync_outbox WHERE tenant_id = ${source.tenantId} AND status = 'in_flight'`.execute(db);
      expect(held.rows.length).toBeGreaterThan(0);
      // At most one lease from the last heartbeat, not the two minutes a claim used to last.
      for (const r of held.rows) expect(r.ahead).toBeLessThanOrEqual(LEASE + 0.5);
      const stats = await drainOutbox(db, source.tenantId, client(), { backoffBaseMs: 20, backoffCapMs: 200, deadlineMs: 4 * LEASE * 1000 + 5000, lockSeconds: LEASE });
      expect(stats.left).toBe(0);
      expect(stats.failed).toBe(0);
      const left = await sql<{ n: number }>`SELECT count(*)::int AS n FROM sync_outbox WHERE tenant_id = ${source.tenantId} AND status IN ('pending', 'in_flight')`.execute(db);
      expect(left.rows[0]!.n).toBe(0);
    } finally {
      await store.close();
    }
    const [hs] = schoolIds();
    const headers = await target.ods.auth(['edfi:read']);
    const sessions = (await target.app.app.inject({ method: 'GET', url: `/data/v3/ed-fi/sessions?schoolId=${hs}`, headers })).json();
    expect(sessions.map((s: any) => s.sessionName).sort()).toEqual(['2026 First Semester', '2026 Second Semester']);
  });

  it('a send that outlasts the lease keeps its claim while its worker lives: a second worker never sends it again', { timeout: 60_000 }, async () => {
    // On PGlite the target's own store serves as the source (another tenant): one PGlite less to start.
    const source = driver === 'pglite' ? target.app : await startApp(driver);
    try {
      const tenantId = `d_${Math.random().toString(36).slice(2, 10)}`;
      await new TenantRepository(source.store.db).create({ tenantId, name: 'District' });
      const { dataset } = validateSisDataset(districtUpload(schoolIds()), loadStateRuleBook());
      await new SisRepository(source.store.db).save(tenantId, dataset);
      await enqueueDirty(source.store.db, tenantId);
      const mark = proxy.forwarded.length;
      proxy.delayWritesMs = 1200; // four leases of 0.3 s
      const handled: Array<{ worker: string; opId: number; outcome: string }> = [];
      const drain = (id: string) =>
        drainOutbox(source.store.db, tenantId, client(), { workerId: id, lockSeconds: 0.3, concurrency: 4, backoffBaseMs: 20, backoffCapMs: 200, deadlineMs: 30_000, onOutcome: (op, outcome) => handled.push({ worker: id, opId: op.opId, outcome }) });
      try {
        await Promise.all([drain('a'), drain('b')]);
      } finally {
        proxy.delayWritesMs = 0;
      }
      const sent = handled.filter((h) => h.outcome === 'sent').map((h) => h.opId);
      expect(sent.length).toBe(new Set(sent).size);
      const posts = proxy.forwarded.slice(mark).filter((f) => f.method === 'POST').map((f) => postedKey(f.path, f.body));
      expect(posts.length).toBeGreaterThan(0);
      expect(posts.length).toBe(new Set(posts).size);
    } finally {
      if (source !== target.app) await source.close();
    }
  });
});
