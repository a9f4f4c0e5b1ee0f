// A stored session as a Canvas EnrollmentTerm object (lib/api/v1/enrollment_term.rb), keys in
// Canvas's order. The caller is an API client acting as an account admin with manage_sis, so
// sis_term_id and sis_import_id are always present.
import type { Session } from '../../domain/session.ts';
import { canvasPropertiesOf, ENROLLMENT_TYPES, termEndAt, termStartAt, type OverrideDates } from './term-properties.ts';
import { formatCanvasTime } from './wire-time.ts';

export interface EnrollmentTermJson {
  id: number | string;
  name: string;
  start_at: string | null;
  end_at: string | null;
  created_at: string;
  workflow_state: 'active' | 'deleted';
  grading_period_group_id: number | string | null;
  sis_term_id: string | null;
  sis_import_id: number | string | null;
  overrides?: Record<string, OverrideDates>;
  course_count?: number;
  used_in_subaccount?: boolean;
}

export interface TermJsonOptions {
  timeZone: string;
  includeOverrides: boolean;
  /** Present only when the answer includes course_count. */
  courseCount?: number | undefined;
  /** The session groups grading periods (Ed-Fi SessionGradingPeriod links). */
  hasGradingPeriods?: boolean;
  /** Present only when the list was asked about a subaccount_id. */
  usedInSubaccount?: boolean | undefined;
  /** `Accept: application/json+canvas-string-ids`: ids as strings. */
  stringIds?: boolean;
}

/** Whether the client asked for Canvas's string ids (for 64-bit-unsafe JSON parsers). */
export function wantsStringIds(accept: string | undefined): boolean {
  return /application\/json\+canvas-string-ids/i.test(accept ?? '');
}

/** Overrides with a start or an end; `{}` when none. */
export function overridesJson(session: Pick<Session, 'properties'>): Record<string, OverrideDates> {
  const stored = canvasPropertiesOf(session).overrides ?? {};
  const out: Record<string, OverrideDates> = {};
  for (const type of ENROLLMENT_TYPES) {
    const o = stored[type];
    if (o && (o.start_at !== null || o.end_at !== null)) out[type] = { start_at: o.start_at, end_at: o.end_at };
  }
  return out;
}

export function termJson(session: Session, options: TermJsonOptions): EnrollmentTermJson {
  const canvas = canvasPropertiesOf(session);
  const id = <T extends number | null>(n: T): T | string => (options.stringIds && n !== null ? String(n) : n);
  const json: EnrollmentTermJson = {
    id: id(session.canvasId),
    name: session.name,
    start_at: termStartAt(session, options.timeZone),
    end_at: termEndAt(session, options.timeZone),
    created_at: formatCanvasTime(Date.parse(session.createdAt)),
    workflow_state: session.status,
    // A session's grading periods form its Canvas grading period group, named by the term's id.
    grading_period_group_id: id(options.hasGradingPeriods ? session.canvasId : null),
    sis_term_id: session.identifiers.sis ?? null,
    sis_import_id: id(canvas.sisImportId ?? null),
  };
  if (options.includeOverrides) json.overrides = overridesJson(session);
  if (options.courseCount !== undefined) json.course_count = options.courseCount;
  if (options.usedInSubaccount !== undefined) json.used_in_subaccount = options.usedInSubaccount;
  return json;
}
