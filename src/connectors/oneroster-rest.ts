// Pulls academicSessions (and orgs, to place them in schools) from a OneRoster 1.1 or 1.2 REST
// server; what differs between the versions comes from oneroster-version.ts.
// Sessions are read in dateLastModified order, each page asked for with
// `dateLastModified>='<the last one read>'` and an offset counting only the rows of that one
// millisecond already read: a keyset, so a session changed while the pull runs moves to the end
// instead of shifting a row past the pages already read, and a later pull starts from the
// newest millisecond seen (re-reading it is harmless: merging compares before writing). That
// is lossless against a server whose delta answers only what is settled below it, as
// termbridge's does (its change horizon). `tobedeleted` sessions become deletes; OneRoster's
// exclusive endDate becomes the inclusive last day.
// A source that does not sort or filter on dateLastModified (a profile's `paging: 'offset'`) is
// read whole every time by offset, following the Link header's rel="next" when it sends one and
// stopping at X-Total-Count; what it no longer lists is then deleted here.
import { addDays, isIsoDate } from '../domain/calendar-date.ts';
import { isSessionType, type SessionType } from '../domain/session.ts';
import { nextLink } from './canvas.ts';
import type { Connector, ConnectorRecord, PullPage, SchoolRef } from './connector.ts';
import { ONEROSTER_VERSIONS, type OneRosterVersion } from './oneroster-version.ts';
import type { SourceClient } from './source-client.ts';

export const ROSTERING_PATH = '/ims/oneroster/rostering/v1p2';

export interface OneRosterState {
  /** The newest dateLastModified seen (ISO instant). */
  since: string | null;
}

interface OneRosterResume {
  phase: 'orgs' | 'sessions';
  offset: number;
  /** The dateLastModified read up to; null: from the start. */
  since: string | null;
  /** How many rows of the millisecond `since` are read, and the last of them (sourcedId). */
  taken: number;
  last: string | null;
  /** Times that millisecond was read again because it changed under the pull. */
  rereads: number;
  /** Sessions read by this pull (progress). */
  read: number;
  orgs: Record<string, SchoolRef | null>;
}

/** A source that orders one millisecond's rows differently each time is read on without checking, after this many tries. */
const MAX_REREADS = 3;

/**
 * The rostering base: a bare host gets the version's rostering path; a URL with a path is the
 * base itself (the standard path, or a provider's own such as Infinite Campus's).
 */
export function rosteringBase(url: string, version: OneRosterVersion = ONEROSTER_VERSIONS['1.2']): string {
  const trimmed = url.replace(/\/+$/, '');
  return new URL(trimmed).pathname.replace(/\/+$/, '') === '' ? `${trimmed}${version.rosteringPath}` : trimmed;
}

