// The parent/child rule, decided once for every API: a session lies within its parent's dates,
// and a parent's dates keep every live child inside. A write that would break either is refused
// (each dialect words the refusal). OneRoster requires it of a data set; Ed-Fi and Canvas have
// no session hierarchy of their own, so the rule only bites their writes where another API made
// one — and then refusing is the one outcome every API can serve without contradicting itself.
import type { SessionInput } from '../domain/session.ts';
import { validateWithinParent, type DomainViolation } from '../domain/validation.ts';
import type { SessionRepository, SessionWithSeq } from './session-repository.ts';

export interface HierarchyViolation extends DomainViolation {
  /** 'parent': the session falls outside its parent; 'child': a live child would fall outside the session. */
  relation: 'parent' | 'child';
  /** The other session of the pair. */
  other: SessionWithSeq;
}

export async function hierarchyViolations(
  repo: SessionRepository,
  tenantId: string,
  selfId: string | null,
  input: Pick<SessionInput, 'name' | 'beginDate' | 'endDate' | 'parentId'>,
): Promise<HierarchyViolation[]> {
  const out: HierarchyViolation[] = [];
  if (input.parentId) {
    const parent = await repo.get(tenantId, input.parentId);
    if (parent && parent.status === 'active') for (const v of validateWithinParent(input, parent)) out.push({ ...v, relation: 'parent', other: parent });
  }
  if (selfId !== null)
    for (const child of await repo.liveChildren(tenantId, selfId))
      for (const v of validateWithinParent(child, input))
        out.push({
          field: v.field,
          relation: 'child',
          other: child,
          message:
            v.field === 'beginDate'
              ? `Begin date ${input.beginDate} would leave its child session '${child.name}' (beginning ${child.beginDate}) outside it; a child session must lie within its parent.`
              : `End date ${input.endDate} would leave its child session '${child.name}' (ending ${child.endDate}) outside it; a child session must lie within its parent.`,
        });
  return out;
}
