// The canonical academic session: the one record every dialect maps to and from.

export const SESSION_TYPES = [
  'schoolYear',
  'semester',
  'trimester',
  'quarter',
  'term',
  'gradingPeriod',
  'summer',
  'other',
] as const;
export type SessionType = (typeof SESSION_TYPES)[number];

export type SessionStatus = 'active' | 'deleted';

/** A calendar day, `YYYY-MM-DD`. School days carry no time zone. */
export type IsoDate = string;

export interface Session {
  id: string;
  tenantId: string;
  /** The school's org id; null for a district-wide session (Canvas terms). */
  schoolOrgId: string | null;
  /** The school's Ed-Fi schoolId, joined from the org. */
  schoolId: number | null;
  /** The year the school year ends (2026 for 2025–2026). */
  schoolYear: number | null;
  name: string;
  type: SessionType;
  beginDate: IsoDate | null;
  /** The last day of the session, inclusive. */
  endDate: IsoDate | null;
  parentId: string | null;
  status: SessionStatus;
  /** Descriptor URI, e.g. `uri://ed-fi.org/TermDescriptor#Fall Semester`. */
  termDescriptor: string | null;
  gradingPeriodDescriptor: string | null;
  periodSequence: number | null;
  totalInstructionalDays: number | null;
  /** system → value: oneroster, sis, edfi, … Unique per tenant and system. */
  identifiers: Record<string, string>;
  /** Free-form: Canvas overrides and exact timestamps, OneRoster metadata, … */
  properties: Record<string, unknown>;
  /** Canvas enrollment term id: a per-tenant integer sequence. */
  canvasId: number;
  createdAt: string;
  updatedAt: string;
  changeVersion: number;
}

/** What a writer supplies; the store fills id (if absent), canvasId, timestamps, change version. */
export interface SessionInput {
  id?: string | undefined;
  schoolOrgId: string | null;
  schoolYear: number | null;
  name: string;
  type: SessionType;
  beginDate: IsoDate | null;
  endDate: IsoDate | null;
  parentId: string | null;
  status?: SessionStatus | undefined;
  termDescriptor: string | null;
  gradingPeriodDescriptor: string | null;
  periodSequence: number | null;
  totalInstructionalDays: number | null;
  identifiers?: Record<string, string> | undefined;
  properties?: Record<string, unknown> | undefined;
}

/** Ed-Fi's natural key of a (non grading period) session. */
export interface SessionNaturalKey {
  schoolId: number;
  schoolYear: number;
  sessionName: string;
}

export function isSessionType(value: unknown): value is SessionType {
  return typeof value === 'string' && (SESSION_TYPES as readonly string[]).includes(value);
}

/** A stored session as a writer's input: change a few fields and write it back. */
export function sessionInputOf(s: Session): SessionInput {
  return {
    id: s.id,
    schoolOrgId: s.schoolOrgId,
    schoolYear: s.schoolYear,
    name: s.name,
    type: s.type,
    beginDate: s.beginDate,
    endDate: s.endDate,
    parentId: s.parentId,
    status: s.status,
    termDescriptor: s.termDescriptor,
    gradingPeriodDescriptor: s.gradingPeriodDescriptor,
    periodSequence: s.periodSequence,
    totalInstructionalDays: s.totalInstructionalDays,
    properties: s.properties,
  };
}
