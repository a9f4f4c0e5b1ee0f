// What the console's sync pages read and start, through the sync's own functions: the target
// and its last check, outbox counts, the plan with the target's current values, and the
// background runs (send now, resync) whose progress a job page shows.
import { sql } from 'kysely';
import type { Db } from '../store/database.ts';
import { keyTextOf, type SyncResource } from '../sync/derive/edfi-record.ts';
import { outboxCounts, type OutboxCounts } from '../sync/outbox.ts';
import type { PlannedOp } from '../sync/plan.ts';
import { naturalKeyOfItem, resync } from '../sync/resync.ts';
import { enqueuePlan, planTenant } from '../sync/sync-planning.ts';
import { checkTarget } from '../sync/target-check.ts';
import { getTargets, type TenantTargets } from '../sync/target-repository.ts';
import { clientFor, hasAnyTarget, routeTargets, type TargetFor } from '../sync/target-router.ts';
import { drainOutbox } from '../sync/worker.ts';
import type { Job } from './jobs.ts';

export interface SyncStatus {
  targets: TenantTargets;
  lastCheck: { ok: boolean; lines: string[]; checkedAt: string } | null;
  counts: OutboxCounts;
  sentToday: number;
  hasSis: boolean;
}

export async function syncStatus(db: Db, tenantId: string): Promise<SyncStatus> {
  const [targets, check, counts, today, sis] = await Promise.all([
    getTargets(db, tenantId),
    sql<{ ok: boolean; lines: unknown; checked_at: Date }>`SELECT ok, lines, checked_at FROM sync_target_checks WHERE tenant_id = ${tenantId}`.execute(db),
    outboxCounts(db, tenantId),
    sql<{ n: string }>`SELECT count(*)::text AS n FROM sync_outbox WHERE tenant_id = ${tenantId} AND status = 'sent' AND updated_at >= date_trunc('day', now())`.execute(db),
    sql<{ n: string }>`SELECT count(*)::text AS n FROM sis_schools WHERE tenant_id = ${tenantId}`.execute(db),
  ]);
  const row = check.rows[0];
  const lines = row ? (typeof row.lines === 'string' ? JSON.parse(row.lines) : row.lines) : [];
  return {
    targets,
    lastCheck: row ? { ok: row.ok, lines: lines as string[], checkedAt: new Date(row.checked_at).toISOString() } : null,
    counts,
    sentToday: Number(today.rows[0]?.n ?? 0),
    hasSis: Number(sis.rows[0]?.n ?? 0) > 0,
  };
}

export class NoTargetError extends Error {}

export async function targetOf(db: Db, tenantId: string): Promise<TargetFor> {
  const targets = await getTargets(db, tenantId);
  if (!hasAnyTarget(targets))
    throw new NoTargetError(`This tenant has no Ed-Fi target to sync to; an operator sets one with: termbridge sync target set --tenant ${tenantId} --url URL --key KEY --secret SECRET`);
  return routeTargets(tenantId, targets);
}

/** Runs the target check and keeps its outcome for the sync page. */
export async function checkAndRecord(db: Db, tenantId: string): Promise<{ ok: boolean; lines: string[] }> {
  const report = await checkTarget(db, tenantId, await targetOf(db, tenantId));
  await sql`INSERT INTO sync_target_checks (tenant_id, ok, lines, checked_at) VALUES (${tenantId}, ${report.ok}, ${JSON.stringify(report.lines)}::jsonb, now())
    ON CONFLICT (tenant_id) DO UPDATE SET ok = EXCLUDED.ok, lines = EXCLUDED.lines, checked_at = now()`.execute(db);
  return report;
}

/** A minute of sending at most; rounds of a second, so a shutdown stops it within one. */
const SEND_FOR_MS = 60_000;
const ROUND_MS = 1_000;

