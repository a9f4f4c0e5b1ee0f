// Writes to the reference data sessions point at: schools, school years and descriptors.
// Every write takes a new change version, like sessions; deletes are soft and leave a tombstone.
import { randomUUID } from 'node:crypto';
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Tables } from './schema.ts';
import { SessionRepository } from './session-repository.ts';

type Executor = Kysely<Tables> | Transaction<Tables>;

export class ReferenceDataRepository {
  constructor(private readonly db: Executor) {}

  /** Renames a school; with `expectedChangeVersion`, only if unchanged since ('conflict'). */
  async updateSchool(tenantId: string, id: string, name: string, expectedChangeVersion?: number): Promise<'ok' | 'conflict'> {
    const r = await sql`UPDATE orgs SET name = ${name}
      WHERE tenant_id = ${tenantId} AND id = ${id} AND kind = 'school' AND status = 'active'
      ${expectedChangeVersion === undefined ? sql`` : sql`AND change_version = ${expectedChangeVersion}`}`.execute(this.db);
    return Number(r.numAffectedRows ?? 0) > 0 ? 'ok' : 'conflict';
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
    if (Number(r.numAffectedRows ?? 0) === 0) return 'conflict';
    await new SessionRepository(this.db).logChange(tenantId, 'schools', id, 'delete', { schoolId }, null);
    return 'ok';
  }

  /** Inserts or updates a school year; true when it was new. */
  async upsertSchoolYear(tenantId: string, schoolYear: number, description: string, isCurrent: boolean): Promise<boolean> {
    const r = await sql<{ inserted: boolean }>`INSERT INTO school_years (tenant_id, school_year, description, is_current, id)
      VALUES (${tenantId}, ${schoolYear}, ${description}, ${isCurrent}, ${randomUUID()})
      ON CONFLICT (tenant_id, school_year) DO UPDATE SET description = excluded.description, is_current = excluded.is_current
      RETURNING (xmax = 0) AS inserted`.execute(this.db);
    if (isCurrent) await sql`UPDATE school_years SET is_current = false WHERE tenant_id = ${tenantId} AND school_year <> ${schoolYear} AND is_current`.execute(this.db);
    return r.rows[0]?.inserted === true;
  }

  /** Inserts or updates a descriptor by (kind, namespace, codeValue); true when it was new. */
  async upsertDescriptor(
    tenantId: string,
    d: { kind: string; namespace: string; codeValue: string; shortDescription: string; description: string | null; sessionType: string | null },
  ): Promise<{ id: string; inserted: boolean }> {
    const r = await sql<{ id: string; inserted: boolean }>`INSERT INTO descriptors (tenant_id, id, kind, namespace, code_value, short_description, description, session_type)
      VALUES (${tenantId}, ${randomUUID()}, ${d.kind}, ${d.namespace}, ${d.codeValue}, ${d.shortDescription}, ${d.description}, ${d.sessionType})
      ON CONFLICT (tenant_id, kind, namespace, code_value) DO UPDATE SET short_description = excluded.short_description,
        description = excluded.description, session_type = coalesce(excluded.session_type, descriptors.session_type)
      RETURNING id, (xmax = 0) AS inserted`.execute(this.db);
    const row = r.rows[0]!;
    return { id: row.id, inserted: row.inserted };
  }
}
