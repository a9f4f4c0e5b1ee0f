// Pulls academicSessions (and orgs, to place them in schools) from a OneRoster 1.2 REST server.
// Sessions are read in dateLastModified order, each page asked for with
// `dateLastModified>='<the last one read>'` and an offset counting only the rows of that one
// millisecond already read: a keyset, so a session changed while the pull runs moves to the end
// instead of shifting a row past the pages already read, and a later pull starts from the
// newest millisecond seen (re-reading it is harmless: merging compares before writing). That
// is lossless against a server whose delta answers only what is settled below it, as
// termbridge's does (its change horizon). `tobedeleted` sessions become deletes; OneRoster's
// exclusive endDate becomes the inclusive last day.
import { addDays, isIsoDate } from '../domain/calendar-date.ts';
import { isSessionType, type SessionType } from '../domain/session.ts';
import type { Connector, ConnectorRecord, PullPage, SchoolRef } from './connector.ts';
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

/** The rostering base: the given URL, with the v1p2 rostering path added when absent. */
export function rosteringBase(url: string): string {
  const trimmed = url.replace(/\/+$/, '');
  return /\/ims\/oneroster\//.test(trimmed) ? trimmed : `${trimmed}${ROSTERING_PATH}`;
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
  ) {}

  async *pages(state: unknown, resume: unknown): AsyncGenerator<PullPage, OneRosterState, void> {
    const base = rosteringBase(this.url);
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

  private toRecords(s: Record<string, unknown>, orgs: Record<string, SchoolRef | null>): ConnectorRecord[] {
    const id = String(s.sourcedId ?? '');
    if (!id) return [];
    if (s.status === 'tobedeleted') return [{ kind: 'delete', sourceId: id }];
    const meta = (s.metadata && typeof s.metadata === 'object' ? s.metadata : {}) as Record<string, unknown>;
    const orgId = (s.org as { sourcedId?: unknown } | undefined)?.sourcedId;
    const school = typeof orgId === 'string' ? (orgs[orgId] ?? null) : null;
    const num = (v: unknown) => (typeof v === 'number' && Number.isInteger(v) ? v : null);
    const str = (v: unknown) => (typeof v === 'string' ? v : null);
    const year = typeof s.schoolYear === 'string' && /^\d{4}$/.test(s.schoolYear) ? Number(s.schoolYear) : null;
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
          // OneRoster's endDate is the first day after the session.
          endDate: isIsoDate(s.endDate) ? addDays(s.endDate, -1) : null,
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
