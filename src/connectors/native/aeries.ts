// Aeries terms (Aeries API v5, https://support.aeries.com/support/solutions/articles/14000113681
// "Building a request" — the AERIES-CERT header, the DatabaseYear parameter — and
// …/14000113682 "School related end points": GET /api/v5/schools and
// /api/v5/schools/{SchoolCode}/terms). Schools answer [{"SchoolCode","Name",…}], terms
// [{"SchoolCode","TermCode","TermDescription","StartDate","EndDate"}], whole lists with no
// paging, for the district's current database year. A term's id is its school and term code;
// it belongs to that school (matched by name). No change feed: every pull reads all; one no
// longer listed is deleted here. Errors are human-readable bodies, 429 with Retry-After.
import type { Connector, ConnectorRecord, PullPage } from '../connector.ts';
import type { SourceClient } from '../source-client.ts';
import { dayOf, sessionRecord, text, typeFromName } from './paged-read.ts';

interface AeriesResume {
  schools: { code: string; name: string | null }[] | null;
  index: number;
}

export class AeriesConnector implements Connector {
  constructor(
    private readonly client: SourceClient,
    private readonly url: string,
  ) {}

  async *pages(_state: unknown, resume: unknown): AsyncGenerator<PullPage, null, void> {
    const base = this.url.replace(/\/+$/, '').replace(/\/api\/v5$/, '');
    let r = (resume as AeriesResume | null) ?? { schools: null, index: 0 };
    if (r.schools === null) {
      const res = await this.client.getJson(`${base}/api/v5/schools`);
      const list = (Array.isArray(res.body) ? res.body : []) as Record<string, unknown>[];
      r = { schools: list.flatMap((s) => (text(s.SchoolCode) ? [{ code: text(s.SchoolCode)!, name: text(s.Name) }] : [])), index: 0 };
      const records: ConnectorRecord[] = r.schools!.length === 0 ? [{ kind: 'absentAreDeleted' }] : [];
      yield { records, resume: r, progress: { done: 0, total: r.schools!.length } };
    }
    while (r.schools && r.index < r.schools.length) {
      const school = r.schools[r.index]!;
      const res = await this.client.getJson(`${base}/api/v5/schools/${encodeURIComponent(school.code)}/terms`);
      const terms = (Array.isArray(res.body) ? res.body : []) as Record<string, unknown>[];
      const records: ConnectorRecord[] = terms.flatMap((t) => {
        const code = text(t.TermCode);
        if (!code) return [];
        const name = text(t.TermDescription) ?? code;
        return [
          sessionRecord(`${school.code}:${code}`, {
            name,
            type: typeFromName(name),
            beginDate: dayOf(t.StartDate),
            endDate: dayOf(t.EndDate),
            school: school.name ? { name: school.name } : null,
            properties: { aeries: { schoolCode: school.code, termCode: code } },
          }),
        ];
      });
      const list = r.schools;
      r = { ...r, index: r.index + 1 };
      if (r.index >= list.length) records.push({ kind: 'absentAreDeleted' });
      yield { records, resume: r, progress: { done: r.index, total: list.length } };
    }
    return null;
  }
}
