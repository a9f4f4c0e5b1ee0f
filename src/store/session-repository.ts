// Reads and writes canonical sessions. Every method is tenant-scoped and parameterised; every
// write takes its transaction's change version (migration 010's trigger) and logs deletes and
// key changes.
import { randomUUID } from 'node:crypto';
import { sql, type Kysely, type Transaction } from 'kysely';
import { naturalKeyOf, sameKey } from '../domain/natural-key.ts';
import type { Session, SessionInput } from '../domain/session.ts';
import type { Condition, Query } from '../query/ast.ts';
import { boundedByHorizon, changeHorizon } from './change-horizon.ts';
import type { Tables } from './schema.ts';
import { CONTENT_COLUMNS, contentFromRow, insertColumns, updateAssignments } from './session-columns.ts';
import { orderSql, whereSql } from './session-sql.ts';

type Executor = Kysely<Tables> | Transaction<Tables>;

/** A selected row: the contract's content columns (by name) and what the store assigns. */
interface SessionRow extends Record<string, unknown> {
  id: string;
  tenant_id: string;
  school_id: string | null;
  identifiers: Record<string, string> | null;
  canvas_id: string;
  created_at: Date;
  updated_at: Date;
  change_version: string;
  row_seq: string;
}

const SELECT = sql`
  s.id, s.tenant_id, ${CONTENT_COLUMNS}, o.school_id, s.canvas_id, s.created_at, s.updated_at, s.change_version, s.row_seq,
  (SELECT jsonb_object_agg(si.system, si.value) FROM session_identifiers si
    WHERE si.tenant_id = s.tenant_id AND si.session_id = s.id) AS identifiers`;
const FROM = sql`sessions s LEFT JOIN orgs o ON o.tenant_id = s.tenant_id AND o.id = s.school_org_id`;

export interface SessionWithSeq extends Session {
  /** Insertion order; Ed-Fi cursor tokens are ranges of it. */
  rowSeq: number;
}

/** A grading period a session links to, as much of it as a reference needs. */
export interface GradingPeriodLink {
  id: string;
  gradingPeriodDescriptor: string | null;
  name: string;
  /** The grading period's Ed-Fi schoolId (jsonb carries bigint as a number). */
  schoolId: number | null;
  schoolYear: number | null;
}

export interface SessionWithGradingPeriods extends SessionWithSeq {
  gradingPeriods: GradingPeriodLink[];
}

export function toSession(r: SessionRow): SessionWithSeq {
  return {
    id: r.id,
    tenantId: r.tenant_id,
    ...contentFromRow(r),
    schoolId: r.school_id === null ? null : Number(r.school_id),
    identifiers: r.identifiers ?? {},
    canvasId: Number(r.canvas_id),
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
    changeVersion: Number(r.change_version),
    rowSeq: Number(r.row_seq),
  };
}

export class IdentifierInUseError extends Error {
  constructor(
    readonly system: string,
    readonly value: string,
  ) {
    super(`identifier ${system}:${value} is already used by another session`);
  }
}

export class SessionRepository {
  constructor(private readonly db: Executor) {}

  /**
   * Every read below that compares change versions or modification times (Ed-Fi change
   * windows, OneRoster and Edlink date filters) answers only up to the tenant's change horizon.
   */
  async find(tenantId: string, query: Query): Promise<{ rows: SessionWithSeq[]; total?: number }> {
    const bounded = { ...query, where: await boundedByHorizon(this.db, tenantId, query.where) };
    const where = whereSql(tenantId, bounded);
    const page = query.page;
    const limit = page.kind === 'all' ? sql`` : sql` LIMIT ${page.limit}`;
    const offset = page.kind === 'offset' && page.offset > 0 ? sql` OFFSET ${page.offset}` : sql``;
    const rows = await sql<SessionRow>`SELECT ${SELECT} FROM ${FROM} WHERE ${where} ORDER BY ${orderSql(query.sort)}${limit}${offset}`.execute(this.db);
    const result: { rows: SessionWithSeq[]; total?: number } = { rows: rows.rows.map(toSession) };
    if (query.withTotal) result.total = await this.countWhere(tenantId, bounded.where);
    return result;
  }

