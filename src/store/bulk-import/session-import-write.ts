// Writes a checked import: (bulk) stored sessions missing from the file are deleted, new rows are
// inserted set-based (parents and children in one statement, so row order does not matter), and
// changed rows go through SessionRepository.update so key changes and tombstones are logged as
// for any other write. Unchanged rows keep their change version.
import { sql, type Transaction } from 'kysely';
import type { SessionInput, SessionStatus, SessionType } from '../../domain/session.ts';
import type { Tables } from '../schema.ts';
import { SessionRepository } from '../session-repository.ts';
import type { ImportScope } from './session-import-rows.ts';

type Tx = Transaction<Tables>;

export interface SessionImportCounts {
  created: number;
  updated: number;
  unchanged: number;
  deleted: number;
  reactivated: number;
}

/** Which optional columns the file had: absent ones keep what is stored. */
export interface ColumnsPresent {
  termDescriptor: boolean;
  gradingPeriodDescriptor: boolean;
  periodSequence: boolean;
  totalInstructionalDays: boolean;
  extra: boolean;
}

export interface SessionImportWrite {
  scope: ImportScope;
  /** The identifier system of the file's ids (session_identifiers.system). */
  system: string;
  present: ColumnsPresent;
  /** The properties key the rows' extra metadata is kept under. */
  extraKey: string;
}

const UPDATE_PAGE = 500;

