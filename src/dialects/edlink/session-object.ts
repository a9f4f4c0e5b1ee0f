// The canonical session as Edlink's Session object (seed 000; crosswalk column "Edlink Session").
import { addDays } from '../../domain/calendar-date.ts';
import type { Session, SessionType } from '../../domain/session.ts';

export type EdlinkSessionType = 'school_year' | 'semester' | 'term' | 'grading_period';
export type EdlinkSessionState = 'active' | 'upcoming' | 'completed';

export interface EdlinkIdentifier {
  type: string;
  value: string;
}

export interface EdlinkSession {
  id: string;
  created_date: string;
  updated_date: string;
  name: string;
  start_date: string | null;
  end_date: string | null;
  state: EdlinkSessionState;
  type: EdlinkSessionType;
  properties: Record<string, unknown>;
  identifiers: EdlinkIdentifier[];
  school_id: string | null;
  district_id: string;
}

export const EDLINK_SESSION_FIELDS = [
  'id',
  'created_date',
  'updated_date',
  'name',
  'start_date',
  'end_date',
  'state',
  'type',
  'properties',
  'identifiers',
  'school_id',
  'district_id',
] as const satisfies readonly (keyof EdlinkSession)[];

/** Edlink has four types; the others become the nearest one and keep their name in properties.type. */
export const EDLINK_TYPE_OF: Record<SessionType, EdlinkSessionType> = {
  schoolYear: 'school_year',
  semester: 'semester',
  trimester: 'term',
  quarter: 'term',
  term: 'term',
  summer: 'term',
  other: 'term',
  gradingPeriod: 'grading_period',
};

/** A calendar day as Edlink writes a date: midnight UTC with milliseconds. */
export function edlinkDate(day: string): string {
  return `${day}T00:00:00.000Z`;
}

/** Upcoming before the first day, completed after the last, active in between (or undated). */
export function sessionState(session: Pick<Session, 'beginDate' | 'endDate'>, today: string): EdlinkSessionState {
  if (session.beginDate !== null && today < session.beginDate) return 'upcoming';
  if (session.endDate !== null && today > session.endDate) return 'completed';
  return 'active';
}

export { todayIn } from '../../domain/zoned-time.ts';

/**
 * Identifier systems in the store → Edlink identifier types. A connector's system is
 * `<source>@<connection>` (e.g. `edfi@state-ods`) and reads as `<source>_id`.
 */
export function identifierType(system: string): string {
  const source = system.split('@')[0]!;
  if (source === 'sis' || source === 'state' || source === 'oneroster' || source === 'edfi' || source === 'canvas') return `${source}_id`;
  return source.endsWith('_id') ? source : `${source}_id`;
}

export function toEdlinkSession(session: Session, districtId: string, today: string): EdlinkSession {
  const properties: Record<string, unknown> = { type: session.type };
  if (session.schoolYear !== null) properties.school_year = session.schoolYear;
  if (session.termDescriptor !== null) properties.term_descriptor = session.termDescriptor;
  if (session.gradingPeriodDescriptor !== null) properties.grading_period_descriptor = session.gradingPeriodDescriptor;
  if (session.periodSequence !== null) properties.period_sequence = session.periodSequence;
  if (session.totalInstructionalDays !== null) properties.total_instructional_days = session.totalInstructionalDays;
  if (session.parentId !== null) properties.parent_id = session.parentId;
  // This server's own ids for the session (its Canvas term id, its Ed-Fi resource id), then the
  // ids the systems it was pulled from or written through know it by.
  const identifiers: EdlinkIdentifier[] = [
    { type: 'canvas_id', value: String(session.canvasId) },
    { type: 'edfi_id', value: session.id.replace(/-/g, '') },
  ];
  for (const system of Object.keys(session.identifiers).sort())
    identifiers.push({ type: identifierType(system), value: session.identifiers[system]! });
  return {
    id: session.id,
    created_date: session.createdAt,
    updated_date: session.updatedAt,
    name: session.name,
    start_date: session.beginDate === null ? null : edlinkDate(session.beginDate),
    end_date: session.endDate === null ? null : edlinkDate(addDays(session.endDate, 1)),
    state: sessionState(session, today),
    type: EDLINK_TYPE_OF[session.type],
    properties,
    identifiers,
    school_id: session.schoolOrgId,
    district_id: districtId,
  };
}
