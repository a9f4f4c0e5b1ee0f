// Everything stored for one tenant, as one string: every row of every table with a tenant_id
// column (found in the catalog, so a table added later is covered too). Equal fingerprints before
// and after a rejected upload prove it wrote nothing.
import { sql } from 'kysely';
import type { Store } from '../src/store/database.ts';

/** Tables that change without a write by the tenant (token use, request counters). */
const VOLATILE = new Set(['access_tokens', 'failed_attempts', 'data_changes']);

export async function tenantFingerprint(store: Store, tenantId: string): Promise<string> {
  const tables = await sql<{ table_name: string }>`SELECT table_name FROM information_schema.columns
    WHERE column_name = 'tenant_id' AND table_schema = current_schema() ORDER BY table_name`.execute(store.db);
  const parts: string[] = [];
  for (const { table_name } of tables.rows) {
    if (VOLATILE.has(table_name)) continue;
    const r = await sql<{ f: string | null }>`SELECT md5(string_agg(to_jsonb(t)::text, ',' ORDER BY to_jsonb(t)::text)) AS f
      FROM ${sql.table(table_name)} t WHERE tenant_id = ${tenantId}`.execute(store.db);
    parts.push(`${table_name}:${r.rows[0]?.f ?? ''}`);
  }
  return parts.join(' ');
}
