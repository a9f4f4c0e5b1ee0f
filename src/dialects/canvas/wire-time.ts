// Canvas's timestamps on the wire: ISO 8601 in (a day, or a date-time with or without an
// offset), second-precision UTC `Z` out — as `Time#iso8601` renders them.
import { instantOfLocal, startOfLocalDay } from '../../domain/zoned-time.ts';

const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?\s*(Z|z|[+-]\d{2}(?::?\d{2})?)?$/;

export type ParsedTime = { ok: true; ms: number | null } | { ok: false };

function validDay(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1) return false;
  const last = new Date(Date.UTC(2000, m, 0)).getUTCDate(); // days in month m of a leap year
  if (d > last) return false;
  if (m === 2 && d === 29) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  return true;
}

function offsetMs(zone: string): number {
  if (zone === 'Z' || zone === 'z') return 0;
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  const hours = Number(digits.slice(0, 2));
  const minutes = digits.length > 2 ? Number(digits.slice(2, 4)) : 0;
  return sign * (hours * 60 + minutes) * 60_000;
}

/**
 * A Canvas date-time parameter. Blank or null clears the value (as Rails assigns nil); a day
 * without a time means its local midnight; a time without an offset is local to the district.
 * Sub-second digits are dropped: Canvas renders whole seconds.
 */
export function parseCanvasTime(value: unknown, timeZone: string): ParsedTime {
  if (value === null || value === undefined) return { ok: true, ms: null };
  if (typeof value !== 'string') return { ok: false };
  const text = value.trim();
  if (text === '') return { ok: true, ms: null };
  const day = DATE_ONLY.exec(text);
  if (day) {
    const [y, m, d] = [Number(day[1]), Number(day[2]), Number(day[3])];
    if (!validDay(y, m, d)) return { ok: false };
    return { ok: true, ms: startOfLocalDay(text, timeZone) };
  }
  const dt = DATE_TIME.exec(text);
  if (!dt) return { ok: false };
  const [y, m, d, hh, mm] = [Number(dt[1]), Number(dt[2]), Number(dt[3]), Number(dt[4]), Number(dt[5])];
  const ss = dt[6] === undefined ? 0 : Number(dt[6]);
  if (!validDay(y, m, d) || hh > 23 || mm > 59 || ss > 59) return { ok: false };
  const zone = dt[8];
  if (zone !== undefined) {
    const off = offsetMs(zone);
    if (Math.abs(off) >= 24 * 3_600_000) return { ok: false };
    const wall = new Date(0);
    wall.setUTCFullYear(y, m - 1, d);
    wall.setUTCHours(hh, mm, ss, 0);
    return { ok: true, ms: wall.getTime() - off };
  }
  const date = `${dt[1]}-${dt[2]}-${dt[3]}`;
  return { ok: true, ms: instantOfLocal(date, { hour: hh, minute: mm, second: ss }, timeZone) };
}

/** `2017-01-20T20:00:00Z`: UTC, whole seconds, as Canvas renders every timestamp. */
export function formatCanvasTime(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
