// The durable outbox. A plan becomes one batch of operations; an operation may be claimed
// when every operation of an earlier batch, or of a lower rank in its own batch, is finished,
// so parents go before children and deletes run in reverse. Claiming uses
// FOR UPDATE SKIP LOCKED, so any number of workers share the queue without sending twice.
import { sql } from 'kysely';
import type { Db } from '../store/database.ts';
import type { PlannedOp } from './plan.ts';

/** A planned operation as queued: its place in the outbox and how often it was tried. */
export interface OutboxOp extends PlannedOp {
  opId: number;
  batchId: number;
  attempts: number;
}

/** Replaces the scope's unsent operations with a new batch. Returns the batch id (null if empty). */
export async function enqueueBatch(tx: Db, tenantId: string, ops: PlannedOp[], schoolIds: number[] | null): Promise<number | null> {
  const scope = schoolIds ? sql`AND (school_id IS NULL OR school_id = ANY(${schoolIds.map(String)}::bigint[]))` : sql``;
  await sql`UPDATE sync_outbox SET status = 'superseded', updated_at = now() WHERE tenant_id = ${tenantId} AND status = 'pending' ${scope}`.execute(tx);
  if (ops.length === 0) return null;
  const batch = await sql<{ id: string }>`SELECT nextval('sync_batch_seq') AS id`.execute(tx);
  const batchId = Number(batch.rows[0]!.id);
  for (let i = 0; i < ops.length; i += 200) {
    const values = ops.slice(i, i + 200).map(
      (o) => sql`(${tenantId}, ${batchId}, ${o.rank}, ${o.resource}, ${o.action}, ${o.keyText}, ${JSON.stringify(o.naturalKey)}::jsonb, ${o.previousKeyText},
        ${o.body === null ? null : JSON.stringify(o.body)}::jsonb, ${o.hash}, ${o.sources}::text[], ${o.dependsOn}::text[],
        ${o.schoolId === null ? null : String(o.schoolId)}::bigint, ${o.schoolYear}, ${o.reason})`,
    );
    await sql`INSERT INTO sync_outbox (tenant_id, batch_id, rank, resource, action, key_text, natural_key, previous_key_text, body, hash, sources, depends_on, school_id, school_year, reason)
      VALUES ${sql.join(values)}`.execute(tx);
  }
  return batchId;
}

/** Operations whose worker died mid-send go back to the queue (their send was never acknowledged). */
export async function releaseExpiredLocks(db: Db, tenantId: string): Promise<void> {
  await sql`UPDATE sync_outbox SET status = 'pending', locked_by = NULL, locked_until = NULL, updated_at = now()
    WHERE tenant_id = ${tenantId} AND status = 'in_flight' AND locked_until < now()`.execute(db);
}

export async function claimOps(db: Db, tenantId: string, workerId: string, limit: number, lockSeconds: number): Promise<OutboxOp[]> {
  // Shared among claimers, exclusive against a planner (sync-planning takes it exclusively): a
  // plan never reads the identity map while an operation is being claimed, and nothing is
  // claimed halfway through a plan replacing the queue.
  return db.transaction().execute(async (tx) => {
    await sql`SELECT pg_advisory_xact_lock_shared(hashtext(${`termbridge-sync:${tenantId}`}))`.execute(tx);
    const r = await sql<any>`
      WITH ready AS (
        SELECT c.tenant_id, c.op_id FROM sync_outbox c
        WHERE c.tenant_id = ${tenantId} AND c.status = 'pending' AND c.next_attempt_at <= now()
          AND NOT EXISTS (
            SELECT 1 FROM sync_outbox p
            WHERE p.tenant_id = c.tenant_id AND p.status IN ('pending', 'in_flight')
              AND (p.batch_id < c.batch_id OR (p.batch_id = c.batch_id AND p.rank < c.rank)))
        ORDER BY c.batch_id, c.rank, c.op_id
        LIMIT ${limit}
        FOR UPDATE SKIP LOCKED)
      UPDATE sync_outbox o SET status = 'in_flight', locked_by = ${workerId}, locked_until = now() + make_interval(secs => ${lockSeconds}),
        attempts = o.attempts + 1, updated_at = now()
      FROM ready WHERE o.tenant_id = ready.tenant_id AND o.op_id = ready.op_id
      RETURNING o.*`.execute(tx);
    return r.rows.map(toOp).sort((a, b) => a.opId - b.opId);
  });
}

