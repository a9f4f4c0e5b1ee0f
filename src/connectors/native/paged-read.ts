// What the native connectors share: follow a platform's pages (whatever its next-page rule),
// stage each page with the URL to resume from, and — for platforms that list everything and
// have no deletion feed — end with "what was not listed is deleted".
import { isIsoDate } from '../../domain/calendar-date.ts';
import type { SessionType } from '../../domain/session.ts';
import type { ConnectorRecord, PulledSession, PullPage, SchoolRef } from '../connector.ts';
import type { SourceClient, SourceResponse } from '../source-client.ts';

export interface PagedResume {
  /** The next page's URL; null once the last page is staged. */
  next: string | null;
  read: number;
}

export interface PageOf {
  records: ConnectorRecord[];
  /** The next page's URL, null on the last page. */
  next: string | null;
  items: number;
}

/**
 * Reads from `first` (or the resume position) page by page. `complete`: the reading lists every
 * item the source has, so the last page carries `absentAreDeleted`.
 */
export async function* followPages(
  client: SourceClient,
  first: string,
  resume: unknown,
  readPage: (res: SourceResponse, url: string) => PageOf,
  { complete = true, total }: { complete?: boolean; total?: (res: SourceResponse) => number | undefined } = {},
): AsyncGenerator<PullPage, void, void> {
  const r = resume as PagedResume | null;
  // Resuming after the last page was staged: nothing is left to read.
  if (r && r.next === null) return;
  let next: string | null = r?.next ?? first;
  let read = r?.read ?? 0;
  while (next !== null) {
    const res = await client.getJson(next);
    const page = readPage(res, next);
    read += page.items;
    // A page that points at itself would loop for ever.
    next = page.next === next || page.items === 0 ? null : page.next;
    const records = next === null && complete ? [...page.records, { kind: 'absentAreDeleted' } as const] : page.records;
    yield { records, resume: { next, read } satisfies PagedResume, progress: { done: read, total: total?.(res) } };
  }
}

/** An absolute URL for a platform's relative next link. */
export function absolute(link: string, base: string): string {
  return new URL(link, base).toString();
}

/**
 * The Ed-Fi school year (named by the calendar year it ends in) of a session that begins on
 * `beginDate`: one beginning July or later belongs to the next year's school year.
 */
export function schoolYearOf(beginDate: string | null, endDate: string | null): number | null {
  const d = beginDate ?? endDate;
  if (!d) return null;
  const year = Number(d.slice(0, 4));
  return Number(d.slice(5, 7)) >= 7 ? year + 1 : year;
}

/** The calendar day of a platform's date or date-time as it wrote it (no time-zone shift). */
export function dayOf(v: unknown): string | null {
  if (typeof v !== 'string') return null;
  const day = v.slice(0, 10);
  return isIsoDate(day) ? day : null;
}

export function text(v: unknown): string | null {
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : typeof v === 'number' ? String(v) : null;
}

/** A canonical session record with the fields a native platform does not have left empty. */
export function sessionRecord(
  sourceId: string,
  s: { name: string; type: SessionType; beginDate: string | null; endDate: string | null; school?: SchoolRef | null; schoolYear?: number | null; parentSourceId?: string | null; properties?: Record<string, unknown> },
): ConnectorRecord {
  const session: PulledSession = {
    school: s.school ?? null,
    schoolYear: s.schoolYear === undefined ? schoolYearOf(s.beginDate, s.endDate) : s.schoolYear,
    name: s.name,
    type: s.type,
    beginDate: s.beginDate,
    endDate: s.endDate,
    parentSourceId: s.parentSourceId ?? null,
    termDescriptor: null,
    gradingPeriodDescriptor: null,
    periodSequence: null,
    totalInstructionalDays: null,
    properties: s.properties ?? {},
  };
  return { kind: 'session', sourceId, session };
}

/** Platforms that name a session's kind in words: the canonical type those words mean. */
export function typeFromName(name: string, fallback: SessionType = 'term'): SessionType {
  const n = name.toLowerCase();
  if (/\b(school|academic)\s*year\b|\byear\b/.test(n)) return 'schoolYear';
  if (/semester|\bsem\b/.test(n)) return 'semester';
  if (/trimester/.test(n)) return 'trimester';
  if (/quarter|\bq[1-4]\b/.test(n)) return 'quarter';
  if (/summer/.test(n)) return 'summer';
  if (/grading|marking|report(ing)? period/.test(n)) return 'gradingPeriod';
  return fallback;
}
