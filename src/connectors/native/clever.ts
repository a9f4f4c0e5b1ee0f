// Clever terms (Clever API v3.0, https://dev.clever.com/reference/getterms and
// https://dev.clever.com/docs/events-api): GET /v3.0/terms?limit=… answers
// {"data":[{"data":{"id","district","name","start_date","end_date"},"uri"}],"links":[{"rel":"next","uri":"/v3.0/terms?…&starting_after=…"}]};
// the next page is the rel="next" link. The first pull reads every term (and notes the newest
// event first, `GET /v3.0/events?limit=1&ending_before=last`); later pulls read only the events
// after it (`starting_after`), whose terms.created / terms.updated carry the term in
// data.object and terms.deleted its id. A district whose app has no events access (404) is read
// whole each time. Clever's rate limit answers 429 with X-RateLimit-Reset (epoch seconds).
import type { Connector, ConnectorRecord, PullPage } from '../connector.ts';
import type { SourceClient, SourceResponse } from '../source-client.ts';
import { absolute, dayOf, followPages, sessionRecord, text, typeFromName, type PagedResume } from './paged-read.ts';

export interface CleverState {
  /** The newest event id seen; null: events are not available, read everything. */
  lastEvent: string | null;
}

interface CleverResume {
  mode: 'all' | 'events';
  mark: string | null;
  paged: PagedResume | null;
}

type Wrapped = { data?: Record<string, unknown>; uri?: string };

function nextOf(res: SourceResponse, base: string): string | null {
  const links = (res.body as { links?: { rel?: string; uri?: string }[] })?.links;
  const next = Array.isArray(links) ? links.find((l) => l.rel === 'next')?.uri : undefined;
  return next ? absolute(next, base) : null;
}

export function cleverTerm(t: Record<string, unknown>): ConnectorRecord[] {
  const id = text(t.id);
  if (!id) return [];
  const name = text(t.name) ?? `Term ${id}`;
  return [sessionRecord(id, { name, type: typeFromName(name), beginDate: dayOf(t.start_date), endDate: dayOf(t.end_date), properties: { clever: { district: t.district ?? null } } })];
}

export class CleverConnector implements Connector {
  constructor(
    private readonly client: SourceClient,
    private readonly url: string,
    private readonly pageSize = 100,
  ) {}

  async *pages(state: unknown, resume: unknown): AsyncGenerator<PullPage, CleverState, void> {
    const base = this.url.replace(/\/+$/, '').replace(/\/v3\.0$/, '');
    const last = (state as CleverState | null)?.lastEvent ?? null;
    let r = resume as CleverResume | null;
    if (!r) {
      if (last) r = { mode: 'events', mark: last, paged: null };
      else {
        // The newest event before reading: changes made during the read are read next time.
        const newest = await this.client.getJson(`${base}/v3.0/events?limit=1&ending_before=last`, { allowNotFound: true });
        const data = (newest.body as { data?: Wrapped[] })?.data;
        r = { mode: 'all', mark: newest.status === 404 || !Array.isArray(data) ? null : (text(data[0]?.data?.id) ?? null), paged: null };
      }
    }
    const mark = r.mark;
    if (r.mode === 'all') {
      const pages = followPages(this.client, `${base}/v3.0/terms?limit=${this.pageSize}`, r.paged, (res) => {
        const data = ((res.body as { data?: unknown })?.data ?? []) as Wrapped[];
        if (!Array.isArray(data)) throw new Error(`${base}/v3.0/terms did not answer {"data": [...]}`);
        return { records: data.flatMap((w) => cleverTerm(w.data ?? {})), next: nextOf(res, base), items: data.length };
      });
      for await (const page of pages) yield { ...page, resume: { mode: 'all', mark, paged: page.resume as PagedResume } satisfies CleverResume };
      return { lastEvent: mark };
    }
    let newest = mark;
    const pages = followPages(
      this.client,
      `${base}/v3.0/events?limit=${this.pageSize}&starting_after=${encodeURIComponent(mark!)}`,
      r.paged,
      (res) => {
        const data = ((res.body as { data?: unknown })?.data ?? []) as Wrapped[];
        if (!Array.isArray(data)) throw new Error(`${base}/v3.0/events did not answer {"data": [...]}`);
        const records: ConnectorRecord[] = [];
        for (const w of data) {
          const e = w.data ?? {};
          newest = text(e.id) ?? newest;
          const object = ((e.data as { object?: Record<string, unknown> } | undefined)?.object ?? {}) as Record<string, unknown>;
          if (e.type === 'terms.created' || e.type === 'terms.updated') records.push(...cleverTerm(object));
          else if (e.type === 'terms.deleted' && text(object.id)) records.push({ kind: 'delete', sourceId: text(object.id)! });
        }
        return { records, next: nextOf(res, base), items: data.length };
      },
      { complete: false },
    );
    for await (const page of pages) yield { ...page, resume: { mode: 'events', mark, paged: page.resume as PagedResume } satisfies CleverResume };
    return { lastEvent: newest };
  }
}
