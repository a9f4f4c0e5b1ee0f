// The sync error log: derivation problems (missing dates, no session name), payloads the
// target refused (with the request body, the response and a retry action) and children held
// back because a parent failed. Retry clears the refusal and re-plans the school.
import { sql } from 'kysely';
import type { Db } from '../store/database.ts';
import type { DeriveIssue } from './derive/derive-issue.ts';
import { markDirty } from './sis-repository.ts';

export type ErrorState = 'open' | 'retried' | 'archived' | 'resolved';

export interface SyncError {
  errorId: number;
  kind: 'derive' | 'send' | 'blocked';
  state: ErrorState;
  resource: string;
  keyText: string | null;
  schoolId: number | null;
  schoolYear: number | null;
  action: string | null;
  message: string;
  requestBody: unknown;
  responseStatus: number | null;
  responseBody: unknown;
  createdAt: string;
  updatedAt: string;
}

export interface SendErrorInput {
  kind: 'send' | 'blocked';
  opId: number;
  resource: string;
  keyText: string;
  schoolId: number | null;
  schoolYear: number;
  action: string;
  requestBody: unknown;
  responseStatus: number | null;
  responseBody: unknown;
  message: string;
  /** Set when the target refused this exact payload: it is not re-sent unchanged. */
  refusalKey: string | null;
}

/** Opens an entry per new issue; closes the scope's derive entries that no longer occur. */
export async function recordDeriveIssues(tx: Db, tenantId: string, issues: DeriveIssue[], schoolIds: number[] | null): Promise<void> {
  const fingerprints = issues.map((i) => i.fingerprint);
  const scope = schoolIds ? sql`AND (school_id IS NULL OR school_id = ANY(${schoolIds.map(String)}::bigint[]))` : sql``;
  await sql`UPDATE sync_errors SET state = 'resolved', updated_at = now()
    WHERE tenant_id = ${tenantId} AND kind = 'derive' AND state = 'open' AND NOT (fingerprint = ANY(${fingerprints}::text[])) ${scope}`.execute(tx);
  for (const i of issues)
    await sql`INSERT INTO sync_errors (tenant_id, kind, resource, school_id, school_year, message, fingerprint, request_body)
      VALUES (${tenantId}, 'derive', ${i.resource}, ${i.schoolId === null ? null : String(i.schoolId)}::bigint, ${i.schoolYear}, ${i.message}, ${i.fingerprint},
        ${JSON.stringify({ sources: i.sources })}::jsonb)
      ON CONFLICT (tenant_id, fingerprint) WHERE state = 'open' DO NOTHING`.execute(tx);
}

export async function recordSendError(tx: Db, tenantId: string, e: SendErrorInput): Promise<void> {
  const fingerprint = `${e.kind}|${e.keyText}|${e.action}|${e.refusalKey ?? e.message}`;
  await sql`INSERT INTO sync_errors (tenant_id, kind, op_id, resource, key_text, school_id, school_year, action, request_body,
      response_status, response_body, message, fingerprint, refusal_key)
    VALUES (${tenantId}, ${e.kind}, ${e.opId}, ${e.resource}, ${e.keyText}, ${e.schoolId === null ? null : String(e.schoolId)}::bigint, ${e.schoolYear},
      ${e.action}, ${e.requestBody === null || e.requestBody === undefined ? null : JSON.stringify(e.requestBody)}::jsonb, ${e.responseStatus},
      ${e.responseBody === null || e.responseBody === undefined ? null : JSON.stringify(e.responseBody)}::jsonb, ${e.message}, ${fingerprint}, ${e.refusalKey})
    ON CONFLICT (tenant_id, fingerprint) WHERE state = 'open'
    DO UPDATE SET op_id = EXCLUDED.op_id, response_status = EXCLUDED.response_status, response_body = EXCLUDED.response_body, updated_at = now()`.execute(tx);
}

/** A later success for the same item closes its send and blocked entries. */
export async function resolveSendErrors(tx: Db, tenantId: string, keyText: string): Promise<void> {
  await sql`UPDATE sync_errors SET state = 'resolved', updated_at = now()
    WHERE tenant_id = ${tenantId} AND key_text = ${keyText} AND kind IN ('send', 'blocked') AND state IN ('open', 'archived')`.execute(tx);
}

/**
 * Entries about payloads the SIS no longer wants to send close: the item is gone from the
 * derivation or its payload changed (a refused delete closes when the item is wanted again).
 */
