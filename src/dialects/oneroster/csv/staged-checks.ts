// The checks that need the whole file (and the store): duplicate sourcedIds, which stored session
// each row is, orgs, parents (in the file or, for delta, the store), dates within the parent,
// parent cycles, and Ed-Fi's unique (org, school year, title). Each returns the problems found.
import { sql, type RawBuilder, type Transaction } from 'kysely';
import type { Tables } from '../../../store/schema.ts';
import { OrgDirectory, orgSourcedId } from '../org-directory.ts';
import type { CsvProblems } from './csv-problem.ts';
import type { FileMode } from './manifest.ts';

const FILE = 'academicSessions.csv';
const UUID_RE = '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$';
type Tx = Transaction<Tables>;
type ProblemRow = { line: number; reason: string };

async function report(tx: Tx, problems: CsvProblems, column: string, query: RawBuilder<ProblemRow>): Promise<void> {
  const rows = await query.execute(tx);
  for (const r of rows.rows) problems.add({ file: FILE, line: r.line, column, reason: r.reason });
}

export async function checkDuplicates(tx: Tx, problems: CsvProblems): Promise<void> {
  await report(tx, problems, 'sourcedId', sql<ProblemRow>`
    SELECT line, 'sourcedId ''' || sourced_id || ''' is already on line ' || first || '.' AS reason
    FROM (SELECT line, sourced_id, min(line) OVER (PARTITION BY sourced_id) AS first FROM oneroster_import) d
    WHERE line > first ORDER BY line`);
}

/** Which stored session each row is: its oneroster identifier, else its uuid; new rows get ids. */
export async function resolveSessions(tx: Tx, tenantId: string, problems: CsvProblems): Promise<void> {
  await sql`UPDATE oneroster_import st SET session_id = si.session_id FROM session_identifiers si
    WHERE si.tenant_id = ${tenantId} AND si.system = 'oneroster' AND si.value = st.sourced_id`.execute(tx);
  await sql`UPDATE oneroster_import st SET session_id = s.id FROM sessions s
    WHERE st.session_id IS NULL AND s.tenant_id = ${tenantId}
      AND s.id = CASE WHEN st.sourced_id ~ ${UUID_RE} THEN st.sourced_id::uuid END
      AND NOT EXISTS (SELECT 1 FROM session_identifiers x WHERE x.tenant_id = s.tenant_id AND x.session_id = s.id AND x.system = 'oneroster')`.execute(tx);
  await report(tx, problems, 'sourcedId', sql<ProblemRow>`
    SELECT st.line, '''' || st.sourced_id || ''' is Canvas''s Default Term, which OneRoster does not change.' AS reason
    FROM oneroster_import st JOIN sessions s ON s.tenant_id = ${tenantId} AND s.id = st.session_id
    WHERE coalesce((s.properties->>'canvasDefaultTerm')::boolean, false) ORDER BY st.line`);
  await sql`UPDATE oneroster_import st SET is_new = true, session_id = CASE
      WHEN st.sourced_id ~ ${UUID_RE} AND NOT EXISTS (SELECT 1 FROM sessions s WHERE s.tenant_id = ${tenantId} AND s.id = st.sourced_id::uuid)
      THEN st.sourced_id::uuid ELSE gen_random_uuid() END
    WHERE st.session_id IS NULL`.execute(tx);
}

/** Org per row: the metadata.orgSourcedId column when the file has it, else what is stored (new: district). */
export async function resolveOrgs(tx: Tx, tenantId: string, hasOrgColumn: boolean, problems: CsvProblems): Promise<void> {
  if (!hasOrgColumn) {
    await sql`UPDATE oneroster_import st SET school_org_id = s.school_org_id FROM sessions s WHERE s.tenant_id = ${tenantId} AND s.id = st.session_id`.execute(tx);
    return;
  }
  const directory = await OrgDirectory.load(tx, tenantId);
  const pairs = directory.orgs
    .filter((o) => o.status === 'active')
    .flatMap((o) => [...new Set([orgSourcedId(o), o.id])].map((sid) => sql`(${sid}, ${o.kind === 'school' ? o.id : null}::uuid)`));
  await sql`CREATE TEMP TABLE oneroster_import_orgs (sourced_id text PRIMARY KEY, school_org_id uuid) ON COMMIT DROP`.execute(tx);
  await sql`INSERT INTO oneroster_import_orgs VALUES ${sql.join(pairs)} ON CONFLICT DO NOTHING`.execute(tx);
  await sql`UPDATE oneroster_import st SET school_org_id = o.school_org_id FROM oneroster_import_orgs o WHERE o.sourced_id = st.org_sourced_id`.execute(tx);
  const rows = await sql<ProblemRow>`SELECT line, 'no org has sourcedId ''' || org_sourced_id || ''' (in orgs.csv or already stored).' AS reason
    FROM oneroster_import st WHERE org_sourced_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM oneroster_import_orgs o WHERE o.sourced_id = st.org_sourced_id)
    ORDER BY line`.execute(tx);
  for (const r of rows.rows) problems.add({ file: FILE, line: r.line, column: 'metadata.orgSourcedId', reason: r.reason });
}

