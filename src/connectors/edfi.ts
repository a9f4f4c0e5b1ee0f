// Pulls schools, sessions and grading periods from an Ed-Fi ODS/API v7. The first pull reads
// every item by cursor paging (limit, then Next-Page-Token/pageToken). Later pulls read only
// what changed since the last change version seen, in Ed-Fi's sync order: keyChanges, then
// changed items (minChangeVersion/maxChangeVersion), then deletes; the window's upper end is
// fixed when the pull starts, so a resumed pull reads the same window.
import { DESCRIPTOR_SEEDS } from '../domain/descriptor-catalog.ts';
import { isIsoDate } from '../domain/calendar-date.ts';
import type { SessionType } from '../domain/session.ts';
import type { Connector, ConnectorRecord, GradingPeriodRef, PullPage } from './connector.ts';
import type { SourceClient } from './source-client.ts';

export interface EdfiState {
  changeVersion: number;
}

type Resource = 'schools' | 'sessions' | 'gradingPeriods';
type Step = { resource: Resource; read: 'all' | 'changes' | 'keyChanges' | 'deletes' };

interface EdfiResume {
  target: number;
  from: number | null;
  step: number;
  /** pageToken for item reads, offset for deletes/keyChanges; null: the step's first page. */
  token: string | number | null;
}

const TYPE_OF_TERM = new Map(DESCRIPTOR_SEEDS.filter((d) => d.sessionType).map((d) => [d.codeValue.toLowerCase(), d.sessionType as SessionType]));

export function edfiSteps(from: number | null): Step[] {
  if (from === null) return [{ resource: 'schools', read: 'all' }, { resource: 'sessions', read: 'all' }, { resource: 'gradingPeriods', read: 'all' }];
  return [
    { resource: 'schools', read: 'changes' },
    { resource: 'sessions', read: 'keyChanges' },
    { resource: 'gradingPeriods', read: 'keyChanges' },
    { resource: 'sessions', read: 'changes' },
    { resource: 'gradingPeriods', read: 'changes' },
    { resource: 'sessions', read: 'deletes' },
    { resource: 'gradingPeriods', read: 'deletes' },
  ];
}

/** The ODS root: the given URL without a trailing /data/v3[/ed-fi]. */
export function edfiRoot(url: string): string {
  return url.replace(/\/+$/, '').replace(/\/data\/v3(\/ed-fi)?$/, '');
}

export class EdfiConnector implements Connector {
  constructor(
    private readonly client: SourceClient,
    private readonly url: string,
    private readonly pageSize = 500,
  ) {}

  async *pages(state: unknown, resume: unknown): AsyncGenerator<PullPage, EdfiState, void> {
    const root = edfiRoot(this.url);
    let r = resume as EdfiResume | null;
    if (!r) {
      const versions = await this.client.getJson(`${root}/changeQueries/v1/availableChangeVersions`);
      const target = Number((versions.body as { newestChangeVersion?: unknown }).newestChangeVersion);
      if (!Number.isSafeInteger(target)) throw new Error(`${root}/changeQueries/v1/availableChangeVersions did not give a newestChangeVersion`);
      const last = (state as EdfiState | null)?.changeVersion ?? null;
      if (last !== null && last === target) return { changeVersion: last };
      // A newest version below the last one seen means the ODS was restored or rebuilt: its
      // change history no longer continues ours, so read everything again.
      r = { target, from: last !== null && last < target ? last : null, step: 0, token: null };
    }
    const steps = edfiSteps(r.from);
    const base = `${root}/data/v3/ed-fi`;
    while (r.step < steps.length) {
      const step = steps[r.step]!;
      const window = r.from === null ? `` : `&minChangeVersion=${r.from + 1}&maxChangeVersion=${r.target}`;
      let url: string;
      if (step.read === 'all' || step.read === 'changes')
        url = r.token === null ? `${base}/${step.resource}?limit=${this.pageSize}${window}` : `${base}/${step.resource}?pageToken=${encodeURIComponent(String(r.token))}&pageSize=${this.pageSize}${window}`;
      else url = `${base}/${step.resource}/${step.read}?offset=${r.token ?? 0}&limit=${this.pageSize}${window}`;
      const res = await this.client.getJson(url, { allowNotFound: step.resource === 'schools' });
      const items = res.status === 404 || !Array.isArray(res.body) ? [] : (res.body as Record<string, unknown>[]);
      const records = items.flatMap((item) => toRecords(step, item));
      let next: EdfiResume;
      if (step.read === 'all' || step.read === 'changes') {
        const token = res.headers['next-page-token'];
        next = items.length > 0 && token ? { ...r, token } : { ...r, step: r.step + 1, token: null };
      } else {
        const offset = Number(r.token ?? 0) + items.length;
        next = items.length >= this.pageSize ? { ...r, token: offset } : { ...r, step: r.step + 1, token: null };
      }
      r = next;
      yield { records, resume: r, progress: { done: r.step, total: steps.length } };
    }
    return { changeVersion: r.target };
  }
}

