// The outbox worker: claims ready operations (SKIP LOCKED), sends them with bounded
// parallelism, and records each outcome in one transaction — acknowledged items go into the
// identity map, transient failures come back later with exponential back-off and jitter,
// permanent ones go to the error log, and a child whose parent is not in the target is held.
import { randomUUID } from 'node:crypto';
import type { Db } from '../store/database.ts';
import { clientFor, type TargetFor } from './target-router.ts';
import { recordSendError, resolveSendErrors } from './error-log.ts';
import { edfiIdOf, missingParents, recordDelete, recordUpsert } from './identity-map.ts';
import { claimOps, finishOp, outboxCounts, releaseClaims, releaseExpiredLocks, retryLater, type OutboxOp } from './outbox.ts';
import { sendOperation } from './send-operation.ts';
import { leaseSeconds, startHeartbeat } from './lease.ts';

export interface WorkerOptions {
  workerId?: string;
  /** Operations sent at once by this worker. */
  concurrency?: number;
  /**
   * The lease on a claim: how long after this worker's last heartbeat another worker may take
   * the operation over (default TERMBRIDGE_SYNC_LEASE_SECONDS, 10). Renewed three times a lease.
   */
  lockSeconds?: number;
  /** Transient failures tolerated before the operation goes to the error log. */
  maxAttempts?: number;
  backoffBaseMs?: number;
  backoffCapMs?: number;
  random?: () => number;
  /** Give up waiting for back-offs after this long (drain only). */
  deadlineMs?: number;
  onOutcome?: (op: OutboxOp, outcome: string) => void;
}

export interface DrainStats {
  sent: number;
  failed: number;
  blocked: number;
  retried: number;
  /** Operations still pending when the drain stopped (waiting on back-off past the deadline). */
  left: number;
}

export function backoffDelay(attempt: number, o: Pick<WorkerOptions, 'backoffBaseMs' | 'backoffCapMs' | 'random'> = {}): number {
  const base = o.backoffBaseMs ?? 500;
  const cap = o.backoffCapMs ?? 60_000;
  const exp = Math.min(cap, base * 2 ** Math.max(0, attempt - 1));
  // "Equal jitter": at least half the delay, so retries spread out but never stampede.
  return Math.round(exp / 2 + (o.random ?? Math.random)() * (exp / 2));
}

/** Sends one claimed operation and records its outcome; returns what happened. */
export async function processOp(db: Db, tenantId: string, target: TargetFor, op: OutboxOp, workerId: string, o: WorkerOptions): Promise<'sent' | 'retry' | 'failed' | 'blocked'> {
  const client = clientFor(target, op.schoolYear);
  if (op.action !== 'delete') {
    const missing = await missingParents(db, tenantId, op.dependsOn);
    if (missing.length > 0) {
      await db.transaction().execute(async (tx) => {
        if (!(await finishOp(tx, tenantId, op.opId, workerId, 'blocked', null, `parent missing: ${missing.join(', ')}`))) return;
        await recordSendError(tx, tenantId, {
          kind: 'blocked',
          opId: op.opId,
          resource: op.resource,
          keyText: op.keyText,
          schoolId: op.schoolId,
          schoolYear: op.schoolYear,
          action: op.action,
          requestBody: op.body,
          responseStatus: null,
          responseBody: null,
          message: `Not sent: it references ${missing.join(', ')}, which the target has not acknowledged (that item failed or was never sent). Fix that error, then retry.`,
          refusalKey: null,
        });
      });
      return 'blocked';
    }
  }
  const outcome = await sendOperation(client, op, (keyText) => edfiIdOf(db, tenantId, keyText));
  if (outcome.kind === 'ack') {
    await db.transaction().execute(async (tx) => {
      await finishOp(tx, tenantId, op.opId, workerId, 'sent', outcome.status, null);
      // The target acknowledged it, so the identity map records it even if our claim expired.
      if (outcome.deleted) await recordDelete(tx, tenantId, op.keyText);
      else
        await recordUpsert(tx, tenantId, {
          resource: op.resource,
          keyText: op.keyText,
          naturalKey: op.naturalKey,
          previousKeyText: op.previousKeyText,
          edfiId: outcome.edfiId,
          hash: op.hash!,
          sources: op.sources,
          schoolId: op.schoolId,
          schoolYear: op.schoolYear,
          dependsOn: op.dependsOn,
        });
      await resolveSendErrors(tx, tenantId, op.keyText);
    });
    return 'sent';
  }
  if (outcome.kind === 'transient' && op.attempts < (o.maxAttempts ?? 8)) {
    // The target's Retry-After (a 429 or 503) is a floor under the back-off, never shortened.
    const delay = Math.max(backoffDelay(op.attempts, o), Math.min(outcome.retryAfterMs ?? 0, 600_000));
    await retryLater(db, tenantId, op.opId, workerId, delay, outcome.status, outcome.message);
    return 'retry';
  }
  await db.transaction().execute(async (tx) => {
    if (!(await finishOp(tx, tenantId, op.opId, workerId, 'failed', outcome.status, outcome.message))) return;
    const permanent = outcome.kind === 'permanent';
    await recordSendError(tx, tenantId, {
      kind: 'send',
      opId: op.opId,
      resource: op.resource,
      keyText: op.keyText,
      schoolId: op.schoolId,
      schoolYear: op.schoolYear,
      action: op.action,
      requestBody: permanent ? outcome.request : op.body,
      responseStatus: outcome.status,
      responseBody: outcome.response,
      message: permanent ? outcome.message : `Gave up after ${op.attempts} attempts: ${outcome.message}`,
      // Only a refusal by the target blocks an unchanged resend; giving up on an outage does not.
      refusalKey: permanent ? `${op.keyText}|${op.action === 'delete' ? 'delete' : op.hash}` : null,
    });
  });
  return 'failed';
}

