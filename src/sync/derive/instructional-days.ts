// Instructional days per calendar, sorted, so a date range is counted with two binary searches
// and a union across calendars is counted once per date (the seed's "distinct" days).
import type { SisCalendarDay } from '../sis-model.ts';

export class InstructionalDays {
  private readonly byCalendar = new Map<string, string[]>();

  constructor(days: readonly SisCalendarDay[]) {
    const sets = new Map<string, Set<string>>();
    for (const d of days) {
      if (!d.instructional) continue;
      let set = sets.get(d.calendarId);
      if (!set) sets.set(d.calendarId, (set = new Set()));
      set.add(d.date);
    }
    for (const [calendarId, set] of sets) this.byCalendar.set(calendarId, [...set].sort());
  }

  /** The instructional dates of one calendar on or between begin and end. */
  datesIn(calendarId: string, begin: string, end: string): string[] {
    const dates = this.byCalendar.get(calendarId);
    if (!dates) return [];
    return dates.slice(lowerBound(dates, begin), upperBound(dates, end));
  }

  /** Distinct instructional dates over several (calendar, begin, end) spans. */
  countDistinct(spans: Iterable<{ calendarId: string; begin: string; end: string }>): number {
    const seen = new Set<string>();
    for (const s of spans) for (const d of this.datesIn(s.calendarId, s.begin, s.end)) seen.add(d);
    return seen.size;
  }
}

function lowerBound(a: string[], x: string): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function upperBound(a: string[], x: string): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
