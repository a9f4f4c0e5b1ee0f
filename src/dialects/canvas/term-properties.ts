// What Canvas keeps about a session that no other API has: the exact start_at/end_at written
// through Canvas, the per-enrollment-type overrides, the fields an SIS import last set, and
// the SIS import id. They live in session.properties.canvas; every other dialect ignores them.
import type { Session } from '../../domain/session.ts';
import { endOfLocalDay, lastDayOf, localDayOf, startOfLocalDay } from '../../domain/zoned-time.ts';

export { lastDayOf } from '../../domain/zoned-time.ts';
import { formatCanvasTime } from './wire-time.ts';

export const ENROLLMENT_TYPES = ['StudentEnrollment', 'TeacherEnrollment', 'TaEnrollment', 'DesignerEnrollment'] as const;
export type EnrollmentType = (typeof ENROLLMENT_TYPES)[number];

/** Term fields an SIS import can make "sticky" (see sis-stickiness.ts). */
export const STICKY_FIELDS = ['name', 'start_at', 'end_at'] as const;
export type StickyField = (typeof STICKY_FIELDS)[number];

export interface OverrideDates {
  start_at: string | null;
  end_at: string | null;
}

export interface CanvasTermProperties {
  /** Exact instants as last written through Canvas (`…Z`); null = written as blank. */
  startAt?: string | null;
  endAt?: string | null;
  overrides?: Partial<Record<EnrollmentType, OverrideDates>>;
  stickyFields?: StickyField[];
  sisImportId?: number | null;
}

export function isEnrollmentType(value: string): value is EnrollmentType {
  return (ENROLLMENT_TYPES as readonly string[]).includes(value);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The Canvas part of a session's properties, read defensively (other writers share the bag). */
export function canvasPropertiesOf(session: Pick<Session, 'properties'>): CanvasTermProperties {
  const raw = session.properties.canvas;
  if (!isRecord(raw)) return {};
  const out: CanvasTermProperties = {};
  if (typeof raw.startAt === 'string' || raw.startAt === null) out.startAt = raw.startAt;
  if (typeof raw.endAt === 'string' || raw.endAt === null) out.endAt = raw.endAt;
  if (isRecord(raw.overrides)) {
    const overrides: Partial<Record<EnrollmentType, OverrideDates>> = {};
    for (const [type, dates] of Object.entries(raw.overrides))
      if (isEnrollmentType(type) && isRecord(dates))
        overrides[type] = {
          start_at: typeof dates.start_at === 'string' ? dates.start_at : null,
          end_at: typeof dates.end_at === 'string' ? dates.end_at : null,
        };
    out.overrides = overrides;
  }
  if (Array.isArray(raw.stickyFields))
    out.stickyFields = raw.stickyFields.filter((f): f is StickyField => (STICKY_FIELDS as readonly string[]).includes(f as string));
  if (typeof raw.sisImportId === 'number' || raw.sisImportId === null) out.sisImportId = raw.sisImportId;
  return out;
}

export function isDefaultTerm(session: Pick<Session, 'properties'>): boolean {
  return session.properties.canvasDefaultTerm === true;
}


/**
 * start_at: the instant written through Canvas while it still falls on the session's first
 * day; otherwise (written elsewhere, or its dates changed since) 00:00 local of that day.
 */
export function termStartAt(session: Pick<Session, 'beginDate' | 'properties'>, timeZone: string): string | null {
  if (session.beginDate === null) return null;
  const exact = canvasPropertiesOf(session).startAt;
  if (exact && localDayOf(Date.parse(exact), timeZone) === session.beginDate) return exact;
  return formatCanvasTime(startOfLocalDay(session.beginDate, timeZone));
}

/** end_at: as written through Canvas while still on the last day, else 23:59:59 local of it. */
export function termEndAt(session: Pick<Session, 'beginDate' | 'endDate' | 'properties'>, timeZone: string): string | null {
  if (session.endDate === null) return null;
  const exact = canvasPropertiesOf(session).endAt;
  if (exact && lastDayOf(Date.parse(exact), timeZone, session.beginDate) === session.endDate) return exact;
  return formatCanvasTime(endOfLocalDay(session.endDate, timeZone));
}
