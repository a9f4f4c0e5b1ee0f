// The import's scratch tables: every valid academicSessions.csv row is staged in oneroster_rows
// (a temporary table dropped at commit), so a million rows are checked and written with
// set-based SQL instead of being held in memory; staged-checks.ts resolves them, in one pass,
// into oneroster_import.
import { sql, type Transaction } from 'kysely';
import type { Tables } from '../../../store/schema.ts';
import type { SessionRecord } from './academic-session-rows.ts';

export const BATCH_ROWS = 5000;

export async function createStaging(tx: Transaction<Tables>): Promise<void> {
  await sql`CREATE TEMP TABLE oneroster_rows (
    line integer PRIMARY KEY,
    sourced_id text NOT NULL,
    status text NOT NULL,
    title text NOT NULL,
    type text NOT NULL,
    begin_date date NOT NULL,
    end_date date NOT NULL,
    parent_sourced_id text,
    school_year integer NOT NULL,
    org_sourced_id text,
    term_descriptor text,
    grading_period_descriptor text,
    period_sequence integer,
    total_instructional_days integer,
    extra jsonb
  ) ON COMMIT DROP`.execute(tx);
}

/** One INSERT per batch with one array parameter per column (unnest), not one parameter per cell. */
export async function stageRows(tx: Transaction<Tables>, rows: SessionRecord[]): Promise<void> {
  if (rows.length === 0) return;
  const col = <T>(f: (r: SessionRecord) => T) => rows.map(f);
  await sql`INSERT INTO oneroster_rows (line, sourced_id, status, title, type, begin_date, end_date, parent_sourced_id, school_year,
      org_sourced_id, term_descriptor, grading_period_descriptor, period_sequence, total_instructional_days, extra)
    SELECT * FROM unnest(${col((r) => r.line)}::integer[], ${col((r) => r.sourcedId)}::text[], ${col((r) => r.status)}::text[],
      ${col((r) => r.name)}::text[], ${col((r) => r.type)}::text[], ${col((r) => r.beginDate)}::date[], ${col((r) => r.endDate)}::date[],
      ${col((r) => r.parentSourcedId)}::text[], ${col((r) => r.schoolYear)}::integer[], ${col((r) => r.orgSourcedId ?? null)}::text[],
      ${col((r) => r.termDescriptor ?? null)}::text[], ${col((r) => r.gradingPeriodDescriptor ?? null)}::text[],
      ${col((r) => r.periodSequence ?? null)}::integer[], ${col((r) => r.totalInstructionalDays ?? null)}::integer[],
      ${col((r) => (r.extra === undefined ? null : JSON.stringify(r.extra)))}::jsonb[])`.execute(tx);
}

export async function indexStaging(tx: Transaction<Tables>): Promise<void> {
  await sql`ANALYZE oneroster_rows`.execute(tx);
}
