// Writes to the reference data sessions point at: schools, school years and descriptors.
// Every write takes a new change version, like sessions; deletes are soft (a tombstone row that
// no longer holds its natural key, migration 011) and schools and descriptors log them for /deletes.
import { randomUUID } from 'node:crypto';
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Tables } from './schema.ts';
import { SessionRepository } from './session-repository.ts';

type Executor = Kysely<Tables> | Transaction<Tables>;

export interface DescriptorWrite {
  kind: string;
  namespace: string;
  codeValue: string;
  shortDescription: string;
  description: string | null;
  effectiveBeginDate: string | null;
  effectiveEndDate: string | null;
  sessionType: string | null;
}

function affected(r: { numAffectedRows?: bigint }): boolean {
  return Number(r.numAffectedRows ?? 0) > 0;
}

export class ReferenceDataRepository {
  constructor(private readonly db: Executor) {}

  /**
   * A school's name and Ed-Fi document; with `expectedChangeVersion`, only if unchanged since
   * ('conflict'). `document` undefined leaves the stored one.
   */
  async updateSchool(
    tenantId: string,
    id: string,
    change: { name: string; document?: Record<string, unknown> },
    expectedChangeVersion?: number,
  ): Promise<'ok' | 'conflict'> {
    const r = await sql`UPDATE orgs SET name = ${change.name},
        edfi_document = ${change.document === undefined ? sql`edfi_document` : sql`${JSON.stringify(change.document)}::jsonb`}
      WHERE tenant_id = ${tenantId} AND id = ${id} AND kind = 'school' AND status = 'active'
      ${expectedChangeVersion === undefined ? sql`` : sql`AND change_version = ${expectedChangeVersion}`}`.execute(this.db);
    return affected(r) ? 'ok' : 'conflict';
  }

  /** Live sessions of the school: what keeps it from being deleted. */
  async sessionsOfSchool(tenantId: string, id: string): Promise<number> {
    const r = await sql<{ n: string }>`SELECT count(*) AS n FROM sessions WHERE tenant_id = ${tenantId} AND school_org_id = ${id} AND status = 'active'`.execute(this.db);
    return Number(r.rows[0]?.n ?? 0);
  }

  async deleteSchool(tenantId: string, id: string, schoolId: number, expectedChangeVersion?: number): Promise<'ok' | 'conflict'> {
    const r = await sql`UPDATE orgs SET status = 'deleted'
      WHERE tenant_id = ${tenantId} AND id = ${id} AND kind = 'school' AND status = 'active'
      ${expectedChangeVersion === undefined ? sql`` : sql`AND change_version = ${expectedChangeVersion}`}`.execute(this.db);
    if (!affected(r)) return 'conflict';
    await new SessionRepository(this.db).logChange(tenantId, 'schools', id, 'delete', { schoolId }, null);
    return 'ok';
  }

  /** Inserts or updates a live school year; true when it was new. */
  async upsertSchoolYear(tenantId: string, schoolYear: number, description: string, isCurrent: boolean): Promise<boolean> {
    const r = await sql<{ inserted: boolean }>`INSERT INTO school_years (tenant_id, school_year, description, is_current, id)
      VALUES (${tenantId}, ${schoolYear}, ${description}, ${isCurrent}, ${randomUUID()})
      ON CONFLICT (tenant_id, school_year) WHERE status = 'active' DO UPDATE SET description = excluded.description, is_current = excluded.is_current
      RETURNING (xmax = 0) AS inserted`.execute(this.db);
    if (isCurrent)
      await sql`UPDATE school_years SET is_current = false WHERE tenant_id = ${tenantId} AND school_year <> ${schoolYear} AND is_current AND status = 'active'`.execute(this.db);
    return r.rows[0]?.inserted === true;
  }

