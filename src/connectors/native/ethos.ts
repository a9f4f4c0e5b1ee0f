// Ellucian Banner academic periods through Ethos Integration (https://resources.elluciancloud.com →
// Ethos Integration API "academic-periods", data model v16; authentication: POST /auth with the
// API key as a bearer token answers a JWT, valid five minutes; paging: offset and limit, total
// in the x-total-count header, x-max-page-size caps limit). GET /api/academic-periods answers a
// JSON array of {"id","code","title","startOn","endOn","category":{"type":"year"|"term"|"subterm",
// "parent":{"id"}},"registration","censusDates"}. A year is a school-year session, a term its
// child, a subterm the term's. Banner's is a college calendar: a school year here is the period
// a year-category period covers. Throttling answers 429 with Retry-After. No change feed for
// this resource: every pull reads all; one no longer listed is deleted here.
import type { Connector, PullPage } from '../connector.ts';
import type { SourceClient } from '../source-client.ts';
import { dayOf, followPages, sessionRecord, text, typeFromName } from './paged-read.ts';

export const ETHOS_ACADEMIC_PERIODS_MEDIA_TYPE = 'application/vnd.hedtech.integration.v16+json';

export class EthosConnector implements Connector {
  constructor(
    private readonly client: SourceClient,
    private readonly url: string,
    private readonly pageSize = 100,
  ) {}

  async *pages(_state: unknown, resume: unknown): AsyncGenerator<PullPage, null, void> {
    const base = new URL(this.url).origin;
    const at = (offset: number) => `${base}/api/academic-periods?offset=${offset}&limit=${this.pageSize}`;
    yield* followPages(
      this.client,
      at(0),
      resume,
      (res, url) => {
        const items = (Array.isArray(res.body) ? res.body : []) as Record<string, unknown>[];
        const offset = Number(new URL(url).searchParams.get('offset') ?? 0) + items.length;
        const total = Number(res.headers['x-total-count']);
        const records = items.flatMap((p) => {
          const id = text(p.id);
          if (!id) return [];
          const category = (p.category ?? {}) as { type?: unknown; parent?: { id?: unknown } };
          const name = text(p.title) ?? text(p.code) ?? id;
          const type = category.type === 'year' ? 'schoolYear' : category.type === 'subterm' ? typeFromName(name, 'gradingPeriod') : typeFromName(name, 'term');
          return [sessionRecord(id, { name, type, beginDate: dayOf(p.startOn), endDate: dayOf(p.endOn), parentSourceId: text(category.parent?.id), properties: { banner: { code: p.code ?? null, category: category.type ?? null } } })];
        });
        const more = Number.isFinite(total) ? offset < total : items.length >= this.pageSize;
        return { records, next: more ? at(offset) : null, items: items.length };
      },
      { total: (res) => Number(res.headers['x-total-count']) || undefined },
    );
    return null;
  }
}
