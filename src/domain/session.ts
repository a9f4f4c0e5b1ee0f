// The canonical academic session: the one record every dialect maps to and from. Its content
// fields are declared once in session-contract.ts; this file adds what the store assigns.
import { contentOf, SESSION_TYPES, type OmittableField, type SessionContent, type SessionType } from './session-contract.ts';

export { SESSION_TYPES, type SessionStatus, type SessionType } from './session-contract.ts';

/** A calendar day, `YYYY-MM-DD`. School days carry no time zone. */
export type IsoDate = string;

export interface Session extends SessionContent {
  id: string;
  tenantId: string;
  /** The school's Ed-Fi schoolId, joined from the org. */
  schoolId: number | null;
  /** system → value: oneroster, sis, edfi, … Unique per tenant and system. */
  identifiers: Record<string, string>;
  /** Canvas enrollment term id: a per-tenant integer sequence. */
  canvasId: number;
  createdAt: string;
  updatedAt: string;
  changeVersion: number;
}

/** What a writer supplies; the store fills id (if absent), canvasId, timestamps, change version. */
export type SessionInput = Omit<SessionContent, OmittableField> & { [K in OmittableField]?: SessionContent[K] | undefined } & {
  id?: string | undefined;
  identifiers?: Record<string, string> | undefined;
};

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
  return { id: s.id, ...contentOf(s) };
}
