// Exactly once in effect through a target that fails at random: a real second termbridge behind a
// proxy that faults 30 % of requests (429 with Retry-After, 500, timeouts, resets, and writes the
// target committed whose answer was lost), a sync worker in a child process killed with SIGKILL
// mid-run and taken over, then SIS changes that need key-change PUTs and DELETEs. The target
// must end equal to the derivation, no natural key posted twice as a new item, nothing in the
// error log, no retry sooner than the target's Retry-After.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EdfiClient } from '../../src/sync/edfi-client.ts';
import { deriveEdfiSessions } from '../../src/sync/derive/derive-edfi-sessions.ts';
import { SisRepository } from '../../src/sync/sis-repository.ts';
import { validateSisDataset } from '../../src/sync/sis-validation.ts';
import { loadStateRuleBook } from '../../src/sync/state-rule-book.ts';
import { enqueueDirty, enqueuePlan } from '../../src/sync/sync-planning.ts';
import { drainOutbox } from '../../src/sync/worker.ts';
import { drivers } from '../harness.ts';
import { ChaosProxy, FAULT_KINDS, postedKey } from './chaos-proxy.ts';
import { prepareSource, spawnWorker, startTarget, until, type Target } from './child-sync.ts';
import { districtUpload } from './sync-rig.ts';

const LEASE = 1.5;
const RETRY_AFTER = 1;

function district(schoolIds: number[]) {
  const upload = districtUpload(schoolIds.slice(0, 2));
  for (const id of schoolIds.slice(2)) {
    upload.schools.push({ schoolId: id, name: `HS ${id}` });
    upload.calendars.push({ calendarId: `c${id}`, schoolId: id, schoolYear: 2026, name: 'C' });
    upload.terms.push(
      { termId: `${id}-s1`, calendarId: `c${id}`, name: 'S1', termTypeCode: 'S1', startDate: '2025-08-20', endDate: '2025-12-19' },
      { termId: `${id}-s2`, calendarId: `c${id}`, name: 'S2', termTypeCode: 'S2', startDate: '2026-01-05', endDate: '2026-05-22' },
      { termId: `${id}-q1`, calendarId: `c${id}`, name: 'Q1', termTypeCode: 'Q1', startDate: '2025-08-20', endDate: '2025-10-17' },
    );
  }
  return upload;
}