export async function writeSessionImport(tx: Tx, tenantId: string, w: SessionImportWrite): Promise<SessionImportCounts> {
  const repo = new SessionRepository(tx);
  const counts: SessionImportCounts = { created: 0, updated: 0, unchanged: 0, deleted: 0, reactivated: 0 };
  const { present, extraKey } = w;

  if (w.scope === 'bulk') {
    const missing = await sql<{ id: string }>`SELECT s.id FROM sessions s WHERE s.tenant_id = ${tenantId} AND s.status = 'active'
      AND s.begin_date IS NOT NULL AND s.end_date IS NOT NULL AND NOT coalesce((s.properties->>'canvasDefaultTerm')::boolean, false)
      AND NOT EXISTS (SELECT 1 FROM session_import st WHERE st.session_id = s.id)`.execute(tx);
    for (const { id } of missing.rows) await repo.markDeleted(tenantId, id);
    counts.deleted += missing.rows.length;
  }

  const n = Number((await sql<{ n: string }>`SELECT count(*) AS n FROM session_import WHERE is_new`.execute(tx)).rows[0]!.n);
  if (n > 0) {
    const last = Number((await sql<{ last: string }>`UPDATE tenants SET canvas_term_seq = canvas_term_seq + ${n} WHERE tenant_id = ${tenantId} RETURNING canvas_term_seq AS last`.execute(tx)).rows[0]!.last);
    await sql`INSERT INTO sessions (tenant_id, id, school_org_id, school_year, name, type, begin_date, end_date, parent_id, status,
        term_descriptor, grading_period_descriptor, period_sequence, total_instructional_days, properties, canvas_id)
      SELECT ${tenantId}, session_id, school_org_id, school_year, name, type, begin_date, end_date, parent_id, status,
        term_descriptor, grading_period_descriptor, period_sequence, total_instructional_days,
        CASE WHEN extra IS NULL OR extra = '{}'::jsonb THEN '{}'::jsonb ELSE jsonb_build_object(${extraKey}::text, extra) END,
        ${last - n} + new_seq
      FROM session_import WHERE is_new`.execute(tx);
    await sql`INSERT INTO session_identifiers (tenant_id, system, value, session_id)
      SELECT ${tenantId}, ${w.system}, external_id, session_id FROM session_import WHERE is_new AND external_id <> session_id::text`.execute(tx);
    counts.created = n;
  }

  const existing = Number((await sql<{ n: string }>`SELECT count(*) AS n FROM session_import WHERE NOT is_new`.execute(tx)).rows[0]!.n);
  let afterLine = 0;
  for (;;) {
    const rows = await sql<StagedChange>`SELECT st.line, st.session_id, st.status, st.name, st.type, st.begin_date, st.end_date, st.school_year,
        st.parent_id, st.school_org_id, st.term_descriptor, st.grading_period_descriptor, st.period_sequence, st.total_instructional_days, st.extra
      FROM session_import st JOIN sessions s ON s.tenant_id = ${tenantId} AND s.id = st.session_id
      WHERE NOT st.is_new AND st.line > ${afterLine} AND (
        (s.name, s.type, s.begin_date, s.end_date, s.school_year, s.parent_id, s.school_org_id, s.status)
          IS DISTINCT FROM (st.name, st.type, st.begin_date, st.end_date, st.school_year, st.parent_id, st.school_org_id, st.status)
        OR (${present.termDescriptor} AND s.term_descriptor IS DISTINCT FROM st.term_descriptor)
        OR (${present.gradingPeriodDescriptor} AND s.grading_period_descriptor IS DISTINCT FROM st.grading_period_descriptor)
        OR (${present.periodSequence} AND s.period_sequence IS DISTINCT FROM st.period_sequence)
        OR (${present.totalInstructionalDays} AND s.total_instructional_days IS DISTINCT FROM st.total_instructional_days)
        OR (${present.extra} AND coalesce(s.properties->${extraKey}::text, '{}'::jsonb) IS DISTINCT FROM coalesce(st.extra, '{}'::jsonb)))
      ORDER BY st.line LIMIT ${UPDATE_PAGE}`.execute(tx);
    if (rows.rows.length === 0) break;
    for (const r of rows.rows) {
      const before = (await repo.get(tenantId, r.session_id))!;
      const properties = { ...before.properties };
      if (present.extra) {
        if (r.extra && Object.keys(r.extra).length > 0) properties[extraKey] = r.extra;
        else delete properties[extraKey];
      }
      const input: SessionInput = {
        schoolOrgId: r.school_org_id,
        schoolYear: r.school_year,
        name: r.name,
        type: r.type as SessionType,
        beginDate: r.begin_date,
        endDate: r.end_date,
        parentId: r.parent_id,
        status: r.status,
        termDescriptor: present.termDescriptor ? r.term_descriptor : before.termDescriptor,
        gradingPeriodDescriptor: present.gradingPeriodDescriptor ? r.grading_period_descriptor : before.gradingPeriodDescriptor,
        periodSequence: present.periodSequence ? r.period_sequence : before.periodSequence,
        totalInstructionalDays: present.totalInstructionalDays ? r.total_instructional_days : before.totalInstructionalDays,
        properties,
      };
      await repo.update(tenantId, r.session_id, input);
      if (before.status === 'deleted' && r.status === 'active') counts.reactivated++;
      else if (before.status === 'active' && r.status === 'deleted') counts.deleted++;
      else counts.updated++;
    }
    afterLine = rows.rows.at(-1)!.line;
  }
  // Ed-Fi reads a grading period's place through its session's gradingPeriods references. The
  // parent's type comes from the file when the parent is in it, else from the store.
  await sql`INSERT INTO session_grading_periods (tenant_id, session_id, grading_period_id)
    SELECT ${tenantId}, st.parent_id, st.session_id FROM session_import st
      LEFT JOIN session_import f ON f.session_id = st.parent_id
      LEFT JOIN sessions p ON f.session_id IS NULL AND p.tenant_id = ${tenantId} AND p.id = st.parent_id
    WHERE st.type = 'gradingPeriod' AND st.parent_id IS NOT NULL AND coalesce(f.type, p.type) <> 'gradingPeriod'
    ORDER BY st.line
    ON CONFLICT DO NOTHING`.execute(tx);
  counts.unchanged = existing - counts.updated - counts.reactivated - (w.scope === 'delta' ? counts.deleted : 0);
  return counts;
}

interface StagedChange {
  line: number;
  session_id: string;
  status: SessionStatus;
  name: string;
  type: string;
  begin_date: string;
  end_date: string;
  school_year: number;
  parent_id: string | null;
  school_org_id: string | null;
  term_descriptor: string | null;
  grading_period_descriptor: string | null;
  period_sequence: number | null;
  total_instructional_days: number | null;
  extra: Record<string, unknown> | null;
}
