// The import's scratch table: every valid academicSessions.csv row, staged in the import's
// transaction (a temporary table dropped at commit), so a million rows are checked and written
// with set-based SQL instead of being held in memory.
import { sql, type Transaction } from 'kysely';
import type { Tables } from '../../../store/schema.ts';
import type { SessionRecord } from './academic-session-rows.ts';

export const STAGING = sql.table('oneroster_import');
export const BATCH_ROWS = 1000;

export async function createStaging(tx: Transaction<Tables>): Promise<void> {
  await sql`CREATE TEMP TABLE oneroster_import (
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
    extra jsonb,
    session_id uuid,
    is_new boolean NOT NULL DEFAULT false,
    parent_id uuid,
    school_org_id uuid
  ) ON COMMIT DROP`.execute(tx);
}

export async function stageRows(tx: Transaction<Tables>, rows: SessionRecord[]): Promise<void> {
  if (rows.length === 0) return;
  const values = rows.map(
    (r) => sql`(${r.line}, ${r.sourcedId}, ${r.status}, ${r.name}, ${r.type}, ${r.beginDate}::date, ${r.endDate}::date, ${r.parentSourcedId},
      ${r.schoolYear}, ${r.orgSourcedId ?? null}, ${r.termDescriptor ?? null}, ${r.gradingPeriodDescriptor ?? null}, ${r.periodSequence ?? null}::integer,
      ${r.totalInstructionalDays ?? null}::integer, ${r.extra === undefined ? null : JSON.stringify(r.extra)}::jsonb)`,
  );
  await sql`INSERT INTO oneroster_import (line, sourced_id, status, title, type, begin_date, end_date, parent_sourced_id, school_year,
    org_sourced_id, term_descriptor, grading_period_descriptor, period_sequence, total_instructional_days, extra) VALUES ${sql.join(values)}`.execute(tx);
}

export async function indexStaging(tx: Transaction<Tables>): Promise<void> {
  await sql`CREATE INDEX ON oneroster_import (sourced_id)`.execute(tx);
  await sql`ANALYZE oneroster_import`.execute(tx);
}
