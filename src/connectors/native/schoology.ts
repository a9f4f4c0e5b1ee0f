// Schoology grading periods (Schoology REST API v1, https://developers.schoology.com/api-documentation/rest-api-v1/grading-periods
// and …/rest-api-v1/paging): GET /v1/gradingperiods?start=0&limit=… answers
// {"total":N,"gradingperiods":[{"id","title","start","end","active","links":{"self"}}],"links":{"self","next"}}; the next page
// is links.next (start advanced by limit), absent on the last. Requests are signed with
// two-legged OAuth 1.0a (consumer key and secret). Schoology has no change feed for grading
// periods: every pull reads them all, and one no longer listed is deleted here. Its rate limit
// (a few requests a second per key) answers 429 with Retry-After.
import type { Connector, PullPage } from '../connector.ts';
import type { SourceClient } from '../source-client.ts';
import { absolute, dayOf, followPages, sessionRecord, text, typeFromName } from './paged-read.ts';

export class SchoologyConnector implements Connector {
  constructor(
    private readonly client: SourceClient,
    private readonly url: string,
    private readonly pageSize = 200,
  ) {}

  async *pages(_state: unknown, resume: unknown): AsyncGenerator<PullPage, null, void> {
    const base = this.url.replace(/\/+$/, '');
    yield* followPages(this.client, `${base}/gradingperiods?start=0&limit=${this.pageSize}`, resume, (res) => {
      const body = (res.body ?? {}) as { gradingperiods?: unknown; links?: { next?: string } };
      const items = (body.gradingperiods ?? []) as Record<string, unknown>[];
      if (!Array.isArray(items)) throw new Error(`${base}/gradingperiods did not answer {"gradingperiods": [...]}`);
      const records = items.flatMap((g) => {
        const id = text(g.id);
        if (!id) return [];
        const name = text(g.title) ?? `Grading period ${id}`;
        return [sessionRecord(id, { name, type: typeFromName(name, 'term'), beginDate: dayOf(g.start), endDate: dayOf(g.end), properties: { schoology: { id: g.id } } })];
      });
      return { records, next: body.links?.next ? absolute(body.links.next, `${base}/`) : null, items: items.length };
    }, { total: (res) => Number((res.body as { total?: unknown })?.total) || undefined });
    return null;
  }
}