export async function resolveStaleSendErrors(tx: Db, tenantId: string, desired: ReadonlyMap<string, string>, schoolIds: number[] | null): Promise<void> {
  const scope = schoolIds ? sql`AND (school_id IS NULL OR school_id = ANY(${schoolIds.map(String)}::bigint[]))` : sql``;
  const r = await sql<{ error_id: string; key_text: string; refusal_key: string | null; kind: string }>`SELECT error_id, key_text, refusal_key, kind FROM sync_errors
    WHERE tenant_id = ${tenantId} AND kind IN ('send', 'blocked') AND state IN ('open', 'archived') ${scope}`.execute(tx);
  const stale = r.rows.filter((e) => {
    const hash = e.refusal_key?.slice(e.key_text.length + 1);
    if (hash === 'delete') return desired.has(e.key_text);
    if (hash !== undefined) return desired.get(e.key_text) !== hash;
    return !desired.has(e.key_text);
  });
  if (stale.length === 0) return;
  await sql`UPDATE sync_errors SET state = 'resolved', updated_at = now()
    WHERE tenant_id = ${tenantId} AND error_id = ANY(${stale.map((e) => e.error_id)}::bigint[])`.execute(tx);
}

/** Payloads the target refused that nobody has retried: the planner does not send them again. */
export async function refusals(db: Db, tenantId: string): Promise<Set<string>> {
  const r = await sql<{ refusal_key: string }>`SELECT refusal_key FROM sync_errors
    WHERE tenant_id = ${tenantId} AND refusal_key IS NOT NULL AND state IN ('open', 'archived')`.execute(db);
  return new Set(r.rows.map((x) => x.refusal_key));
}

export interface ErrorFilter {
  state?: ErrorState | 'all';
  kind?: SyncError['kind'] | undefined;
  resource?: string | undefined;
  schoolId?: number | undefined;
  limit?: number;
  offset?: number;
}

export async function listErrors(db: Db, tenantId: string, options: ErrorFilter = {}): Promise<SyncError[]> {
  const state = options.state ?? 'open';
  const r = await sql<any>`SELECT * FROM sync_errors WHERE tenant_id = ${tenantId} ${state === 'all' ? sql`` : sql`AND state = ${state}`}
    ${options.kind ? sql`AND kind = ${options.kind}` : sql``} ${options.resource ? sql`AND resource = ${options.resource}` : sql``}
    ${options.schoolId !== undefined ? sql`AND school_id = ${String(options.schoolId)}::bigint` : sql``}
    ORDER BY error_id LIMIT ${options.limit ?? 100} OFFSET ${options.offset ?? 0}`.execute(db);
  return r.rows.map(toSyncError);
}

export async function getError(db: Db, tenantId: string, errorId: number): Promise<SyncError | null> {
  const r = await sql<any>`SELECT * FROM sync_errors WHERE tenant_id = ${tenantId} AND error_id = ${errorId}`.execute(db);
  return r.rows[0] ? toSyncError(r.rows[0]) : null;
}

/** Retry: the refusal is lifted and the item's school re-planned, so the newest payload goes. */
export async function retryErrors(db: Db, tenantId: string, errorId: number | 'all'): Promise<number> {
  return db.transaction().execute(async (tx) => {
    const r = await sql<{ school_id: string | null }>`UPDATE sync_errors SET state = 'retried', updated_at = now()
      WHERE tenant_id = ${tenantId} AND state IN ('open', 'archived') ${errorId === 'all' ? sql`` : sql`AND error_id = ${errorId}`}
      RETURNING school_id`.execute(tx);
    if (r.rows.length === 0) return 0;
    const all = r.rows.some((x) => x.school_id === null);
    const schools = all
      ? (await sql<{ school_id: string }>`SELECT school_id FROM sis_schools WHERE tenant_id = ${tenantId}`.execute(tx)).rows.map((x) => Number(x.school_id))
      : [...new Set(r.rows.map((x) => Number(x.school_id)))];
    await markDirty(tx, tenantId, schools);
    return r.rows.length;
  });
}

export async function archiveError(db: Db, tenantId: string, errorId: number): Promise<boolean> {
  const r = await sql`UPDATE sync_errors SET state = 'archived', updated_at = now() WHERE tenant_id = ${tenantId} AND error_id = ${errorId} AND state = 'open'`.execute(db);
  return Number(r.numAffectedRows ?? 0) > 0;
}

function toSyncError(r: any): SyncError {
  const json = (v: unknown) => (typeof v === 'string' ? JSON.parse(v) : v);
  return {
    errorId: Number(r.error_id),
    kind: r.kind,
    state: r.state,
    resource: r.resource,
    keyText: r.key_text,
    schoolId: r.school_id === null ? null : Number(r.school_id),
    schoolYear: r.school_year,
    action: r.action,
    message: r.message,
    requestBody: json(r.request_body),
    responseStatus: r.response_status,
    responseBody: json(r.response_body),
    createdAt: new Date(r.created_at).toISOString(),
    updatedAt: new Date(r.updated_at).toISOString(),
  };
}
