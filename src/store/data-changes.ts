// The per-tenant write count kept by migration 007's triggers: its sum is the tenant's data
// version, read with the bearer token on every request (see ClientRepository.lookup).
import { CompiledQuery, sql, type Kysely } from 'kysely';
import type { Tables } from './schema.ts';

/** A tenant's data version as read in one snapshot: the sum of writes, and how many rows hold it. */
export interface DataVersion {
  version: string;
  rows: number;
}

/**
 * Folds every tenant's rows into one, in one statement, so the sum each tenant reads is the same
 * before and after. Rows appended by writers committing meanwhile are outside the DELETE's
 * snapshot and stay; a concurrent compaction skips the rows this one deleted.
 */
export async function compactDataChanges(db: Kysely<Tables>): Promise<void> {
  await sql`WITH folded AS (DELETE FROM data_changes RETURNING tenant_id, writes)
    INSERT INTO data_changes (tenant_id, writes) SELECT tenant_id, sum(writes) FROM folded GROUP BY tenant_id`.execute(db);
}

/**
 * The one definition of a tenant's data version, as SQL text over the tenant id `tenantId` (a
 * column or a parameter): the token lookup embeds it, dataVersion runs it alone.
 */
export function dataVersionSql(tenantId: string): string {
  return `SELECT coalesce(sum(d.writes), 0) AS version, count(*) AS rows FROM data_changes d WHERE d.tenant_id = ${tenantId}`;
}

export async function dataVersion(db: Kysely<Tables>, tenantId: string): Promise<DataVersion> {
  const r = await db.executeQuery<{ version: string; rows: string }>(CompiledQuery.raw(dataVersionSql('$1'), [tenantId]));
  return { version: String(r.rows[0]!.version), rows: Number(r.rows[0]!.rows) };
}