/** Claims and sends until nothing is left (or only back-offs beyond the deadline remain). */
export async function drainOutbox(db: Db, tenantId: string, target: TargetFor, o: WorkerOptions = {}): Promise<DrainStats> {
  const workerId = o.workerId ?? `worker-${randomUUID().slice(0, 8)}`;
  const stats: DrainStats = { sent: 0, failed: 0, blocked: 0, retried: 0, left: 0 };
  const deadline = Date.now() + (o.deadlineMs ?? 10 * 60_000);
  const lease = o.lockSeconds ?? leaseSeconds();
  const heartbeat = startHeartbeat(db, tenantId, workerId, lease);
  try {
    return await drainLoop(db, tenantId, target, o, workerId, stats, deadline, lease);
  } finally {
    await heartbeat.stop();
  }
}

async function drainLoop(db: Db, tenantId: string, target: TargetFor, o: WorkerOptions, workerId: string, stats: DrainStats, deadline: number, lease: number): Promise<DrainStats> {
  for (;;) {
    await releaseExpiredLocks(db, tenantId);
    const ops = await claimOps(db, tenantId, workerId, o.concurrency ?? 4, lease);
    if (ops.length === 0) {
      const c = await outboxCounts(db, tenantId);
      if (c.pending === 0 && c.inFlight === 0) return stats;
      if (Date.now() >= deadline) {
        stats.left = c.pending + c.inFlight;
        return stats;
      }
      // Wait for the earliest back-off, or briefly for another worker's in-flight operation.
      const waitMs = Math.min(1000, Math.max(10, (c.nextInSeconds ?? 0.05) * 1000));
      await new Promise((r) => setTimeout(r, waitMs));
      continue;
    }
    let results: Awaited<ReturnType<typeof processOp>>[];
    try {
      results = await Promise.all(ops.map((op) => processOp(db, tenantId, target, op, workerId, o).then((r) => (o.onOutcome?.(op, r), r))));
    } catch (err) {
      // Not an operation's fault (the target refused our credentials, the store went away):
      // give the claims back so another run can send them, and stop.
      await releaseClaims(db, tenantId, workerId).catch(() => undefined);
      throw err;
    }
    for (const r of results) {
      if (r === 'sent') stats.sent++;
      else if (r === 'failed') stats.failed++;
      else if (r === 'blocked') stats.blocked++;
      else stats.retried++;
    }
  }
}
