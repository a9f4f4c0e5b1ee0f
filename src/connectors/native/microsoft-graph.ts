// Microsoft Graph Education class terms (https://learn.microsoft.com/graph/api/resources/educationterm,
// https://learn.microsoft.com/graph/api/educationclass-delta, paging:
// https://learn.microsoft.com/graph/paging, throttling: https://learn.microsoft.com/graph/throttling).
// Graph has no term resource: a term ({"displayName","externalId","startDate","endDate"}) is a
// property of each educationClass. So the connector keeps which term each class has, reading
// GET /education/classes/delta — {"value":[…],"@odata.nextLink"} pages, the last one with
// "@odata.deltaLink" — and, on later pulls, only the delta since that link (classes changed or
// "@removed"). A term is a session while some class has it; when the last such class goes or
// moves to another term, the session is deleted. Its id is the term's externalId (the SIS's id,
// which School Data Sync fills), or its name and dates when there is none. Throttling answers
// 429 with Retry-After.
import type { Connector, ConnectorRecord, PullPage } from '../connector.ts';
import type { SourceClient } from '../source-client.ts';
import { dayOf, sessionRecord, text, typeFromName } from './paged-read.ts';

interface GraphTerm {
  displayName: string;
  externalId: string | null;
  startDate: string | null;
  endDate: string | null;
}

export interface GraphState {
  deltaLink: string | null;
  /** class id → its term's key. */
  classes: Record<string, string>;
  terms: Record<string, GraphTerm>;
}

interface GraphResume extends GraphState {
  next: string;
  /** The terms classes had when this pull started, to find the ones left without a class. */
  before: string[];
}

export function termKey(t: GraphTerm): string {
  return t.externalId ?? `${t.displayName}|${t.startDate ?? ''}|${t.endDate ?? ''}`;
}

function termOf(raw: unknown): GraphTerm | null {
  const t = (raw ?? {}) as Record<string, unknown>;
  const displayName = text(t.displayName);
  if (!displayName) return null;
  return { displayName, externalId: text(t.externalId), startDate: dayOf(t.startDate), endDate: dayOf(t.endDate) };
}

export class MicrosoftGraphConnector implements Connector {
  constructor(
    private readonly client: SourceClient,
    private readonly url: string,
  ) {}

  async *pages(state: unknown, resume: unknown): AsyncGenerator<PullPage, GraphState, void> {
    const base = this.url.replace(/\/+$/, '');
    const s = (state as GraphState | null) ?? { deltaLink: null, classes: {}, terms: {} };
    const staged = resume as (GraphResume & { finished?: boolean }) | null;
    if (staged?.finished) return { deltaLink: staged.deltaLink, classes: staged.classes, terms: staged.terms };
    let r: GraphResume = staged ?? {
      ...s,
      next: s.deltaLink ?? `${base}/education/classes/delta`,
      before: [...new Set(Object.values(s.classes))],
    };
    for (;;) {
      const res = await this.client.getJson(r.next);
      const body = (res.body ?? {}) as { value?: unknown; '@odata.nextLink'?: string; '@odata.deltaLink'?: string };
      const items = (body.value ?? []) as Record<string, unknown>[];
      if (!Array.isArray(items)) throw new Error(`${r.next} did not answer {"value": [...]}`);
      const classes = { ...r.classes };
      const terms = { ...r.terms };
      for (const c of items) {
        const id = text(c.id);
        if (!id) continue;
        const term = termOf(c.term);
        // A class removed, or left without a term, no longer keeps its old term alive.
        if ('@removed' in c || !term) delete classes[id];
        else {
          classes[id] = termKey(term);
          terms[termKey(term)] = term;
        }
      }
      const nextLink = body['@odata.nextLink'];
      if (nextLink) {
        r = { ...r, classes, terms, next: nextLink };
        yield { records: [], resume: r, progress: { done: Object.keys(classes).length } };
        continue;
      }
      const live = new Set(Object.values(classes));
      const records: ConnectorRecord[] = [...live].map((key) => {
        const t = terms[key]!;
        return sessionRecord(key, { name: t.displayName, type: typeFromName(t.displayName), beginDate: t.startDate, endDate: t.endDate, properties: { microsoft: { externalId: t.externalId } } });
      });
      for (const key of r.before) if (!live.has(key)) records.push({ kind: 'delete', sourceId: key });
      const kept = Object.fromEntries([...live].map((k) => [k, terms[k]!]));
      const done: GraphState = { deltaLink: body['@odata.deltaLink'] ?? null, classes, terms: kept };
      // The final page's position is "nothing left": a resumed pull after it reads no more.
      yield { records, resume: { ...done, next: done.deltaLink ?? r.next, before: r.before, finished: true }, progress: { done: Object.keys(classes).length } };
      return done;
    }
  }
}
