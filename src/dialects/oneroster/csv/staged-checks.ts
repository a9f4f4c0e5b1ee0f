// The checks that need the whole file (and the store). resolveStaged turns the staged rows into
// oneroster_import in one pass: which stored session each row is (oneroster identifier, else
// uuid; new rows get ids), its org, its parent (another row, or for delta a stored session).
// The checks then report duplicate sourcedIds, unknown orgs and parents, dates outside the
// parent's, parent cycles and Ed-Fi's unique (school, school year, title).
import { sql, type RawBuilder, type Transaction } from 'kysely';
import type { Tables } from '../../../store/schema.ts';
import { OrgDirectory, orgSourcedId } from '../org-directory.ts';
import type { CsvProblems } from './csv-problem.ts';
import type { FileMode } from './manifest.ts';

const FILE = 'academicSessions.csv';
const UUID_RE = '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$';
type Tx = Transaction<Tables>;
type ProblemRow = { line: number; reason: string; column?: string };

async function report(tx: Tx, problems: CsvProblems, column: string, query: RawBuilder<ProblemRow>): Promise<void> {
  const rows = await query.execute(tx);
  for (const r of rows.rows) problems.add({ file: FILE, line: r.line, column: r.column ?? column, reason: r.reason });
}

export async function checkDuplicates(tx: Tx, problems: CsvProblems): Promise<void> {
  await report(tx, problems, 'sourcedId', sql<ProblemRow>`
    SELECT line, 'sourcedId ''' || sourced_id || ''' is already on line ' || first || '.' AS reason
    FROM (SELECT line, sourced_id, min(line) OVER (PARTITION BY sourced_id) AS first FROM oneroster_rows) d
    WHERE line > first ORDER BY line`);
}

/** The tenant's orgs by every sourcedId they answer to; school_org_id null for the district. */
async function stageOrgs(tx: Tx, tenantId: string): Promise<void> {
  const directory = await OrgDirectory.load(tx, tenantId);
  const pairs = directory.orgs
    .filter((o) => o.status === 'active')
    .flatMap((o) => [...new Set([orgSourcedId(o), o.id])].map((sid) => sql`(${sid}, ${o.kind === 'school' ? o.id : null}::uuid)`));
  await sql`CREATE TEMP TABLE oneroster_import_orgs (sourced_id text PRIMARY KEY, school_org_id uuid) ON COMMIT DROP`.execute(tx);
  await sql`INSERT INTO oneroster_import_orgs VALUES ${sql.join(pairs)} ON CONFLICT DO NOTHING`.execute(tx);
}