  /** Live sessions (grading periods included) in the school year: what keeps it from being deleted. */
  async sessionsOfSchoolYear(tenantId: string, schoolYear: number): Promise<{ sessions: number; gradingPeriods: number }> {
    const r = await sql<{ sessions: string; grading_periods: string }>`SELECT count(*) FILTER (WHERE type <> 'gradingPeriod') AS sessions,
        count(*) FILTER (WHERE type = 'gradingPeriod') AS grading_periods
      FROM sessions WHERE tenant_id = ${tenantId} AND school_year = ${schoolYear} AND status = 'active'`.execute(this.db);
    return { sessions: Number(r.rows[0]?.sessions ?? 0), gradingPeriods: Number(r.rows[0]?.grading_periods ?? 0) };
  }

  async deleteSchoolYear(tenantId: string, id: string, expectedChangeVersion?: number): Promise<'ok' | 'conflict'> {
    const r = await sql`UPDATE school_years SET status = 'deleted', is_current = false
      WHERE tenant_id = ${tenantId} AND id = ${id} AND status = 'active'
      ${expectedChangeVersion === undefined ? sql`` : sql`AND change_version = ${expectedChangeVersion}`}`.execute(this.db);
    return affected(r) ? 'ok' : 'conflict';
  }

  /** Inserts or updates a live descriptor by (kind, namespace, codeValue); true when it was new. */
  async upsertDescriptor(tenantId: string, d: DescriptorWrite): Promise<{ id: string; inserted: boolean }> {
    const r = await sql<{ id: string; inserted: boolean }>`INSERT INTO descriptors
        (tenant_id, id, kind, namespace, code_value, short_description, description, session_type, effective_begin_date, effective_end_date)
      VALUES (${tenantId}, ${randomUUID()}, ${d.kind}, ${d.namespace}, ${d.codeValue}, ${d.shortDescription}, ${d.description}, ${d.sessionType},
        ${d.effectiveBeginDate}::date, ${d.effectiveEndDate}::date)
      ON CONFLICT (tenant_id, kind, namespace, code_value) WHERE status = 'active' DO UPDATE SET short_description = excluded.short_description,
        description = excluded.description, session_type = coalesce(excluded.session_type, descriptors.session_type),
        effective_begin_date = excluded.effective_begin_date, effective_end_date = excluded.effective_end_date
      RETURNING id, (xmax = 0) AS inserted`.execute(this.db);
    const row = r.rows[0]!;
    return { id: row.id, inserted: row.inserted };
  }

  /** Live sessions and grading periods naming the descriptor (its URI, compared as Ed-Fi compares descriptors: ignoring case). */
  async sessionsUsingDescriptor(tenantId: string, uri: string): Promise<{ sessions: number; gradingPeriods: number }> {
    const r = await sql<{ sessions: string; grading_periods: string }>`SELECT
        count(*) FILTER (WHERE lower(term_descriptor) = lower(${uri})) AS sessions,
        count(*) FILTER (WHERE lower(grading_period_descriptor) = lower(${uri})) AS grading_periods
      FROM sessions WHERE tenant_id = ${tenantId} AND status = 'active'
        AND (lower(term_descriptor) = lower(${uri}) OR lower(grading_period_descriptor) = lower(${uri}))`.execute(this.db);
    return { sessions: Number(r.rows[0]?.sessions ?? 0), gradingPeriods: Number(r.rows[0]?.grading_periods ?? 0) };
  }

  /** Tombstones the descriptor and logs the delete under `resource` (termDescriptors, …) for /deletes. */
  async deleteDescriptor(
    tenantId: string,
    resource: string,
    d: { id: string; namespace: string; codeValue: string },
    expectedChangeVersion?: number,
  ): Promise<'ok' | 'conflict'> {
    const r = await sql`UPDATE descriptors SET status = 'deleted'
      WHERE tenant_id = ${tenantId} AND id = ${d.id} AND status = 'active'
      ${expectedChangeVersion === undefined ? sql`` : sql`AND change_version = ${expectedChangeVersion}`}`.execute(this.db);
    if (!affected(r)) return 'conflict';
    await new SessionRepository(this.db).logChange(tenantId, resource, d.id, 'delete', { codeValue: d.codeValue, namespace: d.namespace }, null);
    return 'ok';
  }
}
