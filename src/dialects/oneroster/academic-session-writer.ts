// PUT / POST / DELETE of academic sessions (the seed's vendor extension of the read-only 1.2
// service): resolve org and parent, apply the domain rules, and write in one transaction.
import { WriteConflict, writeTransaction } from '../../store/write-transaction.ts';
import { randomUUID } from 'node:crypto';
import { validateSession } from '../../domain/validation.ts';
import { hierarchyViolations } from '../../store/session-hierarchy.ts';
import { sessionInputOf, type SessionInput } from '../../domain/session.ts';
import type { Store } from '../../store/database.ts';
import { IdentifierInUseError, SessionRepository, type SessionWithSeq } from '../../store/session-repository.ts';
import type { AcademicSessionWrite, Problem } from './academic-session-input.ts';
import { EXTRA_METADATA, sourcedIdOf } from './academic-session-wire.ts';
import { AcademicSessionReader } from './academic-session-reader.ts';
import { OrgDirectory } from './org-directory.ts';
import { wireEndDate } from './wire-values.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export type WriteOutcome =
  | { kind: 'created' | 'updated'; session: SessionWithSeq }
  | { kind: 'invalid'; problems: Problem[] }
  | { kind: 'exists'; sourcedId: string };

class Rejected extends Error {
  constructor(readonly problems: Problem[]) {
    super(problems.map((p) => p.message).join(' '));
  }
}

/** A unique-index violation: the Ed-Fi natural key (org, school year, name) is taken. */
function isUniqueViolation(err: unknown): boolean {
  return (err as { code?: string }).code === '23505';
}

export async function writeAcademicSession(
  store: Store,
  tenantId: string,
  sourcedId: string | undefined,
  write: AcademicSessionWrite,
  mode: 'put' | 'post',
): Promise<WriteOutcome> {
  try {
    return await writeTransaction(store.db, async (tx) => {
      const repo = new SessionRepository(tx);
      const reader = new AcademicSessionReader(tx);
      const id = sourcedId ?? write.sourcedId;
      const existing = id === undefined ? null : ((await repo.getByIdentifier(tenantId, 'oneroster', id)) ?? (await repo.get(tenantId, id)));
      if (existing && mode === 'post') return { kind: 'exists', sourcedId: id! } as const;
      if (existing?.properties.canvasDefaultTerm === true)
        throw new Rejected([{ field: 'sourcedId', message: `${id} is Canvas's Default Term, which OneRoster does not show or change.` }]);
      const problems: Problem[] = [];
      const orgs = await OrgDirectory.load(tx, tenantId);

      let parent: SessionWithSeq | null = null;
      if (write.parentSourcedId !== null) {
        parent = await reader.bySourcedId(tenantId, write.parentSourcedId);
        if (!parent) problems.push({ field: 'parent', message: `parent: no academic session has sourcedId '${write.parentSourcedId}'.` });
        else if (parent.status !== 'active') problems.push({ field: 'parent', message: `parent: academic session '${write.parentSourcedId}' is tobedeleted.` });
        else if (existing && (await isSelfOrDescendant(repo, tenantId, parent, existing.id)))
          problems.push({ field: 'parent', message: `parent: '${write.parentSourcedId}' is this session or one of its descendants; that would make a cycle.` });
      }

      let schoolOrgId: string | null = existing?.schoolOrgId ?? parent?.schoolOrgId ?? null;
      if (write.orgSourcedId !== undefined) {
        const org = orgs.find(write.orgSourcedId);
        if (!org || org.status !== 'active') problems.push({ field: 'org', message: `org: no org has sourcedId '${write.orgSourcedId}'.` });
        else schoolOrgId = org.kind === 'school' ? org.id : null;
      }

      const properties = { ...(existing?.properties ?? {}) };
      if (write.metadata) {
        if (Object.keys(write.metadata.extra).length > 0) properties[EXTRA_METADATA] = write.metadata.extra;
        else delete properties[EXTRA_METADATA];
      }
      const known = write.metadata?.known ?? {};
      const keep = <K extends 'termDescriptor' | 'gradingPeriodDescriptor' | 'periodSequence' | 'totalInstructionalDays'>(k: K) =>
        (k in known ? known[k] : write.metadata ? null : (existing?.[k] ?? null)) as SessionInput[K];
      const input: SessionInput = {
        schoolOrgId,
        schoolYear: write.schoolYear,
        name: write.title,
        type: write.type,
        beginDate: write.beginDate,
        endDate: write.endDate,
        parentId: parent?.id ?? null,
        status: write.status,
        termDescriptor: keep('termDescriptor'),
        gradingPeriodDescriptor: keep('gradingPeriodDescriptor'),
        periodSequence: keep('periodSequence'),
        totalInstructionalDays: keep('totalInstructionalDays'),
        properties,
      };
      const WIRE_FIELD: Record<string, string> = { name: 'title', beginDate: 'startDate', endDate: 'endDate', parentId: 'parent' };
      for (const v of validateSession(input)) problems.push({ field: WIRE_FIELD[v.field] ?? v.field, message: v.message });
      const outsideChildren = new Set<string>();
      for (const v of await hierarchyViolations(repo, tenantId, existing?.id ?? null, input)) {
        if (v.relation === 'parent')
          problems.push({
            field: v.field === 'beginDate' ? 'startDate' : 'endDate',
            message:
              v.field === 'beginDate'
                ? `startDate ${input.beginDate} is before the startDate ${v.other.beginDate} of its parent '${v.other.name}'.`
                : `endDate ${wireEndDate(input.endDate!)} is after the endDate ${wireEndDate(v.other.endDate!)} of its parent '${v.other.name}'.`,
          });
        else if (!outsideChildren.has(v.other.id)) {
          outsideChildren.add(v.other.id);
          problems.push({
            field: 'startDate',
            message: `the child session '${sourcedIdOf(v.other)}' (${v.other.beginDate} to ${wireEndDate(v.other.endDate!)}) would no longer lie within ${input.beginDate} to ${wireEndDate(input.endDate!)}.`,
          });
        }
      }
      if (problems.length > 0) throw new Rejected(problems);

      if (existing) {
        const updated = await repo.update(tenantId, existing.id, input);
        if (updated === null || updated === 'conflict') throw new Error(`session ${existing.id} vanished during the update`);
        await linkGradingPeriod(repo, tenantId, updated, existing.parentId);
        return { kind: 'updated', session: (await repo.get(tenantId, updated.id))! } as const;
      }
      const newId = id !== undefined && UUID.test(id) && !(await repo.get(tenantId, id)) ? id : randomUUID();
      const created = await repo.insert(tenantId, {
        ...input,
        id: newId,
        identifiers: id !== undefined && id !== newId ? { oneroster: id } : {},
      });
      await linkGradingPeriod(repo, tenantId, created, null);
      return { kind: 'created', session: created } as const;
    });
  } catch (caught) {
    // An index that still refuses after the store's retries is not a race: the title or sourcedId is taken.
    const err = caught instanceof WriteConflict ? caught.cause : caught;
    if (err instanceof Rejected) return { kind: 'invalid', problems: err.problems };
    if (err instanceof IdentifierInUseError) return { kind: 'invalid', problems: [{ field: 'sourcedId', message: `sourcedId '${err.value}' is already used by another academic session.` }] };
    if (isUniqueViolation(err) && String((err as { constraint?: string }).constraint ?? '').startsWith('session_identifiers'))
      return { kind: 'invalid', problems: [{ field: 'sourcedId', message: `sourcedId '${sourcedId ?? write.sourcedId}' was just taken by another write; read it and try again.` }] };
    if (isUniqueViolation(err))
      return {
        kind: 'invalid',
        problems: [{ field: 'title', message: `another active session of the same org and schoolYear is already titled '${write.title}'; titles are unique per org and school year.` }],
      };
    throw caught;
  }
}