  /**
   * find(), each row with the live grading periods it links to (Ed-Fi's SessionGradingPeriod),
   * in one round trip instead of find() + gradingPeriodsOf(): the Ed-Fi read path's hot query.
   */
  async findWithGradingPeriods(tenantId: string, query: Query): Promise<{ rows: SessionWithGradingPeriods[]; total?: number }> {
    const bounded = { ...query, where: await boundedByHorizon(this.db, tenantId, query.where) };
    const where = whereSql(tenantId, bounded);
    const page = query.page;
    const limit = page.kind === 'all' ? sql`` : sql` LIMIT ${page.limit}`;
    const offset = page.kind === 'offset' && page.offset > 0 ? sql` OFFSET ${page.offset}` : sql``;
    const rows = await sql<SessionRow & { grading_periods: GradingPeriodLink[] | null }>`SELECT ${SELECT},
      (SELECT jsonb_agg(jsonb_build_object('id', g.id, 'gradingPeriodDescriptor', g.grading_period_descriptor, 'name', g.name,
          'schoolId', go.school_id, 'schoolYear', g.school_year) ORDER BY g.period_sequence NULLS LAST, g.begin_date, g.row_seq)
        FROM session_grading_periods l JOIN sessions g ON g.tenant_id = l.tenant_id AND g.id = l.grading_period_id
        LEFT JOIN orgs go ON go.tenant_id = g.tenant_id AND go.id = g.school_org_id
        WHERE l.tenant_id = s.tenant_id AND l.session_id = s.id AND g.status = 'active') AS grading_periods
      FROM ${FROM} WHERE ${where} ORDER BY ${orderSql(query.sort)}${limit}${offset}`.execute(this.db);
    const result: { rows: SessionWithGradingPeriods[]; total?: number } = {
      rows: rows.rows.map((r) => ({ ...toSession(r), gradingPeriods: r.grading_periods ?? [] })),
    };
    if (query.withTotal) result.total = await this.countWhere(tenantId, bounded.where);
    return result;
  }

  async count(tenantId: string, query: Pick<Query, 'where'>): Promise<number> {
    return this.countWhere(tenantId, await boundedByHorizon(this.db, tenantId, query.where));
  }

  private async countWhere(tenantId: string, where: Condition | undefined): Promise<number> {
    const count = await sql<{ n: string }>`SELECT count(*) AS n FROM ${FROM} WHERE ${whereSql(tenantId, { where, page: { kind: 'all' } })}`.execute(this.db);
    return Number(count.rows[0]?.n ?? 0);
  }

  /** rowSeq boundaries splitting the matching rows into `parts` runs of at least `minSize`. */
  async rowSeqBoundaries(tenantId: string, query: Pick<Query, 'where'>, size: number): Promise<number[]> {
    const where = whereSql(tenantId, { where: await boundedByHorizon(this.db, tenantId, query.where), page: { kind: 'all' } });
    const rows = await sql<{ row_seq: string }>`
      SELECT row_seq FROM (
        SELECT s.row_seq, row_number() OVER (ORDER BY s.row_seq) AS n FROM ${FROM} WHERE ${where}
      ) t WHERE (t.n - 1) % ${size} = 0 ORDER BY row_seq`.execute(this.db);
    return rows.rows.map((r) => Number(r.row_seq));
  }

