// Reading terms from the store: one term by its URL name, a page of the list, and the facts
// the JSON needs beside the session itself (course counts, grading period groups).
import type { SessionRepository, SessionWithSeq } from '../../store/session-repository.ts';
import { notFound } from './errors.ts';
import type { TermRef } from './term-id.ts';

/** The session a term reference names, if it is a Canvas term (not a grading period). */
export async function findTerm(
  repo: SessionRepository,
  tenantId: string,
  ref: TermRef,
  options: { activeOnly: boolean },
): Promise<SessionWithSeq> {
  let session: SessionWithSeq | null = null;
  if (ref.kind === 'canvasId') session = await repo.getByCanvasId(tenantId, ref.id);
  else if (ref.kind === 'sis') session = await repo.getByIdentifier(tenantId, 'sis', ref.value);
  else if (ref.kind === 'default') {
    const found = await repo.find(tenantId, { where: { field: 'isDefaultTerm', op: 'eq', value: true }, sort: [{ field: 'canvasId', direction: 'asc' }], page: { kind: 'offset', offset: 0, limit: 1 } });
    session = found.rows[0] ?? null;
  }
  if (!session || session.type === 'gradingPeriod') throw notFound();
  if (options.activeOnly && session.status !== 'active') throw notFound();
  return session;
}

/** Active course sections per session: Canvas's course_count and "term has active courses". */
export async function courseCounts(repo: SessionRepository, tenantId: string, ids: string[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const id of ids) out.set(id, (await repo.dependents(tenantId, id)).courseSections);
  return out;
}

/** The sessions (of these) that group grading periods. */
export async function withGradingPeriods(repo: SessionRepository, tenantId: string, ids: string[]): Promise<Set<string>> {
  const links = await repo.gradingPeriodsOf(tenantId, ids);
  return new Set([...links].filter(([, gps]) => gps.length > 0).map(([id]) => id));
}
