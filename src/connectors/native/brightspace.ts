// D2L Brightspace semesters (Valence Learning Platform API, https://docs.valence.desire2learn.com/res/orgunit.html
// "GET /d2l/api/lp/(version)/orgstructure/" and https://docs.valence.desire2learn.com/basic/apicall.html
// "Paged result sets"): GET /d2l/api/lp/1.43/orgstructure/?orgUnitType=5 answers a PagedResultSet
// {"PagingInfo":{"Bookmark","HasMoreItems"},"Items":[{"Identifier","Name","Code","Path","Type":{"Id","Code","Name"}}]};
// the next page repeats the call with bookmark=<Bookmark> while HasMoreItems. Semester is the
// built-in org unit type 5 unless the district's differs (settings.semesterTypeId). An org unit
// has no dates, so semesters arrive without them (OneRoster, Canvas and Edlink show them; Ed-Fi
// lists only sessions with dates). Every pull reads all; one no longer listed is deleted here.
import type { Connector, PullPage } from '../connector.ts';
import type { SourceClient } from '../source-client.ts';
import { followPages, sessionRecord, text } from './paged-read.ts';

export class BrightspaceConnector implements Connector {
  constructor(
    private readonly client: SourceClient,
    private readonly url: string,
    private readonly apiVersion = '1.43',
    private readonly semesterTypeId = 5,
  ) {}

  async *pages(_state: unknown, resume: unknown): AsyncGenerator<PullPage, null, void> {
    const root = new URL(this.url).origin;
    const first = `${root}/d2l/api/lp/${this.apiVersion}/orgstructure/?orgUnitType=${this.semesterTypeId}`;
    yield* followPages(this.client, first, resume, (res) => {
      const body = (res.body ?? {}) as { PagingInfo?: { Bookmark?: string; HasMoreItems?: boolean }; Items?: unknown };
      const items = (body.Items ?? []) as Record<string, unknown>[];
      if (!Array.isArray(items)) throw new Error(`${first} did not answer a paged result set {"PagingInfo", "Items": [...]}`);
      const records = items.flatMap((o) => {
        const id = text(o.Identifier);
        if (!id) return [];
        return [sessionRecord(id, { name: text(o.Name) ?? text(o.Code) ?? id, type: 'semester', beginDate: null, endDate: null, schoolYear: null, properties: { brightspace: { code: o.Code ?? null, path: o.Path ?? null } } })];
      });
      const more = body.PagingInfo?.HasMoreItems === true && body.PagingInfo.Bookmark;
      return { records, next: more ? `${first}&bookmark=${encodeURIComponent(body.PagingInfo!.Bookmark!)}` : null, items: items.length };
    });
    return null;
  }
}
