// Blackboard Learn terms (Learn REST API, https://developer.anthology.com/portal/displayApi →
// /learn/api/public/v1/terms; paging and rate limits: https://docs.anthology.com/docs/blackboard/rest-apis/getting-started/paging
// and …/rate-limits): GET /learn/api/public/v1/terms?limit=… answers
// {"results":[{"id","externalId","dataSourceId","name","description","availability":{"available","duration":{"type","start","end","daysOfUse"}}}],
//  "paging":{"nextPage":"/learn/api/public/v1/terms?offset=…"}}; nextPage is absent on the last
// page. Tokens come from /learn/api/public/v1/oauth2/token (client credentials, Basic). Every
// response carries X-Rate-Limit-Limit/-Remaining/-Reset (seconds); a used-up window answers 429.
// Terms carry no modification date, so every pull reads them all; one no longer listed is
// deleted here.
import type { Connector, PullPage } from '../connector.ts';
import type { SourceClient } from '../source-client.ts';
import { absolute, dayOf, followPages, sessionRecord, text, typeFromName } from './paged-read.ts';

export class BlackboardConnector implements Connector {
  constructor(
    private readonly client: SourceClient,
    private readonly url: string,
    private readonly pageSize = 100,
  ) {}

  async *pages(_state: unknown, resume: unknown): AsyncGenerator<PullPage, null, void> {
    const root = new URL(this.url).origin;
    yield* followPages(this.client, `${root}/learn/api/public/v1/terms?limit=${this.pageSize}`, resume, (res) => {
      const body = (res.body ?? {}) as { results?: unknown; paging?: { nextPage?: string } };
      const items = (body.results ?? []) as Record<string, unknown>[];
      if (!Array.isArray(items)) throw new Error(`${root}/learn/api/public/v1/terms did not answer {"results": [...]}`);
      const records = items.flatMap((t) => {
        const id = text(t.id);
        if (!id) return [];
        const duration = ((t.availability as { duration?: Record<string, unknown> } | undefined)?.duration ?? {}) as Record<string, unknown>;
        const name = text(t.name) ?? text(t.externalId) ?? id;
        return [
          sessionRecord(id, {
            name,
            type: typeFromName(name),
            beginDate: duration.type === 'DateRange' ? dayOf(duration.start) : null,
            endDate: duration.type === 'DateRange' ? dayOf(duration.end) : null,
            properties: { blackboard: { externalId: t.externalId ?? null, dataSourceId: t.dataSourceId ?? null, available: (t.availability as { available?: unknown } | undefined)?.available ?? null } },
          }),
        ];
      });
      return { records, next: body.paging?.nextPage ? absolute(body.paging.nextPage, root) : null, items: items.length };
    });
    return null;
  }
}