/** Builds oneroster_import (the staged rows with their resolved ids) in a single statement. */
export async function resolveStaged(tx: Tx, tenantId: string, mode: FileMode, hasOrgColumn: boolean): Promise<void> {
  await stageOrgs(tx, tenantId);
  const storeParent = mode === 'delta'
    ? sql`coalesce(
        (SELECT x.session_id FROM session_identifiers x WHERE x.tenant_id = ${tenantId} AND x.system = 'oneroster' AND x.value = c.parent_sourced_id),
        (SELECT s.id FROM sessions s WHERE s.tenant_id = ${tenantId} AND s.id = CASE WHEN c.parent_sourced_id ~ ${UUID_RE} THEN c.parent_sourced_id::uuid END))`
    : sql`NULL::uuid`;
  await sql`CREATE TEMP TABLE oneroster_import ON COMMIT DROP AS
    WITH found AS (
      SELECT r.*, coalesce(si.session_id, su.id) AS existing_id, ex.school_org_id AS existing_org, o.sourced_id IS NOT NULL AS org_found, o.school_org_id AS file_org
      FROM oneroster_rows r
      LEFT JOIN session_identifiers si ON si.tenant_id = ${tenantId} AND si.system = 'oneroster' AND si.value = r.sourced_id
      LEFT JOIN sessions su ON si.session_id IS NULL AND su.tenant_id = ${tenantId}
        AND su.id = CASE WHEN r.sourced_id ~ ${UUID_RE} THEN r.sourced_id::uuid END
        AND NOT EXISTS (SELECT 1 FROM session_identifiers x WHERE x.tenant_id = su.tenant_id AND x.session_id = su.id AND x.system = 'oneroster')
      LEFT JOIN sessions ex ON ex.tenant_id = ${tenantId} AND ex.id = coalesce(si.session_id, su.id)
      LEFT JOIN oneroster_import_orgs o ON o.sourced_id = r.org_sourced_id),
    ids AS (
      SELECT f.*, f.existing_id IS NULL AS is_new, coalesce(f.existing_id, CASE
          WHEN f.sourced_id ~ ${UUID_RE} AND NOT EXISTS (SELECT 1 FROM sessions s WHERE s.tenant_id = ${tenantId} AND s.id = f.sourced_id::uuid)
          THEN f.sourced_id::uuid ELSE gen_random_uuid() END) AS session_id,
        CASE WHEN ${hasOrgColumn} THEN f.file_org ELSE f.existing_org END AS school_org_id,
        coalesce((SELECT (s.properties->>'canvasDefaultTerm')::boolean FROM sessions s WHERE s.tenant_id = ${tenantId} AND s.id = f.existing_id), false) AS is_default_term
      FROM found f)
    SELECT c.line, c.sourced_id, c.status, c.title, c.type, c.begin_date, c.end_date, c.parent_sourced_id, c.school_year, c.org_sourced_id,
      c.term_descriptor, c.grading_period_descriptor, c.period_sequence, c.total_instructional_days, c.extra,
      c.session_id, c.is_new, c.school_org_id, c.org_found, c.is_default_term,
      CASE WHEN c.parent_sourced_id IS NULL THEN NULL ELSE coalesce(p.session_id, ${storeParent}) END AS parent_id
    FROM ids c LEFT JOIN (SELECT DISTINCT ON (sourced_id) sourced_id, session_id FROM ids ORDER BY sourced_id, line) p ON p.sourced_id = c.parent_sourced_id`.execute(tx);
  // Parents, cycles and the writes all look rows up by session id.
  await sql`CREATE INDEX ON oneroster_import (session_id)`.execute(tx);
  // The update pass pages through changed rows by line.
  await sql`CREATE INDEX ON oneroster_import (line)`.execute(tx);
  await sql`ANALYZE oneroster_import`.execute(tx);
}

