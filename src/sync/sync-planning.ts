// From SIS tables to outbox: load the SIS data of some schools, derive, diff against the
// identity map, and (unless a dry run) replace those schools' unsent operations with the new
// plan — all in one transaction under a per-tenant lock, so two planners never interleave.
import { sql } from 'kysely';
import type { Db } from '../store/database.ts';
import { deriveEdfiSessions, type Derivation } from './derive/derive-edfi-sessions.ts';
import { recordDeriveIssues, refusals, resolveStaleSendErrors } from './error-log.ts';
import { applyRemaps, loadSentElsewhere, loadSentRecords } from './identity-map.ts';
import { awaitingResync, recordSchoolChanges } from './school-changes.ts';
import { enqueueBatch } from './outbox.ts';
import { planSync, type Plan } from './plan.ts';
import { SisRepository } from './sis-repository.ts';
import { loadStateRuleBook } from './state-rule-book.ts';

export interface PlanScope {
  mode: 'incremental' | 'resync';
  /** Schools to plan; null for the whole tenant. */
  schools: number[] | null;
  /** Only these resources are deleted (resync --resource). */
  resources?: string[] | undefined;
}

export interface PlannedTenant {
  derivation: Derivation;
  plan: Plan;
}

export async function planTenant(db: Db, tenantId: string, scope: PlanScope): Promise<PlannedTenant> {
  const sis = await new SisRepository(db).load(tenantId, scope.schools);
  const derivation = deriveEdfiSessions(sis, loadStateRuleBook());
  const sent = await loadSentRecords(db, tenantId, scope.schools);
  const elsewhere = scope.schools ? await loadSentElsewhere(db, tenantId, scope.schools, [...new Set(derivation.records.flatMap((r) => r.sources))]) : [];
  const plan = planSync(derivation, sent, { mode: scope.mode, refused: await refusals(db, tenantId), awaitingResync: await awaitingResync(db, tenantId), elsewhere });
  // A resync of some resources deletes only those; upserts of everything keep parents in place.
  if (scope.resources) plan.ops = plan.ops.filter((o) => o.action !== 'delete' || scope.resources!.includes(o.resource));
  return { derivation, plan };
}

export interface EnqueueResult {
  batchId: number | null;
  ops: number;
  issues: number;
  schools: number[] | null;
  /** True when operations are still in flight: nothing was planned, the marks stay. */
  deferred: boolean;
}

async function lockTenant(tx: Db, tenantId: string): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(hashtext(${`termbridge-sync:${tenantId}`}))`.execute(tx);
}

async function inFlight(tx: Db, tenantId: string): Promise<boolean> {
  const r = await sql`SELECT 1 FROM sync_outbox WHERE tenant_id = ${tenantId} AND status = 'in_flight' AND locked_until > now() LIMIT 1`.execute(tx);
  return r.rows.length > 0;
}

/** Plans the given scope into the outbox. */
export async function enqueuePlan(db: Db, tenantId: string, scope: PlanScope): Promise<EnqueueResult> {
  return db.transaction().execute(async (tx) => {
    await lockTenant(tx, tenantId);
    if (await inFlight(tx, tenantId)) return { batchId: null, ops: 0, issues: 0, schools: scope.schools, deferred: true };
    if (scope.schools === null) await sql`DELETE FROM sync_dirty_schools WHERE tenant_id = ${tenantId}`.execute(tx);
    else await sql`DELETE FROM sync_dirty_schools WHERE tenant_id = ${tenantId} AND school_id = ANY(${scope.schools.map(String)}::bigint[])`.execute(tx);
    return write(tx, tenantId, scope);
  });
}

/** Plans the schools SIS writes marked since the last run. */
export async function enqueueDirty(db: Db, tenantId: string): Promise<EnqueueResult> {
  return db.transaction().execute(async (tx) => {
    await lockTenant(tx, tenantId);
    if (await inFlight(tx, tenantId)) return { batchId: null, ops: 0, issues: 0, schools: [], deferred: true };
    const r = await sql<{ school_id: string }>`DELETE FROM sync_dirty_schools WHERE tenant_id = ${tenantId} RETURNING school_id`.execute(tx);
    const schools = r.rows.map((x) => Number(x.school_id)).sort((a, b) => a - b);
    if (schools.length === 0) return { batchId: null, ops: 0, issues: 0, schools, deferred: false };
    return write(tx, tenantId, { mode: 'incremental', schools });
  });
}

async function write(tx: Db, tenantId: string, scope: PlanScope): Promise<EnqueueResult> {
  const { derivation, plan } = await planTenant(tx, tenantId, scope);
  const batchId = await enqueueBatch(tx, tenantId, plan.ops, scope.schools);
  await applyRemaps(tx, tenantId, plan.remaps);
  await recordSchoolChanges(tx, tenantId, plan.schoolChanges, scope.mode === 'resync' ? scope.schools ?? 'all' : null);
  await recordDeriveIssues(tx, tenantId, derivation.issues, scope.schools);
  await resolveStaleSendErrors(tx, tenantId, new Map(derivation.records.map((r) => [r.keyText, r.hash])), scope.schools);
  return { batchId, ops: plan.ops.length, issues: derivation.issues.length, schools: scope.schools, deferred: false };
}