/** Extends the lease on every operation this worker holds (the heartbeat, see lease.ts). */
export async function renewClaims(db: Db, tenantId: string, workerId: string, leaseSeconds: number): Promise<number> {
  const r = await sql`UPDATE sync_outbox SET locked_until = now() + make_interval(secs => ${leaseSeconds})
    WHERE tenant_id = ${tenantId} AND status = 'in_flight' AND locked_by = ${workerId}`.execute(db);
  return Number(r.numAffectedRows ?? 0);
}

/** Finishes an operation this worker holds; false if the lock was lost (another worker owns it now). */
export async function finishOp(tx: Db, tenantId: string, opId: number, workerId: string, status: 'sent' | 'failed' | 'blocked', httpStatus: number | null, error: string | null): Promise<boolean> {
  const r = await sql`UPDATE sync_outbox SET status = ${status}, last_status = ${httpStatus}, last_error = ${error}, locked_by = NULL, locked_until = NULL, updated_at = now()
    WHERE tenant_id = ${tenantId} AND op_id = ${opId} AND status = 'in_flight' AND locked_by = ${workerId}`.execute(tx);
  return Number(r.numAffectedRows ?? 0) > 0;
}

/** A worker that stops (bad credentials, shutdown) hands its claims back untouched. */
export async function releaseClaims(db: Db, tenantId: string, workerId: string): Promise<void> {
  await sql`UPDATE sync_outbox SET status = 'pending', locked_by = NULL, locked_until = NULL, updated_at = now()
    WHERE tenant_id = ${tenantId} AND status = 'in_flight' AND locked_by = ${workerId}`.execute(db);
}

export async function retryLater(db: Db, tenantId: string, opId: number, workerId: string, delayMs: number, httpStatus: number | null, error: string): Promise<void> {
  await sql`UPDATE sync_outbox SET status = 'pending', next_attempt_at = now() + make_interval(secs => ${delayMs / 1000}),
      last_status = ${httpStatus}, last_error = ${error}, locked_by = NULL, locked_until = NULL, updated_at = now()
    WHERE tenant_id = ${tenantId} AND op_id = ${opId} AND status = 'in_flight' AND locked_by = ${workerId}`.execute(db);
}

/** Sent and superseded operations older than keepDays go; failed and held ones stay for the error log. */
export async function pruneOutbox(db: Db, tenantId: string, keepDays: number): Promise<number> {
  const r = await sql`DELETE FROM sync_outbox WHERE tenant_id = ${tenantId} AND status IN ('sent', 'superseded')
    AND updated_at < now() - make_interval(days => ${keepDays})`.execute(db);
  return Number(r.numAffectedRows ?? 0);
}

export interface OutboxCounts {
  pending: number;
  inFlight: number;
  sent: number;
  failed: number;
  blocked: number;
  superseded: number;
  /** Seconds until the earliest pending operation may be tried (0 when one is ready). */
  nextInSeconds: number | null;
}

export async function outboxCounts(db: Db, tenantId: string): Promise<OutboxCounts> {
  const r = await sql<{ status: string; n: string; next: number | null }>`SELECT status, count(*)::text AS n,
      GREATEST(0, EXTRACT(EPOCH FROM min(next_attempt_at) - now()))::float8 AS next
    FROM sync_outbox WHERE tenant_id = ${tenantId} GROUP BY status`.execute(db);
  const by = new Map(r.rows.map((x) => [x.status, x]));
  const n = (s: string) => Number(by.get(s)?.n ?? 0);
  return {
    pending: n('pending'),
    inFlight: n('in_flight'),
    sent: n('sent'),
    failed: n('failed'),
    blocked: n('blocked'),
    superseded: n('superseded'),
    nextInSeconds: by.get('pending')?.next ?? null,
  };
}

function toOp(r: any): OutboxOp {
  const json = (v: unknown) => (typeof v === 'string' ? JSON.parse(v) : v);
  return {
    opId: Number(r.op_id),
    batchId: Number(r.batch_id),
    rank: r.rank,
    resource: r.resource,
    action: r.action,
    keyText: r.key_text,
    naturalKey: json(r.natural_key),
    previousKeyText: r.previous_key_text,
    body: json(r.body),
    hash: r.hash,
    sources: r.sources ?? [],
    dependsOn: r.depends_on ?? [],
    schoolId: r.school_id === null ? null : Number(r.school_id),
    schoolYear: r.school_year,
    reason: r.reason,
    attempts: r.attempts,
  };
}