export async function checkResolved(tx: Tx, tenantId: string, mode: FileMode, problems: CsvProblems): Promise<void> {
  await report(tx, problems, 'sourcedId', sql<ProblemRow>`
    SELECT line, '''' || sourced_id || ''' is Canvas''s Default Term, which OneRoster does not change.' AS reason
    FROM oneroster_import WHERE is_default_term ORDER BY line`);
  await report(tx, problems, 'metadata.orgSourcedId', sql<ProblemRow>`
    SELECT line, 'no org has sourcedId ''' || org_sourced_id || ''' (in orgs.csv or already stored).' AS reason
    FROM oneroster_import WHERE org_sourced_id IS NOT NULL AND NOT org_found ORDER BY line`);
  await report(tx, problems, 'parentSourcedId', sql<ProblemRow>`
    SELECT line, 'no academic session has sourcedId ''' || parent_sourced_id || ''' in this file' ||
      ${mode === 'bulk' ? ' (a bulk file must hold every parent).' : ' or the store.'} AS reason
    FROM oneroster_import WHERE parent_sourced_id IS NOT NULL AND parent_id IS NULL ORDER BY line`);
  // Dates within the parent's, wherever the parent is (the file's row wins over the stored one).
  await report(tx, problems, 'dates', sql<ProblemRow>`
    SELECT c.line, CASE WHEN c.begin_date < p.begin_date
        THEN 'startDate ' || c.begin_date || ' is before the startDate ' || p.begin_date || ' of its parent ''' || c.parent_sourced_id || '''.'
        ELSE 'endDate ' || (c.end_date + 1) || ' is after the endDate ' || (p.end_date + 1) || ' of its parent ''' || c.parent_sourced_id || '''.' END AS reason,
      CASE WHEN c.begin_date < p.begin_date THEN 'startDate' ELSE 'endDate' END AS column
    FROM oneroster_import c
    LEFT JOIN oneroster_import f ON f.session_id = c.parent_id
    LEFT JOIN sessions s ON f.session_id IS NULL AND s.tenant_id = ${tenantId} AND s.id = c.parent_id
    CROSS JOIN LATERAL (SELECT coalesce(f.begin_date, s.begin_date) AS begin_date, coalesce(f.end_date, s.end_date) AS end_date) p
    WHERE c.parent_id IS NOT NULL AND (c.begin_date < p.begin_date OR c.end_date > p.end_date) ORDER BY c.line`);
  // A cycle needs every member to have its parent's exact dates, so only those rows are walked.
  await report(tx, problems, 'parentSourcedId', sql<ProblemRow>`
    WITH RECURSIVE same AS (
      SELECT c.line, c.session_id, c.parent_id FROM oneroster_import c JOIN oneroster_import p ON p.session_id = c.parent_id
      WHERE c.begin_date = p.begin_date AND c.end_date = p.end_date),
    walk(line, start, cur, depth) AS (
      SELECT line, session_id, parent_id, 1 FROM same
      UNION ALL SELECT w.line, w.start, s.parent_id, w.depth + 1 FROM walk w JOIN same s ON s.session_id = w.cur WHERE w.depth < 64 AND w.cur <> w.start)
    SELECT DISTINCT line, 'the parents form a cycle back to this session.' AS reason FROM walk WHERE cur = start ORDER BY line`);
  await checkNaturalKeys(tx, tenantId, mode, problems);
}

/** Ed-Fi's identity: one active session per (school, school year, title) and per grading period key. */
async function checkNaturalKeys(tx: Tx, tenantId: string, mode: FileMode, problems: CsvProblems): Promise<void> {
  await report(tx, problems, 'title', sql<ProblemRow>`
    SELECT st.line, 'another active session of the same school and schoolYear is already titled ''' || st.title || ''' (line ' || d.first || ').' AS reason
    FROM oneroster_import st JOIN (
      SELECT school_org_id, school_year, title, type = 'gradingPeriod' AS gp, coalesce(grading_period_descriptor, '') AS gpd, min(line) AS first
      FROM oneroster_import WHERE status = 'active' AND school_org_id IS NOT NULL
      GROUP BY 1, 2, 3, 4, 5 HAVING count(*) > 1) d
      ON d.school_org_id = st.school_org_id AND d.school_year = st.school_year AND d.title = st.title
        AND d.gp = (st.type = 'gradingPeriod') AND d.gpd = coalesce(st.grading_period_descriptor, '')
    WHERE st.status = 'active' AND st.line > d.first AND (NOT d.gp OR d.gpd <> '') ORDER BY st.line`);
  // Stored sessions this import leaves active: in a delta file every one it does not mention;
  // in a bulk file only the ones OneRoster cannot see (undated), as the rest become tobedeleted.
  await report(tx, problems, 'title', sql<ProblemRow>`
    SELECT st.line, 'an active session of the same school and schoolYear not in this file is already titled ''' || st.title || '''.' AS reason
    FROM sessions s JOIN oneroster_import st ON s.school_org_id = st.school_org_id AND s.school_year = st.school_year AND s.name = st.title
      AND (s.type = 'gradingPeriod') = (st.type = 'gradingPeriod')
      AND (st.type <> 'gradingPeriod' OR s.grading_period_descriptor = st.grading_period_descriptor)
    WHERE s.tenant_id = ${tenantId} AND s.status = 'active' AND s.school_org_id IS NOT NULL
      AND (${mode === 'delta'} OR s.begin_date IS NULL OR s.end_date IS NULL)
      AND st.status = 'active' AND s.id <> st.session_id
      AND NOT EXISTS (SELECT 1 FROM oneroster_import o WHERE o.session_id = s.id)
    ORDER BY st.line`);
}
