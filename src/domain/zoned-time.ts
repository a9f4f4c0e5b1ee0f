// Instants ↔ calendar days in a district's time zone: the one module every API and connector
// uses for it (Canvas terms written and pulled, Edlink's `state`, tenants' zones). Canvas speaks
// instants (start_at, end_at); the store speaks school days. A day's first instant is 00:00:00
// local (or the first instant the day has, where a zone skips midnight), its last 23:59:59 local.
import { addDays } from './calendar-date.ts';

const SECOND = 1000;
const HOUR = 3_600_000;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      era: 'short',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** True when Intl knows this IANA zone name. */
export function isKnownTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

function wallClock(ms: number, timeZone: string): WallClock {
  const out: Record<string, string> = {};
  for (const p of formatter(timeZone).formatToParts(new Date(ms))) out[p.type] = p.value;
  const year = Number(out.year);
  return {
    year: out.era === 'BC' || out.era === 'B' ? 1 - year : year,
    month: Number(out.month),
    day: Number(out.day),
    hour: Number(out.hour),
    minute: Number(out.minute),
    second: Number(out.second),
  };
}

/** Milliseconds the zone is ahead of UTC at this instant. */
function offsetAt(ms: number, timeZone: string): number {
  const whole = Math.floor(ms / SECOND) * SECOND;
  const w = wallClock(whole, timeZone);
  return utcOf(w) - whole;
}

function utcOf(w: WallClock): number {
  const d = new Date(0);
  d.setUTCFullYear(w.year, w.month - 1, w.day);
  d.setUTCHours(w.hour, w.minute, w.second, 0);
  return d.getTime();
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/** The local calendar day (`YYYY-MM-DD`) this instant falls on in the zone. */
export function localDayOf(ms: number, timeZone: string): string {
  const w = wallClock(Math.floor(ms / SECOND) * SECOND, timeZone);
  return `${pad(w.year, 4)}-${pad(w.month, 2)}-${pad(w.day, 2)}`;
}

/**
 * The instant a local wall-clock time has in the zone. A time skipped by a daylight-saving
 * jump resolves to the first existing instant after it, so the result stays on the same day
 * whenever the day has any such instant.
 */
export function instantOfLocal(
  date: string,
  time: { hour: number; minute: number; second: number },
  timeZone: string,
): number {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  const local = utcOf({ year, month, day, ...time });
  const first = local - offsetAt(local, timeZone);
  const second = local - offsetAt(first, timeZone);
  if (utcOf(wallClock(second, timeZone)) === local) return second;
  if (utcOf(wallClock(first, timeZone)) === local) return first;
  // The wall-clock time does not exist (a DST gap): take the later of the two candidates.
  return Math.max(first, second);
}

/** The first instant of a school day: 00:00:00 local. */
export function startOfLocalDay(date: string, timeZone: string): number {
  let ms = instantOfLocal(date, { hour: 0, minute: 0, second: 0 }, timeZone);
  // Where midnight itself is skipped (e.g. a DST change at 00:00), move into the day.
  while (localDayOf(ms, timeZone) < date) ms += HOUR;
  return ms;
}

/** The last whole second of a school day: 23:59:59 local. */
export function endOfLocalDay(date: string, timeZone: string): number {
  let ms = instantOfLocal(date, { hour: 23, minute: 59, second: 59 }, timeZone);
  while (localDayOf(ms, timeZone) > date) ms -= HOUR;
  return ms;
}

/**
 * The last school day of a term ending at this instant: the local day it falls on — except an
 * end at exactly local midnight, which ends the term "until" that day, so the day before is
 * the last (Canvas's API and the Canvas connector read them alike), unless that would precede the first day.
 */
export function lastDayOf(endMs: number, timeZone: string, firstDay: string | null): string {
  const day = localDayOf(endMs, timeZone);
  if (startOfLocalDay(day, timeZone) !== endMs) return day;
  const before = addDays(day, -1);
  return firstDay !== null && before < firstDay ? day : before;
}

/** Today's calendar day in the zone (Edlink's `state`); UTC's when the zone is unknown. */
export function todayIn(timeZone: string, now: Date): string {
  return localDayOf(now.getTime(), isKnownTimeZone(timeZone) ? timeZone : 'UTC');
}
