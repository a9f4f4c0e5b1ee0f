// The canonical session's content, declared once. Every layer derives from this table: the
// Session/SessionInput types (src/domain/session.ts), the store's row mapping, insert and update
// (src/store/session-repository.ts), the Query AST's columns and casts (src/store/session-sql.ts),
// the one no-op check (sameContent, used by Ed-Fi writes and connector merges) and the dialects'
// field maps (each a table of canonical field ↔ wire name plus a converter; see docs/architecture.md).
// Adding a field: a row here, a column in a migration (and src/store/schema.ts), and the wire
// names in the dialects that show it.
import { isDeepStrictEqual } from 'node:util';

/** Value types a field can have; each maps to one TypeScript type and one SQL cast. */
export type FieldType = 'uuid' | 'int' | 'text' | 'date' | 'sessionType' | 'status' | 'json';

export interface FieldSpec {
  /** The column of the sessions table. */
  column: string;
  type: FieldType;
  nullable: boolean;
  /** Part of the Ed-Fi natural key (school, school year, name; grading periods add their descriptor). */
  naturalKey: boolean;
  /** May be compared in a Query AST condition (filters of every dialect). */
  filterable: boolean;
  /** May be a Query AST sort key. */
  sortable: boolean;
  /** Domain rules beyond the type, as the validator (src/domain/validation.ts) applies them. */
  rules?: string;
  /**
   * A writer may leave the field out: an update keeps the stored value, an insert stores
   * `initial` (null when absent). Writers that do not know a field (a dialect that does not show
   * it) then need no change when it is added.
   */
  whenOmitted?: { initial: unknown };
}

export const SESSION_TYPES = ['schoolYear', 'semester', 'trimester', 'quarter', 'term', 'gradingPeriod', 'summer', 'other'] as const;
export type SessionType = (typeof SESSION_TYPES)[number];
export type SessionStatus = 'active' | 'deleted';

const f = <T extends FieldType, N extends boolean, M extends Partial<Omit<FieldSpec, 'column' | 'type' | 'nullable'>> = object>(
  column: string,
  type: T,
  nullable: N,
  more: M = {} as M,
): FieldSpec & { type: T; nullable: N } & M => ({
  column,
  type,
  nullable,
  naturalKey: false,
  filterable: true,
  sortable: true,
  ...more,
});

export const SESSION_CONTRACT = {
  /** The school's org id; null for a district-wide session (Canvas terms). */
  schoolOrgId: f('school_org_id', 'uuid', true, { naturalKey: true, sortable: false }),
  /** The year the school year ends (2026 for 2025–2026). */
  schoolYear: f('school_year', 'int', true, { naturalKey: true, rules: '1900–2100' }),
  name: f('name', 'text', false, { naturalKey: true, rules: 'required, at most 60 characters, no leading or trailing spaces; unique per school and school year' }),
  type: f('type', 'sessionType', false),
  /** The first day, `YYYY-MM-DD` (a school day carries no time zone). */
  beginDate: f('begin_date', 'date', true, { rules: 'a real date within PostgreSQL’s range; within the parent’s dates' }),
  /** The last day of the session, inclusive. */
  endDate: f('end_date', 'date', true, { rules: 'not before beginDate; within the parent’s dates' }),
  parentId: f('parent_id', 'uuid', true, { sortable: false, rules: 'a live session of the tenant, not a descendant' }),
  status: f('status', 'status', false, { whenOmitted: { initial: 'active' } }),
  /** Descriptor URI, e.g. `uri://ed-fi.org/TermDescriptor#Fall Semester`. */
  termDescriptor: f('term_descriptor', 'text', true),
  gradingPeriodDescriptor: f('grading_period_descriptor', 'text', true, { naturalKey: true }),
  periodSequence: f('period_sequence', 'int', true, { rules: 'a whole number ≥ 0' }),
  totalInstructionalDays: f('total_instructional_days', 'int', true, { rules: 'a whole number ≥ 0' }),
  /** Free-form: Canvas overrides and exact timestamps, OneRoster metadata, … */
  properties: f('properties', 'json', false, { filterable: false, sortable: false, whenOmitted: { initial: {} } }),
} as const satisfies Record<string, FieldSpec>;

export type ContentField = keyof typeof SESSION_CONTRACT;
/** The fields a writer may leave out (see FieldSpec.whenOmitted). */
export type OmittableField = { [K in ContentField]: (typeof SESSION_CONTRACT)[K] extends { whenOmitted: object } ? K : never }[ContentField];
export const CONTENT_FIELDS = Object.keys(SESSION_CONTRACT) as ContentField[];

type TsOf<T extends FieldType> = T extends 'int'
  ? number
  : T extends 'sessionType'
    ? SessionType
    : T extends 'status'
      ? SessionStatus
      : T extends 'json'
        ? Record<string, unknown>
        : string;

/** The content fields as TypeScript sees them (nullable fields admit null). */
export type SessionContent = {
  -readonly [K in ContentField]: TsOf<(typeof SESSION_CONTRACT)[K]['type']> | ((typeof SESSION_CONTRACT)[K]['nullable'] extends true ? null : never);
};

/**
 * The one no-op check: true when writing `input` over `stored` would change no content field
 * (a field the input leaves undefined keeps its stored value). Ed-Fi answers such a write
 * without a new version, and a connector counts the record unchanged.
 */
export function sameContent(stored: SessionContent, input: Partial<SessionContent>): boolean {
  return CONTENT_FIELDS.every((k) => input[k] === undefined || isDeepStrictEqual(stored[k], input[k]));
}

/** A stored session's content: change a few fields and write it back. */
export function contentOf(s: SessionContent): SessionContent {
  const out: Partial<Record<ContentField, unknown>> = {};
  for (const k of CONTENT_FIELDS) out[k] = s[k];
  return out as SessionContent;
}
