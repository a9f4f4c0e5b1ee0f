// Pulls enrollment terms from Canvas LMS: GET /api/v1/accounts/self/terms with every workflow
// state and the overrides, following the Link header's rel="next" until there is none. Canvas
// has no change feed, so every pull reads all terms; merging compares before writing, so an
// unchanged term costs a read and no write. Deleted terms become deletes; the account's
// "Default Term" (no dates) is Canvas's own placeholder and is not pulled.
import { lastDayOf, localDayOf } from '../domain/zoned-time.ts';
import type { Connector, ConnectorRecord, PullPage } from './connector.ts';
import type { SourceClient } from './source-client.ts';

interface CanvasResume {
  /** The next page's URL; null once the last page is staged. */
  next: string | null;
}


/** rel="next" of an RFC 8288 Link header. */
export function nextLink(header: string | undefined): string | null {
  if (!header) return null;
  for (const part of header.split(/,(?=\s*<)/)) {
    const m = /^\s*<([^>]+)>\s*;(.*)$/.exec(part);
    if (m && /\brel="?next"?/.test(m[2]!)) return m[1]!;
  }
  return null;
}

export class CanvasConnector implements Connector {
  constructor(
    private readonly client: SourceClient,
    private readonly url: string,
    /** The district's time zone: Canvas instants become school days in it. */
    private readonly timeZone: string,
    private readonly pageSize = 100,
  ) {}

  async *pages(_state: unknown, resume: unknown): AsyncGenerator<PullPage, null, void> {
    // Resuming after the last page was staged: nothing is left to read.
    if (resume && (resume as CanvasResume).next === null) return null;
    const root = this.url.replace(/\/+$/, '').replace(/\/api\/v1$/, '');
    let next: string | null =
      (resume as CanvasResume | null)?.next ?? `${root}/api/v1/accounts/self/terms?workflow_state[]=all&include[]=overrides&per_page=${Math.min(100, this.pageSize)}`;
    let page = 0;
    while (next) {
      const res = await this.client.getJson(next);
      const terms = ((res.body as { enrollment_terms?: unknown })?.enrollment_terms ?? []) as Record<string, unknown>[];
      if (!Array.isArray(terms)) throw new Error(`${next} did not answer {"enrollment_terms": [...]}`);
      next = nextLink(res.headers.link);
      page++;
      yield { records: terms.flatMap((t) => this.toRecords(t)), resume: next ? { next } : { next: null }, progress: { done: page } };
      if (next === null) break;
    }
    return null;
  }

  private toRecords(t: Record<string, unknown>): ConnectorRecord[] {
    const id = t.id === undefined || t.id === null ? '' : String(t.id);
    if (!id) return [];
    if (t.workflow_state === 'deleted') return [{ kind: 'delete', sourceId: id }];
    const startMs = typeof t.start_at === 'string' ? Date.parse(t.start_at) : NaN;
    const endMs = typeof t.end_at === 'string' ? Date.parse(t.end_at) : NaN;
    const name = typeof t.name === 'string' ? t.name.trim() : '';
    if (Number.isNaN(startMs) && Number.isNaN(endMs) && name === 'Default Term') return [];
    // The same rule as Canvas writes through this server's API (src/domain/zoned-time.ts).
    const beginDate = Number.isNaN(startMs) ? null : localDayOf(startMs, this.timeZone);
    const endDate = Number.isNaN(endMs) ? null : lastDayOf(endMs, this.timeZone, beginDate);
    const overrides = t.overrides && typeof t.overrides === 'object' ? t.overrides : {};
    return [
      {
        kind: 'session',
        sourceId: id,
        session: {
          school: null,
          schoolYear: null,
          name: name || `Term ${id}`,
          type: 'term',
          beginDate,
          endDate,
          parentSourceId: null,
          termDescriptor: null,
          gradingPeriodDescriptor: null,
          periodSequence: null,
          totalInstructionalDays: null,
          properties: { canvas: { startAt: t.start_at ?? null, endAt: t.end_at ?? null, overrides } },
        },
      },
    ];
  }
}