/** Sends the queue, counting outcomes on the job as they happen. */
async function drainInto(db: Db, tenantId: string, target: TargetFor, job: Job): Promise<void> {
  for (const k of ['sent', 'failed', 'held', 'retrying']) job.counts[k] = 0;
  const until = Date.now() + SEND_FOR_MS;
  let left = 0;
  for (;;) {
    const stats = await drainOutbox(db, tenantId, target, {
      deadlineMs: ROUND_MS,
      onOutcome: (_op, outcome) => {
        const k = outcome === 'blocked' ? 'held' : outcome === 'retry' ? 'retrying' : outcome;
        job.counts[k] = (job.counts[k] ?? 0) + 1;
      },
    });
    left = stats.left;
    if (left === 0 || job.signal.aborted || Date.now() >= until) break;
  }
  const c = job.counts;
  job.lines.push(`sent ${c.sent}, failed ${c.failed}, held ${c.held}${left ? `, ${left} still queued (the worker or the next run sends them)` : ''}`);
  if (c.failed || c.held) job.lines.push('see the error log on the sync page');
}

/** Plans what changed (or the given schools) and sends it. */
export async function runSync(db: Db, tenantId: string, job: Job, schools: number[] | null = null): Promise<void> {
  const target = await targetOf(db, tenantId);
  const planned = await enqueuePlan(db, tenantId, { mode: 'incremental', schools });
  job.counts.planned = planned.ops;
  job.lines.push(planned.deferred ? 'another worker has operations in flight; sending what is queued' : `planned ${planned.ops} operation(s); ${planned.issues} item(s) held back by errors`);
  await drainInto(db, tenantId, target, job);
}

/** The resync the CLI's `sync resync` runs, with progress. */
export async function runResync(db: Db, tenantId: string, job: Job, schools: number[] | undefined): Promise<void> {
  const target = await targetOf(db, tenantId);
  job.lines.push(`comparing ${schools ? `school ${schools.join(', ')}` : 'the whole district'} with the target…`);
  const report = await resync(db, tenantId, target, { schools });
  job.counts.planned = report.enqueued.ops;
  job.lines.push(`${report.forgotten} identity-map row(s) not in the target dropped; ${report.orphans} target item(s) without a SIS source found; planned ${report.enqueued.ops} operation(s)`);
  await drainInto(db, tenantId, target, job);
}

export interface PlanRow {
  op: PlannedOp;
  /** What the target holds now for a put or delete (its fields), when it could be read. */
  before: Record<string, unknown> | null;
}

export interface PlanPreview {
  rows: PlanRow[];
  issues: { schoolId: number | null; schoolYear: number; message: string }[];
  /** Why the target's current values are not shown, if they are not. */
  beforeProblem: string | null;
}

const MAX_BEFORE_LISTS = 40;

/** A dry run: the operations a sync (or resync) would send, with the target's current values. */
export async function previewPlan(db: Db, tenantId: string, mode: 'incremental' | 'resync', schools: number[] | null): Promise<PlanPreview> {
  const { plan, derivation } = await planTenant(db, tenantId, { mode, schools });
  const issues = derivation.issues.map((i) => ({ schoolId: i.schoolId, schoolYear: i.schoolYear, message: i.message }));
  const changing = plan.ops.filter((o) => o.action !== 'post' && o.schoolId !== null);
  const lists = [...new Set(changing.map((o) => `${o.resource}|${o.schoolId}|${o.schoolYear}`))];
  const current = new Map<string, Record<string, unknown>>();
  let beforeProblem: string | null = null;
  if (lists.length > MAX_BEFORE_LISTS) beforeProblem = `the plan touches ${lists.length} school years of items; current values are shown for plans of up to ${MAX_BEFORE_LISTS}`;
  else if (lists.length > 0) {
    try {
      const target = await targetOf(db, tenantId);
      for (const l of lists) {
        const [resource, schoolId, year] = l.split('|') as [SyncResource, string, string];
        for (const item of await clientFor(target, Number(year)).listForSchool(resource, Number(schoolId), Number(year))) {
          const key = naturalKeyOfItem(resource, item);
          if (key) current.set(keyTextOf(resource, key), item);
        }
      }
    } catch (err) {
      beforeProblem = `the target could not be read: ${(err as Error).message}`;
    }
  }
  return { rows: plan.ops.map((op) => ({ op, before: current.get(op.previousKeyText ?? op.keyText) ?? null })), issues, beforeProblem };
}