/**
 * Ed-Fi sees a grading period through its session's gradingPeriods references, not through
 * parent: keep the parent's reference in step (and give the parent a new change version, as its
 * Ed-Fi body changed).
 */
async function linkGradingPeriod(repo: SessionRepository, tenantId: string, gp: SessionWithSeq, oldParentId: string | null): Promise<void> {
  if (gp.type !== 'gradingPeriod') return;
  const relink = async (ownerId: string, add: boolean) => {
    const owner = await repo.get(tenantId, ownerId);
    if (!owner || owner.type === 'gradingPeriod') return;
    const current = ((await repo.gradingPeriodsOf(tenantId, [ownerId])).get(ownerId) ?? []).map((g) => g.id);
    if (current.includes(gp.id) === add) return;
    await repo.setGradingPeriods(tenantId, ownerId, add ? [...current, gp.id] : current.filter((g) => g !== gp.id));
    await repo.update(tenantId, ownerId, sessionInputOf(owner));
  };
  if (oldParentId && oldParentId !== gp.parentId) await relink(oldParentId, false);
  if (gp.parentId) await relink(gp.parentId, true);
}

async function isSelfOrDescendant(repo: SessionRepository, tenantId: string, candidate: SessionWithSeq, selfId: string): Promise<boolean> {
  let current: SessionWithSeq | null = candidate;
  for (let depth = 0; current && depth < 64; depth++) {
    if (current.id === selfId) return true;
    current = current.parentId ? await repo.get(tenantId, current.parentId) : null;
  }
  return false;
}

/** Soft delete: status tobedeleted, a new change version, a tombstone. Null when unknown. */
export async function deleteAcademicSession(store: Store, tenantId: string, sourcedId: string, requiredType?: string): Promise<boolean> {
  return writeTransaction(store.db, async (tx) => {
    const session = await new AcademicSessionReader(tx).bySourcedId(tenantId, sourcedId);
    if (!session || (requiredType && session.type !== requiredType)) return false;
    await new SessionRepository(tx).markDeleted(tenantId, session.id);
    return true;
  });
}
