// What is wrong with one school's calendar for one school year, as the console shows it: terms
// outside their school year, overlapping sessions of one type, long gaps between consecutive
// terms, grading periods no session covers, instructional-day counts the dates cannot hold, and
// sessions missing a date. Pure: sessions in, warnings out.
import { addDays, daysBetween } from '../domain/calendar-date.ts';
import type { SessionType } from '../domain/session.ts';

export interface CalendarSession {
  id: string;
  name: string;
  type: SessionType;
  beginDate: string | null;
  endDate: string | null;
  totalInstructionalDays: number | null;
}

export type WarningKind = 'outsideSchoolYear' | 'overlap' | 'gap' | 'gradingPeriodNotCovered' | 'instructionalDays' | 'missingDates';

export interface CalendarWarning {
  kind: WarningKind;
  /** The sessions it is about, in calendar order. */
  sessionIds: string[];
  /** Days the warning covers (the overlap, the gap, the part outside), for the timeline. */
  range: { begin: string; end: string } | null;
  message: string;
}

export interface WarningOptions {
  /**
   * A gap between consecutive terms of one type longer than this many days is a warning.
   * Winter break (about 17 days) and spring break are not; three weeks of nothing is.
   */
  maxGapDays: number;
  /** Instructional days may differ from the weekdays between the dates by this share (or 5 days, if more). */
  instructionalDayTolerance: number;
}

export const DEFAULT_WARNING_OPTIONS: WarningOptions = { maxGapDays: 21, instructionalDayTolerance: 0.1 };

/** Types whose consecutive sessions should follow one another without long gaps. */
const SEQUENTIAL: ReadonlySet<SessionType> = new Set(['semester', 'trimester', 'quarter', 'term', 'gradingPeriod']);
/** Types that hold grading periods. */
const HOLDERS: ReadonlySet<SessionType> = new Set(['schoolYear', 'semester', 'trimester', 'quarter', 'term', 'summer']);

const label = (s: CalendarSession) => `'${s.name}'`;

/** Monday–Friday days from begin to end inclusive. */
export function weekdaysBetween(begin: string, end: string): number {
  const days = daysBetween(begin, end) + 1;
  if (days <= 0) return 0;
  const full = Math.floor(days / 7);
  let n = full * 5;
  const startDow = new Date(`${begin}T00:00:00Z`).getUTCDay();
  for (let i = 0; i < days % 7; i++) {
    const dow = (startDow + i) % 7;
    if (dow !== 0 && dow !== 6) n++;
  }
  return n;
}

/**
 * The days a school year ending in `endYear` may hold: its school-year session's, else July 1
 * to June 30 (Ed-Fi's and most states' reporting year).
 */
export function schoolYearBounds(endYear: number, sessions: readonly CalendarSession[]): { begin: string; end: string; fromSession: boolean } {
  const year = sessions.find((s) => s.type === 'schoolYear' && s.beginDate && s.endDate);
  if (year) return { begin: year.beginDate!, end: year.endDate!, fromSession: true };
  return { begin: `${endYear - 1}-07-01`, end: `${endYear}-06-30`, fromSession: false };
}

