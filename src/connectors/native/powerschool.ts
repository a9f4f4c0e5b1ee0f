// PowerSchool SIS school terms (PowerSchool API, https://support.powerschool.com/developer/#/page/data-access
// → "school term" and "district school" resources, and …/#/page/oauth for the token):
// POST /oauth/access_token (client credentials, Basic) gives the token; GET
// /ws/v1/district/school?page=N answers {"schools":{"school":[{"id","name","school_number"}]}} and
// GET /ws/v1/school/{id}/term?page=N {"terms":{"term":[{"id","name","abbreviation","start_date",
// "end_date","school_id","start_year","portion"}]}} — a single item comes as an object, not a
// one-item array, and an empty list as an empty string. Pages are numbered from 1; a page with
// fewer than `pagesize` items is the last. `portion` says how many of a year the term is (1 the
// full year, 2 a semester, 3 a trimester, 4 a quarter); a term's year is the portion-1 term of
// its school and start_year, which becomes its parent. No change feed: every pull reads all;
// one no longer listed is deleted here.
import type { SessionType } from '../../domain/session.ts';
import type { Connector, ConnectorRecord, PullPage, SchoolRef } from '../connector.ts';
import type { SourceClient } from '../source-client.ts';
import { dayOf, sessionRecord, text } from './paged-read.ts';

interface School {
  id: string;
  ref: SchoolRef;
}

interface PowerSchoolResume {
  phase: 'schools' | 'terms' | 'done';
  page: number;
  schools: School[];
  school: number;
  read: number;
}

const PORTION: Record<number, SessionType> = { 1: 'schoolYear', 2: 'semester', 3: 'trimester', 4: 'quarter' };

/** PowerSchool's list wrapper: an array, one object, or '' for none. */
export function listOf(wrapper: unknown, key: string): Record<string, unknown>[] {
  const inner = (wrapper && typeof wrapper === 'object' ? (wrapper as Record<string, unknown>)[key] : undefined) ?? [];
  return Array.isArray(inner) ? inner : inner && typeof inner === 'object' ? [inner as Record<string, unknown>] : [];
}

export class PowerSchoolConnector implements Connector {
  constructor(
    private readonly client: SourceClient,
    private readonly url: string,
    private readonly pageSize = 100,
  ) {}

  async *pages(_state: unknown, resume: unknown): AsyncGenerator<PullPage, null, void> {
    const root = new URL(this.url).origin;
    let r: PowerSchoolResume = (resume as PowerSchoolResume | null) ?? { phase: 'schools', page: 1, schools: [], school: 0, read: 0 };
    while (r.phase === 'schools') {
      const res = await this.client.getJson(`${root}/ws/v1/district/school?page=${r.page}&pagesize=${this.pageSize}`);
      const schools = listOf((res.body as { schools?: unknown })?.schools, 'school');
      const found = schools.flatMap((s) => {
        const id = text(s.id);
        const number = Number(s.school_number);
        return id ? [{ id, ref: { schoolId: Number.isSafeInteger(number) && number > 0 ? number : null, name: text(s.name) } }] : [];
      });
      const all = [...r.schools, ...found];
      r = schools.length >= this.pageSize ? { ...r, page: r.page + 1, schools: all } : { ...r, phase: all.length > 0 ? 'terms' : 'done', page: 1, schools: all };
      yield { records: [], resume: r, progress: { done: 0, total: undefined } };
    }
    while (r.phase === 'terms') {
      const school = r.schools[r.school]!;
      const res = await this.client.getJson(`${root}/ws/v1/school/${encodeURIComponent(school.id)}/term?page=${r.page}&pagesize=${this.pageSize}`);
      const terms = listOf((res.body as { terms?: unknown })?.terms, 'term');
      const records = terms.flatMap((t) => this.toRecords(t, school, terms));
      const more = terms.length >= this.pageSize;
      const last = !more && r.school + 1 >= r.schools.length;
      r = more ? { ...r, page: r.page + 1 } : last ? { ...r, phase: 'done' } : { ...r, school: r.school + 1, page: 1 };
      r = { ...r, read: r.read + terms.length };
      if (last) records.push({ kind: 'absentAreDeleted' });
      yield { records, resume: r, progress: { done: r.school + (last ? 1 : 0), total: r.schools.length } };
    }
    return null;
  }

  private toRecords(t: Record<string, unknown>, school: School, page: Record<string, unknown>[]): ConnectorRecord[] {
    const id = text(t.id);
    if (!id) return [];
    const portion = Number(t.portion);
    const startYear = Number(t.start_year);
    const type = PORTION[portion] ?? 'term';
    // The year term of the same start_year (on this page: PowerSchool lists a year with its terms).
    const year = type === 'schoolYear' ? undefined : page.find((y) => Number(y.portion) === 1 && Number(y.start_year) === startYear && text(y.id) !== id);
    return [
      sessionRecord(id, {
        name: text(t.name) ?? text(t.abbreviation) ?? `Term ${id}`,
        type,
        beginDate: dayOf(t.start_date),
        endDate: dayOf(t.end_date),
        school: school.ref,
        schoolYear: Number.isInteger(startYear) && startYear > 1900 ? startYear + 1 : undefined,
        parentSourceId: year ? text(year.id) : null,
        properties: { powerschool: { abbreviation: t.abbreviation ?? null, portion: Number.isFinite(portion) ? portion : null } },
      }),
    ];
  }
}
