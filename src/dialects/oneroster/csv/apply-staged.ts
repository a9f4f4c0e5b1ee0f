// Writes the checked rows: (bulk) stored sessions missing from the file become tobedeleted,
// new rows are inserted set-based (parents and children in one statement, so row order does not
// matter), and changed rows go through SessionRepository.update so key changes and tombstones are
// logged as for any other write. Unchanged rows keep their dateLastModified.
import { sql, type Transaction } from 'kysely';
import type { SessionInput, SessionType } from '../../../domain/session.ts';
import type { Tables } from '../../../store/schema.ts';
import { SessionRepository } from '../../../store/session-repository.ts';
import { EXTRA_METADATA } from '../academic-session-wire.ts';
import type { FileMode } from './manifest.ts';

export interface SessionCounts {
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

type Tx = Transaction<Tables>;

export async function applyStaged(tx: Tx, tenantId: string, mode: FileMode, present: ColumnsPresent): Promise<SessionCounts> {
  const repo = new SessionRepository(tx);
  const counts: SessionCounts = { created: 0, updated: 0, unchanged: 0, deleted: 0, reactivated: 0 };

  if (mode === 'bulk') {
    const missing = await sql<{ id: string }>`SELECT s.id FROM sessions s WHERE s.tenant_id = ${tenantId} AND s.status = 'active'
      AND s.begin_date IS NOT NULL AND s.end_date IS NOT NULL AND NOT coalesce((s.properties->>'canvasDefaultTerm')::boolean, false)
      AND NOT EXISTS (SELECT 1 FROM oneroster_import st WHERE st.session_id = s.id)`.execute(tx);
    for (const { id } of missing.rows) await repo.markDeleted(tenantId, id);
    counts.deleted += missing.rows.length;
  }

  const n = Number((await sql<{ n: string }>`SELECT count(*) AS n FROM oneroster_import WHERE is_new`.execute(tx)).rows[0]!.n);
  if (n > 0) {
    const last = Number((await sql<{ last: string }>`UPDATE tenants SET canvas_term_seq = canvas_term_seq + ${n} WHERE tenant_id = ${tenantId} RETURNING canvas_term_seq AS last`.execute(tx)).rows[0]!.last);
    await sql`INSERT INTO sessions (tenant_id, id, school_org_id, school_year, name, type, begin_date, end_date, parent_id, status,
        term_descriptor, grading_period_descriptor, period_sequence, total_instructional_days, properties, canvas_id)
      SELECT ${tenantId}, session_id, school_org_id, school_year, title, type, begin_date, end_date, parent_id,
        CASE status WHEN 'deleted' THEN 'deleted' ELSE 'active' END,
        term_descriptor, grading_period_descriptor, period_sequence, total_instructional_days,
        CASE WHEN extra IS NULL OR extra = '{}'::jsonb THEN '{}'::jsonb ELSE jsonb_build_object(${EXTRA_METADATA}::text, extra) END,
        ${last - n} + row_number() OVER (ORDER BY line)
      FROM oneroster_import WHERE is_new`.execute(tx);
    await sql`INSERT INTO session_identifiers (tenant_id, system, value, session_id)
      SELECT ${tenantId}, 'oneroster', sourced_id, session_id FROM oneroster_import WHERE is_new AND sourced_id <> session_id::text`.execute(tx);
    counts.created = n;
  }

  const existing = Number((await sql<{ n: string }>`SELECT count(*) AS n FROM oneroster_import WHERE NOT is_new`.execute(tx)).rows[0]!.n);
  let afterLine = 0;
  for (;;) {
    const rows = await sql<StagedChange>`SELECT st.line, st.session_id, st.status, st.title, st.type, st.begin_date, st.end_date, st.school_year,
        st.parent_id, st.school_org_id, st.term_descriptor, st.grading_period_descriptor, st.period_sequence, st.total_instructional_days, st.extra
      FROM oneroster_import st JOIN sessions s ON s.tenant_id = ${tenantId} AND s.id = st.session_id
      WHERE NOT st.is_new AND st.line > ${afterLine} AND (
        (s.name, s.type, s.begin_date, s.end_date, s.school_year, s.parent_id, s.school_org_id, s.status)
          IS DISTINCT FROM (st.title, st.type, st.begin_date, st.end_date, st.school_year, st.parent_id, st.school_org_id, st.status)
        OR (${present.termDescriptor} AND s.term_descriptor IS DISTINCT FROM st.term_descriptor)
        OR (${present.gradingPeriodDescriptor} AND s.grading_period_descriptor IS DISTINCT FROM st.grading_period_descriptor)
        OR (${present.periodSequence} AND s.period_sequence IS DISTINCT FROM st.period_sequence)
        OR (${present.totalInstructionalDays} AND s.total_instructional_days IS DISTINCT FROM st.total_instructional_days)
        OR (${present.extra} AND coalesce(s.properties->${EXTRA_METADATA}::text, '{}'::jsonb) IS DISTINCT FROM coalesce(st.extra, '{}'::jsonb)))
      ORDER BY st.line LIMIT 500`.execute(tx);
    if (rows.rows.length === 0) break;
    for (const r of rows.rows) {
      const before = (await repo.get(tenantId, r.session_id))!;
      const properties = { ...before.properties };
      if (present.extra) {
        if (r.extra && Object.keys(r.extra).length > 0) properties[EXTRA_METADATA] = r.extra;
        else delete properties[EXTRA_METADATA];
      }
      const input: SessionInput = {
        schoolOrgId: r.school_org_id,
        schoolYear: r.school_year,
        name: r.title,
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
  // Ed-Fi reads a grading period's place through its session's gradingPeriods references.
  await sql`INSERT INTO session_grading_periods (tenant_id, session_id, grading_period_id)
    SELECT ${tenantId}, st.parent_id, st.session_id FROM oneroster_import st JOIN sessions p ON p.tenant_id = ${tenantId} AND p.id = st.parent_id
    WHERE st.type = 'gradingPeriod' AND p.type <> 'gradingPeriod'
    ON CONFLICT DO NOTHING`.execute(tx);
  counts.unchanged = existing - counts.updated - counts.reactivated - (mode === 'delta' ? counts.deleted : 0);
  return counts;
}

interface StagedChange {
  line: number;
  session_id: string;
  status: 'active' | 'deleted';
  title: string;
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
