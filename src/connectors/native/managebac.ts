// ManageBac academic years and terms (ManageBac API v2, https://api.managebac.com/docs →
// "Academic Years": GET /v2/school/academic-years, authenticated by the auth-token header):
// the answer groups years by programme — {"academic_years":{"<programme>":{"academic_years":[{"id",
// "name","starts_on","ends_on","academic_terms":[{"id","name","starts_on","ends_on"}]}]}}} — one
// list, not paged. Years become school-year sessions and their terms children; the same year
// listed under two programmes is one session. A rate limit answers 429 with Retry-After. No
// change feed: every pull reads all; one no longer listed is deleted here.
import type { Connector, ConnectorRecord, PullPage } from '../connector.ts';
import type { SourceClient } from '../source-client.ts';
import { dayOf, schoolYearOf, sessionRecord, text, typeFromName } from './paged-read.ts';

/** Every year object in the answer, whatever programme grouping wraps it. */
export function yearsIn(node: unknown, depth = 0): Record<string, unknown>[] {
  if (depth > 4 || !node || typeof node !== 'object') return [];
  if (Array.isArray(node)) return node.flatMap((n) => (n && typeof n === 'object' && 'starts_on' in n ? [n as Record<string, unknown>] : yearsIn(n, depth + 1)));
  return Object.values(node).flatMap((v) => yearsIn(v, depth + 1));
}

export class ManageBacConnector implements Connector {
  constructor(
    private readonly client: SourceClient,
    private readonly url: string,
  ) {}

  async *pages(_state: unknown, resume: unknown): AsyncGenerator<PullPage, null, void> {
    if (resume) return null; // the one page is staged
    const base = this.url.replace(/\/+$/, '');
    const res = await this.client.getJson(`${base}/v2/school/academic-years`);
    const years = yearsIn((res.body as { academic_years?: unknown })?.academic_years);
    const seen = new Set<string>();
    const records: ConnectorRecord[] = [];
    for (const y of years) {
      const id = text(y.id);
      if (!id || seen.has(`year:${id}`)) continue;
      seen.add(`year:${id}`);
      const begin = dayOf(y.starts_on);
      const end = dayOf(y.ends_on);
      const schoolYear = end ? Number(end.slice(0, 4)) : schoolYearOf(begin, end);
      records.push(sessionRecord(`year:${id}`, { name: text(y.name) ?? `Year ${id}`, type: 'schoolYear', beginDate: begin, endDate: end, schoolYear }));
      for (const t of Array.isArray(y.academic_terms) ? (y.academic_terms as Record<string, unknown>[]) : []) {
        const tid = text(t.id);
        if (!tid || seen.has(`term:${tid}`)) continue;
        seen.add(`term:${tid}`);
        const name = text(t.name) ?? `Term ${tid}`;
        records.push(sessionRecord(`term:${tid}`, { name, type: typeFromName(name), beginDate: dayOf(t.starts_on), endDate: dayOf(t.ends_on), schoolYear, parentSourceId: `year:${id}` }));
      }
    }
    records.push({ kind: 'absentAreDeleted' });
    yield { records, resume: { done: true }, progress: { done: records.length - 1, total: records.length - 1 } };
    return null;
  }
}