function toRecords(step: Step, item: Record<string, unknown>): ConnectorRecord[] {
  const id = String(item.id ?? '');
  if (step.read === 'deletes') return id ? [{ kind: 'delete', sourceId: id }] : [];
  if (step.read === 'keyChanges') {
    const k = (item.newKeyValues ?? {}) as Record<string, unknown>;
    const name = step.resource === 'sessions' ? k.sessionName : k.gradingPeriodName;
    if (!id || typeof name !== 'string') return [];
    return [{ kind: 'keyChange', sourceId: id, name, schoolYear: numberOrNull(k.schoolYear), school: { schoolId: numberOrNull(k.schoolId) } }];
  }
  if (step.resource === 'schools') {
    const schoolId = numberOrNull(item.schoolId);
    return schoolId === null ? [] : [{ kind: 'school', schoolId, name: String(item.nameOfInstitution ?? `School ${schoolId}`) }];
  }
  const school = { schoolId: numberOrNull((item.schoolReference as Record<string, unknown> | undefined)?.schoolId) };
  const schoolYear = numberOrNull((item.schoolYearTypeReference as Record<string, unknown> | undefined)?.schoolYear);
  const dates = { beginDate: dateOrNull(item.beginDate), endDate: dateOrNull(item.endDate) };
  if (step.resource === 'sessions') {
    const termDescriptor = typeof item.termDescriptor === 'string' ? item.termDescriptor : null;
    const code = termDescriptor?.split('#')[1]?.toLowerCase();
    return [
      {
        kind: 'session',
        sourceId: id,
        session: {
          school,
          schoolYear,
          name: String(item.sessionName ?? ''),
          type: (code && TYPE_OF_TERM.get(code)) || 'term',
          ...dates,
          parentSourceId: null,
          termDescriptor,
          gradingPeriodDescriptor: null,
          periodSequence: null,
          totalInstructionalDays: numberOrNull(item.totalInstructionalDays),
          properties: {},
          gradingPeriods: gradingPeriodRefs(item.gradingPeriods),
        },
      },
    ];
  }
  return [
    {
      kind: 'session',
      sourceId: id,
      session: {
        school,
        schoolYear,
        name: String(item.gradingPeriodName ?? ''),
        type: 'gradingPeriod',
        ...dates,
        parentSourceId: null,
        termDescriptor: null,
        gradingPeriodDescriptor: typeof item.gradingPeriodDescriptor === 'string' ? item.gradingPeriodDescriptor : null,
        periodSequence: numberOrNull(item.periodSequence),
        totalInstructionalDays: numberOrNull(item.totalInstructionalDays),
        properties: {},
      },
    },
  ];
}

function numberOrNull(v: unknown): number | null {
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
  return typeof n === 'number' && Number.isFinite(n) ? n : null;
}

function dateOrNull(v: unknown): string | null {
  return isIsoDate(v) ? v : typeof v === 'string' && isIsoDate(v.slice(0, 10)) ? v.slice(0, 10) : null;
}

function gradingPeriodRefs(list: unknown): GradingPeriodRef[] {
  if (!Array.isArray(list)) return [];
  return list.flatMap((entry) => {
    const r = (entry as { gradingPeriodReference?: Record<string, unknown> } | null)?.gradingPeriodReference;
    const schoolId = numberOrNull(r?.schoolId);
    const schoolYear = numberOrNull(r?.schoolYear);
    if (!r || typeof r.gradingPeriodDescriptor !== 'string' || typeof r.gradingPeriodName !== 'string' || schoolId === null || schoolYear === null) return [];
    return [{ descriptor: r.gradingPeriodDescriptor, name: r.gradingPeriodName, schoolId, schoolYear }];
  });
}
