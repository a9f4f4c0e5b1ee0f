// Everything stored for one tenant, as one string: every row of every table with a tenant_id
// column (found in the catalog, so a table added later is covered too), hashed in one statement.
// Equal fingerprints before and after a rejected upload prove it wrote nothing. Each table is
// its row count and the sum of its rows' 64-bit hashes: no sort, so cheap enough to take after
// every one of a fuzz run's thousands of uploads.
import { sql, type RawBuilder } from 'kysely';
import type { Store } from '../src/store/database.ts';

/** Tables that change without a write by the tenant's data (token use, the write counter's compaction, request counts). */
const VOLATILE = new Set(['access_tokens', 'failed_attempts', 'data_changes', 'shared_counters']);

const tablesOf = new WeakMap<Store, string[]>();

async function tenantTables(store: Store): Promise<string[]> {
  let tables = tablesOf.get(store);
  if (!tables) {
    const r = await sql<{ table_name: string }>`SELECT DISTINCT table_name FROM information_schema.columns
      WHERE column_name = 'tenant_id' AND table_schema = current_schema() ORDER BY table_name`.execute(store.db);
    tables = r.rows.map((t) => t.table_name).filter((t) => !VOLATILE.has(t));
    tablesOf.set(store, tables);
  }
  return tables;
}

/** Every table with the tenant's rows, or only `tables` (cheaper, for a check after every upload). */
export async function tenantFingerprint(store: Store, tenantId: string, tables?: readonly string[]): Promise<string> {
  const all = await tenantTables(store);
  const parts: RawBuilder<unknown>[] = (tables ? all.filter((t) => tables.includes(t)) : all).map(
    (table) => sql`(SELECT ${table} || ':' || count(*) || ':' || coalesce(sum(hashtextextended(t::text, 0)), 0) FROM ${sql.table(table)} t WHERE tenant_id = ${tenantId})`,
  );
  const r = await sql<{ f: string }>`SELECT concat_ws(' ', ${sql.join(parts)}) AS f`.execute(store.db);
  return r.rows[0]!.f;
}