/** A row's dateLastModified as an ISO instant, null when it has none. */
function modifiedAt(s: Record<string, unknown>): string | null {
  const ms = typeof s.dateLastModified === 'string' ? Date.parse(s.dateLastModified) : Number.NaN;
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

export function canonicalType(wire: unknown): SessionType {
  if (typeof wire !== 'string') return 'other';
  const name = wire.startsWith('ext:') ? wire.slice(4) : wire;
  return isSessionType(name) ? name : 'other';
}

export class OneRosterRestConnector implements Connector {
  constructor(
    private readonly client: SourceClient,
    private readonly url: string,
    private readonly pageSize = 100,
    private readonly version: OneRosterVersion = ONEROSTER_VERSIONS['1.2'],
    private readonly paging: 'keyset' | 'offset' = 'keyset',
  ) {}

  async *pages(state: unknown, resume: unknown): AsyncGenerator<PullPage, OneRosterState, void> {
    const base = rosteringBase(this.url, this.version);
    const since = (state as OneRosterState | null)?.since ?? null;
    const stored = resume as Partial<OneRosterResume> | null;
    // A position saved by an older version (offset paging) restarts the sessions from its `since`.
    let r: OneRosterResume =
      stored && typeof stored.taken === 'number'
        ? (stored as OneRosterResume)
        : { phase: stored?.phase ?? 'orgs', offset: stored?.phase === 'sessions' ? 0 : (stored?.offset ?? 0), since: stored?.since ?? since, taken: 0, last: null, rereads: 0, read: 0, orgs: stored?.orgs ?? {} };
    while (r.phase === 'orgs') {
      const res = await this.client.getJson(`${base}/orgs?limit=${this.pageSize}&offset=${r.offset}`, { allowNotFound: true });
      const orgs = res.status === 404 ? [] : (((res.body as { orgs?: unknown })?.orgs ?? []) as Record<string, unknown>[]);
      const known = { ...r.orgs };
      for (const o of Array.isArray(orgs) ? orgs : []) {
        const id = String(o.sourcedId ?? '');
        if (!id) continue;
        const identifier = typeof o.identifier === 'string' && /^\d{1,15}$/.test(o.identifier) ? Number(o.identifier) : null;
        known[id] = o.type === 'school' ? { schoolId: identifier, name: typeof o.name === 'string' ? o.name : null } : null;
      }
      r = orgs.length >= this.pageSize ? { ...r, offset: r.offset + orgs.length, orgs: known } : { ...r, phase: 'sessions', offset: 0, orgs: known };
      yield { records: [], resume: r };
    }
    if (this.paging === 'offset') {
      yield* this.everything(base, r);
      return { since: null };
    }
    for (;;) {
      // Ask again for the last row taken: if it is not first, rows of its millisecond left
      // (changed meanwhile) and the offset would skip one; read that millisecond again instead.
      const overlap = r.taken > 0 ? 1 : 0;
      const filter = r.since ? `&filter=${encodeURIComponent(`dateLastModified>='${r.since}'`)}` : '';
      const res = await this.client.getJson(`${base}/academicSessions?limit=${this.pageSize}&offset=${r.taken - overlap}&sort=dateLastModified&orderBy=asc${filter}`);
      const items = ((res.body as { academicSessions?: unknown })?.academicSessions ?? []) as Record<string, unknown>[];
      if (!Array.isArray(items)) throw new Error(`${base}/academicSessions did not answer {"academicSessions": [...]}`);
      const shifted = overlap === 1 && (items[0] === undefined || String(items[0].sourcedId) !== r.last || modifiedAt(items[0]) !== r.since);
      if (shifted && r.rereads < MAX_REREADS) {
        r = { ...r, taken: 0, last: null, rereads: r.rereads + 1 };
        continue;
      }
      const fresh = shifted ? items : items.slice(overlap);
      const remaining = Number(res.headers['x-total-count']) - r.taken;
      for (const s of fresh) {
        const at = modifiedAt(s) ?? r.since;
        const last = String(s.sourcedId ?? '');
        r = at === r.since ? { ...r, taken: r.taken + 1, last } : { ...r, since: at, taken: 1, last, rereads: 0 };
      }
      const read = r.read + fresh.length;
      r = { ...r, read };
      yield { records: fresh.flatMap((s) => this.toRecords(s, r.orgs)), resume: r, progress: { done: read, total: remaining >= 0 ? read - fresh.length + remaining : undefined } };
      if (items.length < this.pageSize) break;
    }
    return { since: r.since };
  }

  /** Every session by offset (Link rel="next" when sent), then: what is not listed is deleted. */
  private async *everything(base: string, start: OneRosterResume): AsyncGenerator<PullPage, void, void> {
    let r = start;
    let next: string | null = `${base}/academicSessions?limit=${this.pageSize}&offset=${r.offset}`;
    while (next !== null) {
      const res = await this.client.getJson(next);
      const items = ((res.body as { academicSessions?: unknown })?.academicSessions ?? []) as Record<string, unknown>[];
      if (!Array.isArray(items)) throw new Error(`${next} did not answer {"academicSessions": [...]}`);
      const total = Number(res.headers['x-total-count']);
      const offset = r.offset + items.length;
      const linked = nextLink(res.headers.link);
      next = items.length === 0 || (Number.isFinite(total) && offset >= total) ? null : (linked ?? (items.length >= this.pageSize ? `${base}/academicSessions?limit=${this.pageSize}&offset=${offset}` : null));
      r = { ...r, offset, read: r.read + items.length };
      const records = items.flatMap((s) => this.toRecords(s, r.orgs));
      if (next === null) records.push({ kind: 'absentAreDeleted' });
      yield { records, resume: r, progress: { done: r.read, total: Number.isFinite(total) ? total : undefined } };
    }
  }

  private toRecords(s: Record<string, unknown>, orgs: Record<string, SchoolRef | null>): ConnectorRecord[] {
    const id = String(s.sourcedId ?? '');
    if (!id) return [];
    if (typeof s.status === 'string' && this.version.deleteStatuses.includes(s.status)) return [{ kind: 'delete', sourceId: id }];
    const meta = (s.metadata && typeof s.metadata === 'object' ? s.metadata : {}) as Record<string, unknown>;
    const orgId = (s.org as { sourcedId?: unknown } | undefined)?.sourcedId;
    const school = typeof orgId === 'string' ? (orgs[orgId] ?? null) : null;
    const num = (v: unknown) => (typeof v === 'number' && Number.isInteger(v) ? v : null);
    const str = (v: unknown) => (typeof v === 'string' ? v : null);
    // schoolYear is a string "YYYY" in both versions; some 1.1 sources send a number.
    const year = /^\d{4}$/.test(String(s.schoolYear ?? '')) ? Number(s.schoolYear) : null;
    return [
      {
        kind: 'session',
        sourceId: id,
        session: {
          school,
          schoolYear: year,
          name: typeof s.title === 'string' ? s.title : '',
          type: canonicalType(s.type),
          beginDate: isIsoDate(s.startDate) ? s.startDate : null,
          // 1.2's endDate is the first day after the session; a 1.1 source's is its last day.
          endDate: isIsoDate(s.endDate) ? (this.version.endDate === 'exclusive' ? addDays(s.endDate, -1) : s.endDate) : null,
          parentSourceId: str((s.parent as { sourcedId?: unknown } | undefined)?.sourcedId),
          termDescriptor: str(meta.termDescriptor),
          gradingPeriodDescriptor: str(meta.gradingPeriodDescriptor),
          periodSequence: num(meta.periodSequence),
          totalInstructionalDays: num(meta.totalInstructionalDays),
          properties: {},
        },
      },
    ];
  }
}
