// Reading terms from the store: one term by its URL name, a page of the list, and the facts
// the JSON needs beside the session itself (course counts, grading period groups).
import { addDays } from '../../domain/calendar-date.ts';
import { and } from '../../query/ast.ts';
import type { SessionRepository, SessionWithSeq } from '../../store/session-repository.ts';
import { notFound } from './errors.ts';
import type { TermRef } from './term-id.ts';
import { termEndAt, termStartAt } from './term-properties.ts';
import { localDayOf } from '../../domain/zoned-time.ts';

export interface TermLookup {
  tenantId: string;
  timeZone: string;
  now: Date;
}

/** The session a term reference names, if it is a Canvas term (not a grading period). */
export async function findTerm(repo: SessionRepository, lookup: TermLookup, ref: TermRef, options: { activeOnly: boolean }): Promise<SessionWithSeq> {
  const { tenantId } = lookup;
  let session: SessionWithSeq | null = null;
  if (ref.kind === 'canvasId') session = await repo.getByCanvasId(tenantId, ref.id);
  else if (ref.kind === 'sis') session = await repo.getByIdentifier(tenantId, 'sis', ref.value);
  else if (ref.kind === 'default') {
    const found = await repo.find(tenantId, { where: { field: 'isDefaultTerm', op: 'eq', value: true }, sort: [{ field: 'canvasId', direction: 'asc' }], page: { kind: 'offset', offset: 0, limit: 1 } });
    session = found.rows[0] ?? null;
  } else if (ref.kind === 'current') session = await currentTerm(repo, lookup);
  if (!session || session.type === 'gradingPeriod') throw notFound();
  if (options.activeOnly && session.status !== 'active') throw notFound();
  return session;
}

/**
 * Canvas's `current`: the single active term with start_at ≤ now ≤ end_at, a missing date
 * counting as open (but not both missing). None or several → not found.
 */
async function currentTerm(repo: SessionRepository, lookup: TermLookup): Promise<SessionWithSeq | null> {
  const now = lookup.now.getTime();
  const today = localDayOf(now, lookup.timeZone);
  // Days first (a day's margin either side covers any zone), then the exact instants.
  const candidates = await repo.find(lookup.tenantId, {
    where: and(
      { field: 'type', op: 'ne', value: 'gradingPeriod' },
      { field: 'status', op: 'eq', value: 'active' },
      { op: 'or', args: [{ field: 'beginDate', op: 'isNotNull' }, { field: 'endDate', op: 'isNotNull' }] },
      { op: 'or', args: [{ field: 'beginDate', op: 'isNull' }, { field: 'beginDate', op: 'lte', value: addDays(today, 1) }] },
      { op: 'or', args: [{ field: 'endDate', op: 'isNull' }, { field: 'endDate', op: 'gte', value: addDays(today, -1) }] },
    ),
    sort: [],
    page: { kind: 'offset', offset: 0, limit: 50 },
  });
  const running = candidates.rows.filter((s) => {
    const start = termStartAt(s, lookup.timeZone);
    const end = termEndAt(s, lookup.timeZone);
    return (start === null || Date.parse(start) <= now) && (end === null || now <= Date.parse(end));
  });
  return running.length === 1 ? running[0]! : null;
}

/** The sessions (of these) that group grading periods. */
export async function withGradingPeriods(repo: SessionRepository, tenantId: string, ids: string[]): Promise<Set<string>> {
  const links = await repo.gradingPeriodsOf(tenantId, ids);
  return new Set([...links].filter(([, gps]) => gps.length > 0).map(([id]) => id));
}