describe.each(drivers())('exactly once through a faulty target on %s', (driver) => {
  let target: Target;
  let proxy: ChaosProxy;
  beforeAll(async () => {
    target = await startTarget(6);
    proxy = new ChaosProxy(target.url, { rate: 0.3, seed: driver === 'pglite' ? 16 : 61, retryAfter: RETRY_AFTER, holdMs: 2500 });
    await proxy.start();
  });
  afterAll(async () => {
    await proxy?.close();
    await target?.close();
  });

  it('30 % faults, lost acknowledgements and a SIGKILLed worker: the target ends equal to the derivation, nothing duplicated, lost or logged', { timeout: 240_000 }, async () => {
    const started = Date.now();
    const schoolIds = target.ods.schools.map((s) => s.schoolId!);
    const [hs, , third] = schoolIds as [number, number, number];
    const source = await prepareSource(driver, district(schoolIds), { url: proxy.url, key: target.key, secret: target.secret }, { TERMBRIDGE_SYNC_LEASE_SECONDS: String(LEASE) });

    // 1. The initial sync by a worker process, killed with SIGKILL after a few writes.
    const worker = spawnWorker(source, ['--interval', '120', '--request-timeout', '1']);
    try {
      await until(() => (proxy.forwarded.length >= 4 ? true : undefined), `the worker's writes (output: ${worker.output()})`, 120_000);
    } finally {
      worker.process.kill('SIGKILL');
      await worker.exited;
    }
    const killedAfter = proxy.forwarded.length;

    const store = await source.open();
    const db = store.db;
    const client = new EdfiClient({ baseUrl: proxy.url, key: target.key, secret: target.secret }, { timeoutMs: 1000 });
    const options = { lockSeconds: LEASE, concurrency: 4, maxAttempts: 30, backoffBaseMs: 50, backoffCapMs: 1000, deadlineMs: 90_000 };
    try {
      // 2. Another worker takes the dead one's claims over once their lease runs out, and finishes.
      expect(await drainOutbox(db, source.tenantId, client, options)).toMatchObject({ failed: 0, blocked: 0, left: 0 });

      // 3. SIS changes that need every kind of send: a key-change PUT (a renamed term), a DELETE
      //    (a removed term), a plain PUT (new dates), and a renamed grading period (POST, PUT, DELETE).
      const sis = new SisRepository(db);
      const { dataset } = validateSisDataset(
        {
          terms: [
            { termId: 'hs-s1', calendarId: 'hs', name: 'Q1', termTypeCode: 'Q1', startDate: '2025-08-20', endDate: '2025-10-17' },
            { termId: `${third}-s2`, calendarId: `c${third}`, name: 'S2', termTypeCode: 'S2', startDate: '2026-01-06', endDate: '2026-05-29' },
          ],
          gradingPeriods: [{ gradingPeriodId: 'gp2', schoolId: hs, schoolYear: 2026, name: 'Six Weeks Two', descriptor: 'uri://ed-fi.org/GradingPeriodDescriptor#Second Six Weeks', periodSequence: 2, beginDate: '2025-10-06', endDate: '2025-11-14' }],
        },
        loadStateRuleBook(),
      );
      expect((await sis.save(source.tenantId, dataset)).problems).toEqual([]);
      expect(await sis.remove(source.tenantId, 'terms', { termId: `${third}-q1` })).toBe(true);
      expect((await enqueueDirty(db, source.tenantId)).ops).toBeGreaterThanOrEqual(5);
      expect(await drainOutbox(db, source.tenantId, client, options)).toMatchObject({ failed: 0, blocked: 0, left: 0 });
      const seconds = (Date.now() - started) / 1000;

      // The target holds exactly what the SIS derives: every item, once, with the derived body.
      const derived = deriveEdfiSessions(await sis.load(source.tenantId), loadStateRuleBook()).records.filter((r) => r.enabled && r.resource !== 'schoolYearTypes');
      const headers = await target.ods.auth(['edfi:read']);
      const held: Array<Record<string, any>> = [];
      for (const resource of ['sessions', 'gradingPeriods'])
        for (const schoolId of schoolIds)
          held.push(...(await target.app.app.inject({ method: 'GET', url: `/data/v3/ed-fi/${resource}?schoolId=${schoolId}&limit=500`, headers })).json().map((x: any) => ({ resource, ...x })));
      const keyOf = (resource: string, x: any) =>
        resource === 'sessions' ? `sessions:${x.schoolReference.schoolId}:${x.sessionName}` : `gradingPeriods:${x.schoolReference.schoolId}:${x.gradingPeriodName}`;
      const have = held.map((x) => keyOf(x.resource, x)).sort();
      const want = derived.map((r) => keyOf(r.resource, r.body)).sort();
      const lost = want.filter((k) => !have.includes(k));
      const duplicatesInTarget = have.length - new Set(have).size;
      expect(lost).toEqual([]);
      expect(duplicatesInTarget).toBe(0);
      expect(have).toEqual(want);
      for (const r of derived) {
        const item = held.find((x) => keyOf(x.resource, x) === keyOf(r.resource, r.body))!;
        for (const field of ['beginDate', 'endDate', 'totalInstructionalDays', 'termDescriptor', 'periodSequence'])
          if (field in r.body) expect(item[field], `${r.keyText} ${field}`).toEqual(r.body[field]);
      }
      // No natural key was posted twice as a new item (a repeated POST is an update: 200, not 201).
      const created = proxy.forwarded.filter((f) => f.method === 'POST' && f.status === 201).map((f) => postedKey(f.path, f.body));
      const postedTwice = created.filter((k, i) => created.indexOf(k) !== i);
      expect(postedTwice).toEqual([]);
      // Nothing in the error log: everything was accepted in the end.
      const errors = await sql<{ n: number }>`SELECT count(*)::int AS n FROM sync_errors WHERE tenant_id = ${source.tenantId} AND kind <> 'derive'`.execute(db);
      expect(errors.rows[0]!.n).toBe(0);
      // Converged: planning again sends nothing.
      expect((await enqueuePlan(db, source.tenantId, { mode: 'incremental', schools: null })).ops).toBe(0);
      expect(proxy.tooEarly).toBe(0);
      for (const kind of FAULT_KINDS) expect(proxy.faults[kind], kind).toBeGreaterThan(0);
      console.log(
        `[exactly-once ${driver}] requests ${proxy.requests}, faults ${FAULT_KINDS.map((k) => `${k} ${proxy.faults[k]}`).join(', ')}; ` +
          `writes reaching the target ${proxy.forwarded.length} (worker killed after ${killedAfter}); items ${want.length}; duplicates ${postedTwice.length + duplicatesInTarget}; lost ${lost.length}; ` +
          `retries before Retry-After ${proxy.tooEarly}; converged in ${seconds.toFixed(1)} s`,
      );
    } finally {
      await store.close();
    }
  });
});
