// Pulls academicSessions (and orgs, to place them in schools) from a OneRoster 1.2 REST server
// with limit/offset paging. The first pull reads everything; later pulls ask only for
// `dateLastModified>='<newest seen>'` (re-reading the boundary is harmless: merging compares
// before writing). `tobedeleted` sessions become deletes; OneRoster's exclusive endDate becomes
// the inclusive last day.
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
  since: string | null;
  newest: string | null;
  orgs: Record<string, SchoolRef | null>;
}

/** The rostering base: the given URL, with the v1p2 rostering path added when absent. */
export function rosteringBase(url: string): string {
  const trimmed = url.replace(/\/+$/, '');
  return /\/ims\/oneroster\//.test(trimmed) ? trimmed : `${trimmed}${ROSTERING_PATH}`;
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
    let r: OneRosterResume = (resume as OneRosterResume | null) ?? { phase: 'orgs', offset: 0, since, newest: since, orgs: {} };
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
      const filter = r.since ? `&filter=${encodeURIComponent(`dateLastModified>='${r.since}'`)}` : '';
      const res = await this.client.getJson(`${base}/academicSessions?limit=${this.pageSize}&offset=${r.offset}&sort=sourcedId&orderBy=asc${filter}`);
      const items = ((res.body as { academicSessions?: unknown })?.academicSessions ?? []) as Record<string, unknown>[];
      if (!Array.isArray(items)) throw new Error(`${base}/academicSessions did not answer {"academicSessions": [...]}`);
      let newest = r.newest;
      for (const s of items) {
        const modified = typeof s.dateLastModified === 'string' ? Date.parse(s.dateLastModified) : NaN;
        if (!Number.isNaN(modified) && (newest === null || modified > Date.parse(newest))) newest = new Date(modified).toISOString();
      }
      const records = items.flatMap((s) => this.toRecords(s, r.orgs));
      const done = items.length < this.pageSize;
      r = { ...r, offset: r.offset + items.length, newest };
      yield { records, resume: r, progress: { done: r.offset, total: Number(res.headers['x-total-count']) || undefined } };
      if (done) break;
    }
    return { since: r.newest };
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
