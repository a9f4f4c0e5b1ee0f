// Turns the staged rows into session_import in one statement: which stored session each row is
// (its identifier in the importing system, else its uuid; new rows get ids), its org, and its
// parent (another row of the file, or for a delta file a stored session).
import { sql, type Transaction } from 'kysely';
import type { Tables } from '../schema.ts';
import type { ImportScope } from './session-import-rows.ts';

type Tx = Transaction<Tables>;
const UUID_PATTERN = '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$';

/** How the importing system names an org: one key per name; schoolOrgId null for the district. */
export interface ImportOrgKey {
  key: string;
  schoolOrgId: string | null;
}

export interface SessionImportResolution {
  scope: ImportScope;
  /** The identifier system the file's ids belong to (session_identifiers.system). */
  system: string;
  orgs: readonly ImportOrgKey[];
  /** Whether the file names orgs; without the column a stored session keeps its org. */
  hasOrgColumn: boolean;
}

async function stageOrgKeys(tx: Tx, orgs: readonly ImportOrgKey[]): Promise<void> {
  await sql`CREATE TEMP TABLE session_import_orgs (key text PRIMARY KEY, school_org_id uuid) ON COMMIT DROP`.execute(tx);
  if (orgs.length === 0) return;
  await sql`INSERT INTO session_import_orgs SELECT * FROM unnest(${orgs.map((o) => o.key)}::text[], ${orgs.map((o) => o.schoolOrgId)}::uuid[])
    ON CONFLICT DO NOTHING`.execute(tx);
}

/**
 * Builds session_import (the staged rows with their resolved ids) in a single statement. The
 * file's ids must be unique (findDuplicateIds found none), so a parent is one row.
 */
export async function resolveSessionImport(tx: Tx, tenantId: string, r: SessionImportResolution): Promise<void> {
  await stageOrgKeys(tx, r.orgs);
  const storeParent = r.scope === 'delta'
    ? sql`coalesce(
        (SELECT x.session_id FROM session_identifiers x WHERE x.tenant_id = ${tenantId} AND x.system = ${r.system} AND x.value = c.parent_external_id),
        (SELECT s.id FROM sessions s WHERE s.tenant_id = ${tenantId} AND s.id = CASE WHEN c.parent_external_id ~ ${UUID_PATTERN} THEN c.parent_external_id::uuid END))`
    : sql`NULL::uuid`;
  // ids is read twice (rows and parents), so it is computed once: the new ids agree. The table is
  // written in the file's order, so the writes that scan it touch the indexes as the file groups
  // its rows (a parent next to its children) rather than in the joins' order.
  await sql`CREATE TEMP TABLE session_import ON COMMIT DROP AS
    WITH found AS (
      SELECT r.*, coalesce(si.session_id, su.id) AS existing_id, ex.school_org_id AS existing_org,
        coalesce((ex.properties->>'canvasDefaultTerm')::boolean, false) AS is_default_term,
        o.key IS NOT NULL AS org_found, o.school_org_id AS file_org
      FROM session_import_rows r
      LEFT JOIN session_identifiers si ON si.tenant_id = ${tenantId} AND si.system = ${r.system} AND si.value = r.external_id
      LEFT JOIN sessions su ON si.session_id IS NULL AND su.tenant_id = ${tenantId}
        AND su.id = r.external_uuid
        AND NOT EXISTS (SELECT 1 FROM session_identifiers x WHERE x.tenant_id = su.tenant_id AND x.session_id = su.id AND x.system = ${r.system})
      LEFT JOIN sessions ex ON ex.tenant_id = ${tenantId} AND ex.id = coalesce(si.session_id, su.id)
      LEFT JOIN session_import_orgs o ON o.key = r.org_key),
    ids AS MATERIALIZED (
      SELECT f.*, f.existing_id IS NULL AS is_new, coalesce(f.existing_id, CASE
          WHEN f.external_uuid IS NOT NULL AND NOT EXISTS (SELECT 1 FROM sessions s WHERE s.tenant_id = ${tenantId} AND s.id = f.external_uuid)
          THEN f.external_uuid ELSE gen_random_uuid() END) AS session_id,
        CASE WHEN ${r.hasOrgColumn} THEN f.file_org ELSE f.existing_org END AS school_org_id
      FROM found f)
    SELECT c.line, c.external_id, c.status, c.name, c.type, c.begin_date, c.end_date, c.parent_external_id, c.school_year, c.org_key,
      c.term_descriptor, c.grading_period_descriptor, c.period_sequence, c.total_instructional_days, c.extra,
      c.session_id, c.is_new, c.school_org_id, c.org_found, c.is_default_term,
      CASE WHEN c.parent_external_id IS NULL THEN NULL ELSE coalesce(p.session_id, ${storeParent}) END AS parent_id,
      -- 1, 2, … for the new rows in file order (their Canvas ids), from the sort ORDER BY line needs anyway.
      CASE WHEN c.is_new THEN count(*) FILTER (WHERE c.is_new) OVER (ORDER BY c.line ROWS UNBOUNDED PRECEDING) END AS new_seq
    FROM ids c LEFT JOIN ids p ON p.external_id = c.parent_external_id
    ORDER BY c.line`.execute(tx);
  // Parents, cycles and the writes all look rows up by session id.
  await sql`CREATE INDEX ON session_import (session_id)`.execute(tx);
  // The update pass pages through changed rows by line.
  await sql`CREATE INDEX ON session_import (line)`.execute(tx);
  await sql`ANALYZE session_import`.execute(tx);
}
