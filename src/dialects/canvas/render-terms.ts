// Sessions → EnrollmentTerm objects, with the facts the JSON needs beside each session: course
// counts (when asked), grading period groups, used_in_subaccount, string ids.
import type { FastifyRequest } from 'fastify';
import type { Db } from '../../store/database.ts';
import { SessionRepository, type SessionWithSeq } from '../../store/session-repository.ts';
import type { AccountRef } from './account.ts';
import { withGradingPeriods } from './find-terms.ts';
import { termJson, wantsStringIds, type EnrollmentTermJson } from './term-json.ts';
import { isDefaultTerm } from './term-properties.ts';

export interface RenderOptions {
  overrides: boolean;
  courseCount: boolean;
  /** used_in_subaccount for this account (list only). */
  subaccount?: AccountRef | undefined;
}

export async function renderTerms(
  db: Db,
  request: FastifyRequest,
  clock: { tenantId: string; timeZone: string },
  sessions: SessionWithSeq[],
  options: RenderOptions,
): Promise<EnrollmentTermJson[]> {
  const repo = new SessionRepository(db);
  const ids = sessions.map((s) => s.id);
  const sub = options.subaccount;
  const counts = options.courseCount || sub?.kind === 'root' ? await repo.activeCourseSectionCounts(clock.tenantId, ids) : undefined;
  const grouping = await withGradingPeriods(repo, clock.tenantId, ids);
  const stringIds = wantsStringIds(request.headers.accept);
  return sessions.map((s) => {
    // Used below a school: the term is that school's, or the Default Term. Below the root
    // account itself: any course section uses it, or it is the Default Term.
    const used = sub === undefined ? undefined : isDefaultTerm(s) || (sub.kind === 'subAccount' ? s.schoolOrgId === sub.school.id : (counts?.get(s.id) ?? 0) > 0);
    return termJson(s, {
      timeZone: clock.timeZone,
      includeOverrides: options.overrides,
      courseCount: options.courseCount ? counts?.get(s.id) : undefined,
      hasGradingPeriods: grouping.has(s.id),
      usedInSubaccount: used,
      stringIds,
    });
  });
}
