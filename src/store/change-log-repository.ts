// Reads the change log: tombstones and key changes per resource in a change-version window,
// the way Ed-Fi's /deletes and /keyChanges (and any other delta reader) need them. A window
// ends at the tenant's change horizon (see change-horizon.ts). A transaction logs all its rows
// under one version; row_seq orders them within it.
import { sql, type Kysely, type Transaction } from 'kysely';
import { changeHorizon } from './change-horizon.ts';
import type { Tables } from './schema.ts';

type Executor = Kysely<Tables> | Transaction<Tables>;

export interface ChangeWindow {
  minChangeVersion?: number | undefined;
  maxChangeVersion?: number | undefined;
  /** Only changes whose old or new key names this Ed-Fi schoolId (a school-scoped token). */
  schoolId?: number | undefined;
}

export interface TrackedDelete {
  entityId: string;
  changeVersion: number;
  key: Record<string, unknown>;
}

export interface TrackedKeyChange {
  entityId: string;
  changeVersion: number;
  oldKey: Record<string, unknown>;
  newKey: Record<string, unknown>;
}

export interface TrackedPage {
  offset: number;
  limit: number;
  withTotal: boolean;
}

function windowSql(w: ChangeWindow) {
  return sql`${w.minChangeVersion === undefined ? sql`` : sql` AND c.change_version >= ${w.minChangeVersion}`}${
    w.maxChangeVersion === undefined ? sql`` : sql` AND c.change_version <= ${w.maxChangeVersion}`
  }${
    w.schoolId === undefined
      ? sql``
      : sql` AND (c.old_key->>'schoolId' = ${String(w.schoolId)} OR c.new_key->>'schoolId' = ${String(w.schoolId)})`
  }`;
}

// A session (or grading period) deleted and then recreated with the same natural key inside
// the window is not a delete to a synchronising client (ODS suppresses it the same way).
function notRecreated(w: ChangeWindow) {
  return sql`NOT EXISTS (
    SELECT 1 FROM sessions s JOIN orgs o ON o.tenant_id = s.tenant_id AND o.id = s.school_org_id
    WHERE c.resource IN ('sessions', 'gradingPeriods') AND s.tenant_id = c.tenant_id AND s.status = 'active'
      AND s.change_version >= c.change_version
      ${w.maxChangeVersion === undefined ? sql`` : sql`AND s.change_version <= ${w.maxChangeVersion}`}
      AND (s.type = 'gradingPeriod') = (c.resource = 'gradingPeriods')
      AND o.school_id = (c.old_key->>'schoolId')::bigint AND s.school_year = (c.old_key->>'schoolYear')::int
      AND s.name = coalesce(c.old_key->>'sessionName', c.old_key->>'gradingPeriodName')
      AND (c.resource <> 'gradingPeriods' OR s.grading_period_descriptor = c.old_key->>'gradingPeriodDescriptor'))`;
}

export class ChangeLogRepository {
  constructor(private readonly db: Executor) {}

  /** A window (min and/or max given) ends at the horizon; no window reads the whole log as committed. */
  private async settled(tenantId: string, w: ChangeWindow): Promise<ChangeWindow> {
    if (w.minChangeVersion === undefined && w.maxChangeVersion === undefined) return w;
    const { version } = await changeHorizon(this.db, tenantId);
    return { ...w, maxChangeVersion: Math.min(w.maxChangeVersion ?? version, version) };
  }

  async deletes(tenantId: string, resource: string, requested: ChangeWindow, page: TrackedPage): Promise<{ rows: TrackedDelete[]; total?: number }> {
    const window = await this.settled(tenantId, requested);
    const where = sql`c.tenant_id = ${tenantId} AND c.resource = ${resource} AND c.kind = 'delete'${windowSql(window)} AND ${notRecreated(window)}`;
    const rows = await sql<{ entity_id: string; change_version: string; old_key: Record<string, unknown> }>`
      SELECT c.entity_id, c.change_version, c.old_key FROM change_log c WHERE ${where}
      ORDER BY c.change_version, c.row_seq LIMIT ${page.limit} OFFSET ${page.offset}`.execute(this.db);
    const out: { rows: TrackedDelete[]; total?: number } = {
      rows: rows.rows.map((r) => ({ entityId: r.entity_id, changeVersion: Number(r.change_version), key: r.old_key ?? {} })),
    };
    if (page.withTotal) {
      const n = await sql<{ n: string }>`SELECT count(*) AS n FROM change_log c WHERE ${where}`.execute(this.db);
      out.total = Number(n.rows[0]?.n ?? 0);
    }
    return out;
  }

  /** One row per entity: the first old key and the last new key inside the window. */
  async keyChanges(tenantId: string, resource: string, requested: ChangeWindow, page: TrackedPage): Promise<{ rows: TrackedKeyChange[]; total?: number }> {
    const window = await this.settled(tenantId, requested);
    const where = sql`c.tenant_id = ${tenantId} AND c.resource = ${resource} AND c.kind = 'keyChange'${windowSql(window)}`;
    const rows = await sql<{ entity_id: string; change_version: string; old_key: Record<string, unknown>; new_key: Record<string, unknown> }>`
      SELECT c.entity_id, max(c.change_version) AS change_version,
        (array_agg(c.old_key ORDER BY c.change_version ASC, c.row_seq ASC))[1] AS old_key,
        (array_agg(c.new_key ORDER BY c.change_version DESC, c.row_seq DESC))[1] AS new_key
      FROM change_log c WHERE ${where}
      GROUP BY c.entity_id ORDER BY max(c.change_version), max(c.row_seq) LIMIT ${page.limit} OFFSET ${page.offset}`.execute(this.db);
    const out: { rows: TrackedKeyChange[]; total?: number } = {
      rows: rows.rows.map((r) => ({ entityId: r.entity_id, changeVersion: Number(r.change_version), oldKey: r.old_key ?? {}, newKey: r.new_key ?? {} })),
    };
    if (page.withTotal) {
      const n = await sql<{ n: string }>`SELECT count(DISTINCT c.entity_id) AS n FROM change_log c WHERE ${where}`.execute(this.db);
      out.total = Number(n.rows[0]?.n ?? 0);
    }
    return out;
  }
}