export function calendarWarnings(endYear: number, sessions: readonly CalendarSession[], options: WarningOptions = DEFAULT_WARNING_OPTIONS): CalendarWarning[] {
  const warnings: CalendarWarning[] = [];
  const dated = sessions.filter((s) => s.beginDate !== null && s.endDate !== null).sort(byDates);

  for (const s of sessions)
    if (s.beginDate === null || s.endDate === null) {
      const missing = [s.beginDate === null ? 'begin date' : null, s.endDate === null ? 'end date' : null].filter(Boolean).join(' and ');
      warnings.push({ kind: 'missingDates', sessionIds: [s.id], range: null, message: `${label(s)} has no ${missing}; no API can serve it whole until it has.` });
    }

  const bounds = schoolYearBounds(endYear, dated);
  const nominal = schoolYearBounds(endYear, []);
  for (const s of dated) {
    if (s.type === 'schoolYear') continue;
    // Summer falls after the last day of school, but inside the reporting year.
    const b = s.type === 'summer' ? nominal : bounds;
    if (s.beginDate! < b.begin || s.endDate! > b.end) {
      const range = s.beginDate! < b.begin ? { begin: s.beginDate!, end: minDate(s.endDate!, addDays(b.begin, -1)) } : { begin: maxDate(s.beginDate!, addDays(b.end, 1)), end: s.endDate! };
      warnings.push({
        kind: 'outsideSchoolYear',
        sessionIds: [s.id],
        range,
        message: `${label(s)} (${s.beginDate} – ${s.endDate}) runs outside the ${b.fromSession ? 'school year' : `${endYear - 1}–${endYear} reporting year`} (${b.begin} – ${b.end}).`,
      });
    }
  }

  for (const [type, list] of byType(dated)) {
    if (type === 'other') continue;
    for (let i = 0; i < list.length; i++)
      for (let j = i + 1; j < list.length; j++) {
        const a = list[i]!;
        const b = list[j]!;
        if (b.beginDate! > a.endDate!) break; // sorted by begin: no later one overlaps a either
        const range = { begin: b.beginDate!, end: minDate(a.endDate!, b.endDate!) };
        const days = daysBetween(range.begin, range.end) + 1;
        warnings.push({
          kind: 'overlap',
          sessionIds: [a.id, b.id],
          range,
          message: `${label(a)} and ${label(b)} overlap for ${days} day${days === 1 ? '' : 's'} (${range.begin} – ${range.end}); sessions of one type should not.`,
        });
      }
    if (!SEQUENTIAL.has(type)) continue;
    // Consecutive by date: each session and the next one starting after it ends.
    let reach = list[0];
    for (const next of list.slice(1)) {
      if (!reach) break;
      if (next.beginDate! > reach.endDate!) {
        const gap = daysBetween(reach.endDate!, next.beginDate!) - 1;
        if (gap > options.maxGapDays)
          warnings.push({
            kind: 'gap',
            sessionIds: [reach.id, next.id],
            range: { begin: addDays(reach.endDate!, 1), end: addDays(next.beginDate!, -1) },
            message: `${gap} days pass between ${label(reach)} (ends ${reach.endDate}) and ${label(next)} (begins ${next.beginDate}), more than ${options.maxGapDays}.`,
          });
      }
      if (next.endDate! > reach.endDate!) reach = next;
    }
  }

  const holders = dated.filter((s) => HOLDERS.has(s.type));
  for (const gp of dated.filter((s) => s.type === 'gradingPeriod')) {
    if (holders.some((h) => h.beginDate! <= gp.beginDate! && gp.endDate! <= h.endDate!)) continue;
    warnings.push({
      kind: 'gradingPeriodNotCovered',
      sessionIds: [gp.id],
      range: { begin: gp.beginDate!, end: gp.endDate! },
      message: `Grading period ${label(gp)} (${gp.beginDate} – ${gp.endDate}) is not inside any school year, semester, trimester, quarter, term or summer session.`,
    });
  }

  for (const s of dated) {
    if (s.totalInstructionalDays === null) continue;
    const days = daysBetween(s.beginDate!, s.endDate!) + 1;
    const weekdays = weekdaysBetween(s.beginDate!, s.endDate!);
    const allowed = Math.max(5, Math.round(weekdays * options.instructionalDayTolerance));
    if (s.totalInstructionalDays > days)
      warnings.push({
        kind: 'instructionalDays',
        sessionIds: [s.id],
        range: { begin: s.beginDate!, end: s.endDate! },
        message: `${label(s)} claims ${s.totalInstructionalDays} instructional days, but its dates span only ${days} days.`,
      });
    else if (Math.abs(s.totalInstructionalDays - weekdays) > allowed)
      warnings.push({
        kind: 'instructionalDays',
        sessionIds: [s.id],
        range: { begin: s.beginDate!, end: s.endDate! },
        message: `${label(s)} claims ${s.totalInstructionalDays} instructional days; its dates hold ${weekdays} weekdays (more than ${allowed} apart).`,
      });
  }

  return warnings;
}

function byDates(a: CalendarSession, b: CalendarSession): number {
  return cmp(a.beginDate!, b.beginDate!) || cmp(a.endDate!, b.endDate!) || cmp(a.name, b.name) || cmp(a.id, b.id);
}

function byType(sessions: readonly CalendarSession[]): Map<SessionType, CalendarSession[]> {
  const out = new Map<SessionType, CalendarSession[]>();
  for (const s of sessions) {
    const list = out.get(s.type);
    if (list) list.push(s);
    else out.set(s.type, [s]);
  }
  return out;
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const minDate = (a: string, b: string) => (a < b ? a : b);
const maxDate = (a: string, b: string) => (a > b ? a : b);
