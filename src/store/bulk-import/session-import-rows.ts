// A bulk session import's scratch table: every row of the file, as the dialect read and checked
// it, is staged in session_import_rows (a temporary table dropped at commit), so a million rows
// are checked and written with set-based SQL instead of being held in memory.
import { sql, type Transaction } from 'kysely';
import type { SessionStatus, SessionType } from '../../domain/session.ts';
import type { Tables } from '../schema.ts';

type Tx = Transaction<Tables>;

/** bulk: the file is the whole set (stored sessions it lacks are deleted); delta: only changes. */
export type ImportScope = 'bulk' | 'delta';

/** One row of the file, checked by the dialect and in canonical values. */
export interface ImportedSessionRow {
  line: number;
  /** The row's id in the importing system: its session identifier, or the session's uuid. */
  externalId: string;
  status: SessionStatus;
  name: string;
  type: SessionType;
  beginDate: string;
  /** Canonical: the last day. */
  endDate: string;
  parentExternalId: string | null;
  schoolYear: number;
  /** The org as the importing system names it (see resolveSessionImport's orgs); null: district-wide. */
  orgKey: string | null;
  termDescriptor: string | null;
  gradingPeriodDescriptor: string | null;
  periodSequence: number | null;
  totalInstructionalDays: number | null;
  /** Metadata the store keeps under the caller's properties key; null: none. */
  extra: Record<string, unknown> | null;
}

/** Rows per staging statement: a million rows stage as fast in batches of 1,000 as of 5,000 or
 * 10,000 (102 s for the whole import either way), and the peak RSS is ~30 MiB lower. */
export const STAGE_BATCH_ROWS = 1_000;

export async function createSessionImportRows(tx: Tx): Promise<void> {
  // The checks and writes sort and hash a million rows; the default 4 MB spills them to disk.
  await sql`SET LOCAL work_mem = '64MB'`.execute(tx);
  // Their row estimates are far off before ANALYZE, and JIT-compiling a plan PostgreSQL thinks
  // expensive took ~1 s of every statement here (measured: resolving 200,000 rows 2.6 s -> 1.6 s).
  await sql`SET LOCAL jit = off`.execute(tx);
  await sql`CREATE TEMP TABLE session_import_rows (
    line integer NOT NULL,
    external_id text NOT NULL,
    external_uuid uuid,
    status text NOT NULL,
    name text NOT NULL,
    type text NOT NULL,
    begin_date date NOT NULL,
    end_date date NOT NULL,
    parent_external_id text,
    school_year integer NOT NULL,
    org_key text,
    term_descriptor text,
    grading_period_descriptor text,
    period_sequence integer,
    total_instructional_days integer,
    extra jsonb
  ) ON COMMIT DROP`.execute(tx);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * One INSERT per batch with one array parameter per column (unnest), not one parameter per cell.
 * external_uuid is the id when it has the form of a session's uuid (tested here, once, rather
 * than by a regular expression in every statement that joins on it).
 */
export async function stageSessionImportRows(tx: Tx, rows: readonly ImportedSessionRow[]): Promise<void> {
  if (rows.length === 0) return;
  const n = rows.length;
  const line = new Array<number>(n);
  const externalId = new Array<string>(n);
  const externalUuid = new Array<string | null>(n);
  const status = new Array<string>(n);
  const name = new Array<string>(n);
  const type = new Array<string>(n);
  const begin = new Array<string>(n);
  const end = new Array<string>(n);
  const parent = new Array<string | null>(n);
  const year = new Array<number>(n);
  const org = new Array<string | null>(n);
  const term = new Array<string | null>(n);
  const gradingPeriod = new Array<string | null>(n);
  const sequence = new Array<number | null>(n);
  const days = new Array<number | null>(n);
  const extra = new Array<string | null>(n);
  for (let i = 0; i < n; i++) {
    const r = rows[i]!;
    line[i] = r.line;
    externalId[i] = r.externalId;
    externalUuid[i] = UUID.test(r.externalId) ? r.externalId : null;
    status[i] = r.status;
    name[i] = r.name;
    type[i] = r.type;
    begin[i] = r.beginDate;
    end[i] = r.endDate;
    parent[i] = r.parentExternalId;
    year[i] = r.schoolYear;
    org[i] = r.orgKey;
    term[i] = r.termDescriptor;
    gradingPeriod[i] = r.gradingPeriodDescriptor;
    sequence[i] = r.periodSequence;
    days[i] = r.totalInstructionalDays;
    extra[i] = r.extra === null ? null : JSON.stringify(r.extra);
  }
  await sql`INSERT INTO session_import_rows
    SELECT * FROM unnest(${line}::integer[], ${externalId}::text[], ${externalUuid}::uuid[], ${status}::text[], ${name}::text[], ${type}::text[],
      ${begin}::date[], ${end}::date[], ${parent}::text[], ${year}::integer[], ${org}::text[], ${term}::text[],
      ${gradingPeriod}::text[], ${sequence}::integer[], ${days}::integer[], ${extra}::jsonb[])`.execute(tx);
}