  /** Any status; null when the tenant has no such session. */
  async get(tenantId: string, id: string): Promise<SessionWithSeq | null> {
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)) return null;
    const rows = await sql<SessionRow>`SELECT ${SELECT} FROM ${FROM} WHERE s.tenant_id = ${tenantId} AND s.id = ${id}`.execute(this.db);
    return rows.rows[0] ? toSession(rows.rows[0]) : null;
  }

  async getMany(tenantId: string, ids: string[]): Promise<SessionWithSeq[]> {
    if (ids.length === 0) return [];
    const rows = await sql<SessionRow>`SELECT ${SELECT} FROM ${FROM} WHERE s.tenant_id = ${tenantId} AND s.id = ANY(${ids}::uuid[]) ORDER BY s.row_seq`.execute(this.db);
    return rows.rows.map(toSession);
  }

  async getByCanvasId(tenantId: string, canvasId: number): Promise<SessionWithSeq | null> {
    const rows = await sql<SessionRow>`SELECT ${SELECT} FROM ${FROM} WHERE s.tenant_id = ${tenantId} AND s.canvas_id = ${canvasId}`.execute(this.db);
    return rows.rows[0] ? toSession(rows.rows[0]) : null;
  }

  async getByIdentifier(tenantId: string, system: string, value: string): Promise<SessionWithSeq | null> {
    const rows = await sql<SessionRow>`SELECT ${SELECT} FROM ${FROM}
      JOIN session_identifiers x ON x.tenant_id = s.tenant_id AND x.session_id = s.id
      WHERE s.tenant_id = ${tenantId} AND x.system = ${system} AND x.value = ${value}`.execute(this.db);
    return rows.rows[0] ? toSession(rows.rows[0]) : null;
  }

  /** The live session (not a grading period) with this Ed-Fi natural key. */
  async findByNaturalKey(tenantId: string, schoolOrgId: string, schoolYear: number, name: string): Promise<SessionWithSeq | null> {
    const rows = await sql<SessionRow>`SELECT ${SELECT} FROM ${FROM}
      WHERE s.tenant_id = ${tenantId} AND s.school_org_id = ${schoolOrgId} AND s.school_year = ${schoolYear}
        AND s.name = ${name} AND s.status = 'active' AND s.type <> 'gradingPeriod'`.execute(this.db);
    return rows.rows[0] ? toSession(rows.rows[0]) : null;
  }

  /** The live grading period with this Ed-Fi natural key. */
  async findGradingPeriodByKey(
    tenantId: string,
    schoolOrgId: string,
    schoolYear: number,
    descriptor: string,
    name: string,
  ): Promise<SessionWithSeq | null> {
    const rows = await sql<SessionRow>`SELECT ${SELECT} FROM ${FROM}
      WHERE s.tenant_id = ${tenantId} AND s.school_org_id = ${schoolOrgId} AND s.school_year = ${schoolYear}
        AND s.grading_period_descriptor = ${descriptor} AND s.name = ${name}
        AND s.status = 'active' AND s.type = 'gradingPeriod'`.execute(this.db);
    return rows.rows[0] ? toSession(rows.rows[0]) : null;
  }

  async insert(tenantId: string, input: SessionInput): Promise<SessionWithSeq> {
    const id = input.id ?? randomUUID();
    const seq = await sql<{ n: string }>`UPDATE tenants SET canvas_term_seq = canvas_term_seq + 1 WHERE tenant_id = ${tenantId} RETURNING canvas_term_seq AS n`.execute(this.db);
    const canvasId = seq.rows[0]?.n;
    if (canvasId === undefined) throw new Error(`unknown tenant ${tenantId}`);
    const content = insertColumns(input);
    await sql`INSERT INTO sessions (tenant_id, id, canvas_id, ${content.columns})
      VALUES (${tenantId}, ${id}, ${canvasId}, ${content.values})`.execute(this.db);
    if (input.identifiers) await this.setIdentifiers(tenantId, id, input.identifiers);
    return (await this.get(tenantId, id))!;
  }

  /**
   * Replaces the session's fields. With `expectedChangeVersion`, updates only if the stored
   * version still matches ('conflict' otherwise). A changed Ed-Fi natural key is logged and
   * bumps the dependents' change versions, as the ODS's cascading key update does.
   */
  async update(
    tenantId: string,
    id: string,
    input: SessionInput,
    options: { expectedChangeVersion?: number | undefined } = {},
  ): Promise<SessionWithSeq | 'conflict' | null> {
    const before = await this.get(tenantId, id);
    if (!before) return null;
    const expected = options.expectedChangeVersion;
    const result = await sql`
      UPDATE sessions SET ${updateAssignments(input, before)}
      WHERE tenant_id = ${tenantId} AND id = ${id}
        ${expected === undefined ? sql`` : sql`AND change_version = ${expected}`}`.execute(this.db);
    if (Number(result.numAffectedRows ?? 0) === 0) return 'conflict';
    if (input.identifiers) await this.setIdentifiers(tenantId, id, input.identifiers);
    const after = (await this.get(tenantId, id))!;
    const oldKey = before.status === 'active' ? naturalKeyOf(before) : null;
    const newKey = after.status === 'active' ? naturalKeyOf(after) : null;
    if (oldKey && newKey && oldKey.resource === newKey.resource && !sameKey(oldKey, newKey)) {
      await this.logChange(tenantId, oldKey.resource, id, 'keyChange', oldKey.key, newKey.key);
      await this.touchDependents(tenantId, id);
    } else if (oldKey && !sameKey(oldKey, newKey)) {
      // It left Ed-Fi's view (deleted, school cleared, ...): to an Ed-Fi reader that is a delete.
      await this.logChange(tenantId, oldKey.resource, id, 'delete', oldKey.key, null);
    }
    return after;
  }

  /** Soft delete: status deleted, a new change version, and a tombstone with the natural key. */
  async markDeleted(tenantId: string, id: string): Promise<SessionWithSeq | null>;
  /** With `expectedChangeVersion`, deletes only if the stored version still matches ('conflict' otherwise). */
  async markDeleted(tenantId: string, id: string, options: { expectedChangeVersion?: number | undefined }): Promise<SessionWithSeq | 'conflict' | null>;
  async markDeleted(tenantId: string, id: string, options: { expectedChangeVersion?: number | undefined } = {}): Promise<SessionWithSeq | 'conflict' | null> {
    const before = await this.get(tenantId, id);
    if (!before) return null;
    const expected = options.expectedChangeVersion;
    if (before.status === 'deleted') return expected === undefined || expected === before.changeVersion ? before : 'conflict';
    const result = await sql`UPDATE sessions SET status = 'deleted'
      WHERE tenant_id = ${tenantId} AND id = ${id} ${expected === undefined ? sql`` : sql`AND change_version = ${expected}`}`.execute(this.db);
    if (Number(result.numAffectedRows ?? 0) === 0) return 'conflict';
    const key = naturalKeyOf(before);
    if (key) await this.logChange(tenantId, key.resource, id, 'delete', key.key, null);
    return this.get(tenantId, id);
  }

  /** Brings a deleted session back (OneRoster bulk re-appearance, Canvas undelete). */
  async reactivate(tenantId: string, id: string): Promise<SessionWithSeq | null> {
    await sql`UPDATE sessions SET status = 'active'
      WHERE tenant_id = ${tenantId} AND id = ${id} AND status = 'deleted'`.execute(this.db);
    return this.get(tenantId, id);
  }

  /** Sets the given systems' identifiers (a null/empty value removes that system's). */
  async setIdentifiers(tenantId: string, id: string, identifiers: Record<string, string | null>): Promise<void> {
    for (const [system, value] of Object.entries(identifiers)) {
      if (value === null || value === '') {
        await this.db.deleteFrom('session_identifiers').where('tenant_id', '=', tenantId).where('session_id', '=', id).where('system', '=', system).execute();
        continue;
      }
      const holder = await this.db
        .selectFrom('session_identifiers')
        .select('session_id')
        .where('tenant_id', '=', tenantId)
        .where('system', '=', system)
        .where('value', '=', value)
        .executeTakeFirst();
      if (holder && holder.session_id !== id) throw new IdentifierInUseError(system, value);
      if (holder) continue;
      await this.db.deleteFrom('session_identifiers').where('tenant_id', '=', tenantId).where('session_id', '=', id).where('system', '=', system).execute();
      await this.db.insertInto('session_identifiers').values({ tenant_id: tenantId, system, value, session_id: id }).execute();
    }
  }

  /** The live sessions whose parent this is. */
  async liveChildren(tenantId: string, id: string): Promise<SessionWithSeq[]> {
    const rows = await sql<SessionRow>`SELECT ${SELECT} FROM ${FROM}
      WHERE s.tenant_id = ${tenantId} AND s.parent_id = ${id} AND s.status = 'active' ORDER BY s.begin_date, s.row_seq`.execute(this.db);
    return rows.rows.map(toSession);
  }

  /** The grading periods a session references (Ed-Fi's SessionGradingPeriod). */
  async gradingPeriodsOf(tenantId: string, sessionIds: string[]): Promise<Map<string, SessionWithSeq[]>> {
    const out = new Map<string, SessionWithSeq[]>();
    if (sessionIds.length === 0) return out;
    const rows = await sql<SessionRow & { owner: string }>`SELECT ${SELECT}, l.session_id AS owner FROM ${FROM}
      JOIN session_grading_periods l ON l.tenant_id = s.tenant_id AND l.grading_period_id = s.id
      WHERE s.tenant_id = ${tenantId} AND l.session_id = ANY(${sessionIds}::uuid[]) AND s.status = 'active'
      ORDER BY s.period_sequence NULLS LAST, s.begin_date, s.row_seq`.execute(this.db);
    for (const r of rows.rows) {
      const list = out.get(r.owner) ?? [];
      list.push(toSession(r));
      out.set(r.owner, list);
    }
    return out;
  }

  /** The live sessions that reference each of these grading periods (the reverse of gradingPeriodsOf). */
  async gradingPeriodOwners(tenantId: string, gradingPeriodIds: string[]): Promise<Map<string, SessionWithSeq[]>> {
    const out = new Map<string, SessionWithSeq[]>();
    if (gradingPeriodIds.length === 0) return out;
    const rows = await sql<SessionRow & { owned: string }>`SELECT ${SELECT}, l.grading_period_id AS owned FROM ${FROM}
      JOIN session_grading_periods l ON l.tenant_id = s.tenant_id AND l.session_id = s.id
      WHERE s.tenant_id = ${tenantId} AND l.grading_period_id = ANY(${gradingPeriodIds}::uuid[]) AND s.status = 'active'
      ORDER BY s.row_seq`.execute(this.db);
    for (const r of rows.rows) out.set(r.owned, [...(out.get(r.owned) ?? []), toSession(r)]);
    return out;
  }

  async setGradingPeriods(tenantId: string, sessionId: string, gradingPeriodIds: string[]): Promise<void> {
    await this.db.deleteFrom('session_grading_periods').where('tenant_id', '=', tenantId).where('session_id', '=', sessionId).execute();
    const unique = [...new Set(gradingPeriodIds)];
    if (unique.length > 0)
      await this.db
        .insertInto('session_grading_periods')
        .values(unique.map((gp) => ({ tenant_id: tenantId, session_id: sessionId, grading_period_id: gp })))
        .execute();
  }

  /** What still refers to this session: live children, referencing sessions, course sections. */
  async dependents(tenantId: string, id: string): Promise<{ children: number; referencingSessions: number; courseSections: number }> {
    const r = await sql<{ children: string; refs: string; sections: string }>`SELECT
      (SELECT count(*) FROM sessions c WHERE c.tenant_id = ${tenantId} AND c.parent_id = ${id} AND c.status = 'active') AS children,
      (SELECT count(*) FROM session_grading_periods l JOIN sessions o ON o.tenant_id = l.tenant_id AND o.id = l.session_id
        WHERE l.tenant_id = ${tenantId} AND l.grading_period_id = ${id} AND o.status = 'active') AS refs,
      (SELECT count(*) FROM course_sections c WHERE c.tenant_id = ${tenantId} AND c.session_id = ${id} AND c.status = 'active') AS sections`.execute(this.db);
    const row = r.rows[0]!;
    return { children: Number(row.children), referencingSessions: Number(row.refs), courseSections: Number(row.sections) };
  }

  /** Active course sections per session, for a page of sessions in one query (0 for none). */
  async activeCourseSectionCounts(tenantId: string, ids: string[]): Promise<Map<string, number>> {
    const counts = new Map(ids.map((id) => [id, 0]));
    if (ids.length === 0) return counts;
    const r = await sql<{ session_id: string; n: string }>`SELECT session_id, count(*) AS n FROM course_sections
      WHERE tenant_id = ${tenantId} AND session_id = ANY(${ids}::uuid[]) AND status = 'active' GROUP BY session_id`.execute(this.db);
    for (const row of r.rows) counts.set(row.session_id, Number(row.n));
    return counts;
  }

  /** The tenant's change horizon: the newest version a change query can be sure of (Ed-Fi's newestChangeVersion). */
  async newestChangeVersion(tenantId: string): Promise<number> {
    return (await changeHorizon(this.db, tenantId)).version;
  }

  private async touchDependents(tenantId: string, id: string): Promise<void> {
    // Any UPDATE takes the transaction's new version (migration 010's trigger); this one changes nothing else.
    await sql`UPDATE sessions s SET status = s.status
      WHERE s.tenant_id = ${tenantId} AND s.status = 'active' AND (s.parent_id = ${id} OR s.id IN (
        SELECT l.grading_period_id FROM session_grading_periods l WHERE l.tenant_id = ${tenantId} AND l.session_id = ${id}))`.execute(this.db);
  }

  async logChange(
    tenantId: string,
    resource: string,
    entityId: string,
    kind: 'delete' | 'keyChange',
    oldKey: Record<string, unknown> | null,
    newKey: Record<string, unknown> | null,
  ): Promise<void> {
    await sql`INSERT INTO change_log (tenant_id, resource, entity_id, kind, old_key, new_key)
      VALUES (${tenantId}, ${resource}, ${entityId}, ${kind},
        ${oldKey === null ? null : JSON.stringify(oldKey)}::jsonb, ${newKey === null ? null : JSON.stringify(newKey)}::jsonb)`.execute(this.db);
  }
}