/** Parents: another row of the file; for a delta file also a stored session. */
export async function resolveParents(tx: Tx, tenantId: string, mode: FileMode, problems: CsvProblems): Promise<void> {
  await sql`UPDATE oneroster_import c SET parent_id = p.session_id FROM oneroster_import p WHERE c.parent_sourced_id = p.sourced_id`.execute(tx);
  if (mode === 'delta') {
    await sql`UPDATE oneroster_import c SET parent_id = coalesce(
        (SELECT si.session_id FROM session_identifiers si WHERE si.tenant_id = ${tenantId} AND si.system = 'oneroster' AND si.value = c.parent_sourced_id),
        (SELECT s.id FROM sessions s WHERE s.tenant_id = ${tenantId} AND s.id = CASE WHEN c.parent_sourced_id ~ ${UUID_RE} THEN c.parent_sourced_id::uuid END))
      WHERE c.parent_id IS NULL AND c.parent_sourced_id IS NOT NULL`.execute(tx);
  }
  await report(tx, problems, 'parentSourcedId', sql<ProblemRow>`
    SELECT line, 'no academic session has sourcedId ''' || parent_sourced_id || ''' in this file' ||
      ${mode === 'bulk' ? ' (a bulk file must hold every parent).' : ' or the store.'} AS reason
    FROM oneroster_import WHERE parent_sourced_id IS NOT NULL AND parent_id IS NULL ORDER BY line`);
  // Dates within the parent's, wherever the parent is (the file's row wins over the stored one).
  await report(tx, problems, 'startDate', sql<ProblemRow>`
    SELECT c.line, 'startDate ' || c.begin_date || ' is before the startDate ' || p.begin_date || ' of its parent ''' || c.parent_sourced_id || '''.' AS reason
    FROM oneroster_import c JOIN LATERAL (
      SELECT coalesce(f.begin_date, s.begin_date) AS begin_date FROM (SELECT 1) one
      LEFT JOIN oneroster_import f ON f.session_id = c.parent_id
      LEFT JOIN sessions s ON s.tenant_id = ${tenantId} AND s.id = c.parent_id) p ON true
    WHERE c.parent_id IS NOT NULL AND c.begin_date < p.begin_date ORDER BY c.line`);
  await report(tx, problems, 'endDate', sql<ProblemRow>`
    SELECT c.line, 'endDate ' || (c.end_date + 1) || ' is after the endDate ' || (p.end_date + 1) || ' of its parent ''' || c.parent_sourced_id || '''.' AS reason
    FROM oneroster_import c JOIN LATERAL (
      SELECT coalesce(f.end_date, s.end_date) AS end_date FROM (SELECT 1) one
      LEFT JOIN oneroster_import f ON f.session_id = c.parent_id
      LEFT JOIN sessions s ON s.tenant_id = ${tenantId} AND s.id = c.parent_id) p ON true
    WHERE c.parent_id IS NOT NULL AND c.end_date > p.end_date ORDER BY c.line`);
  // A cycle needs every member to have its parent's exact dates, so only those rows are walked.
  await report(tx, problems, 'parentSourcedId', sql<ProblemRow>`
    WITH RECURSIVE same AS (
      SELECT c.line, c.session_id, c.parent_id FROM oneroster_import c JOIN oneroster_import p ON p.session_id = c.parent_id
      WHERE c.begin_date = p.begin_date AND c.end_date = p.end_date),
    walk(line, start, cur, depth) AS (
      SELECT line, session_id, parent_id, 1 FROM same
      UNION ALL SELECT w.line, w.start, s.parent_id, w.depth + 1 FROM walk w JOIN same s ON s.session_id = w.cur WHERE w.depth < 64 AND w.cur <> w.start)
    SELECT DISTINCT line, 'the parents form a cycle back to this session.' AS reason FROM walk WHERE cur = start ORDER BY line`);
}

/** Ed-Fi's identity: one active session per (school, school year, title) and per grading period key. */
export async function checkNaturalKeys(tx: Tx, tenantId: string, mode: FileMode, problems: CsvProblems): Promise<void> {
  await report(tx, problems, 'title', sql<ProblemRow>`
    SELECT line, 'another active session of the same school and schoolYear is already titled ''' || title || ''' (line ' || first || ').' AS reason FROM (
      SELECT line, title, min(line) OVER (PARTITION BY school_org_id, school_year, title, CASE WHEN type = 'gradingPeriod' THEN coalesce(grading_period_descriptor, sourced_id) ELSE '' END) AS first
      FROM oneroster_import WHERE status = 'active' AND school_org_id IS NOT NULL) d
    WHERE line > first ORDER BY line`);
  // Stored sessions this import leaves active: in a delta file every one it does not mention;
  // in a bulk file only the ones OneRoster cannot see (undated), as the rest become tobedeleted.
  await report(tx, problems, 'title', sql<ProblemRow>`
    SELECT st.line, 'an active session of the same school and schoolYear not in this file is already titled ''' || st.title || '''.' AS reason
    FROM oneroster_import st JOIN sessions s ON s.tenant_id = ${tenantId} AND s.school_org_id = st.school_org_id AND s.school_year = st.school_year
      AND s.name = st.title AND s.status = 'active' AND (s.type = 'gradingPeriod') = (st.type = 'gradingPeriod')
      AND (st.type <> 'gradingPeriod' OR s.grading_period_descriptor = st.grading_period_descriptor)
    WHERE st.status = 'active' AND s.id <> st.session_id
      AND NOT EXISTS (SELECT 1 FROM oneroster_import o WHERE o.session_id = s.id)
      AND (${mode === 'delta'} OR s.begin_date IS NULL OR s.end_date IS NULL)
    ORDER BY st.line`);
}
