// DELETE …/terms/:id: a soft delete (workflow_state deleted), refused for the Default Term,
// for a term with active course sections, and — termbridge's own rule, since one session can
// be another's parent — for a term that still contains active sessions.
import type { SessionRepository, SessionWithSeq } from '../../store/session-repository.ts';
import { attributeErrors } from './errors.ts';
import { isDefaultTerm } from './term-properties.ts';

export async function deleteTerm(repo: SessionRepository, tenantId: string, session: SessionWithSeq): Promise<SessionWithSeq> {
  if (isDefaultTerm(session)) throw attributeErrors({ workflow_state: ['Cannot delete the default term'] });
  if (session.status === 'deleted') return session;
  const deps = await repo.dependents(tenantId, session.id);
  if (deps.courseSections > 0) throw attributeErrors({ workflow_state: ['Cannot delete a term with active courses'] });
  if (deps.children > 0)
    throw attributeErrors({ workflow_state: [`Cannot delete a term that contains ${deps.children} active session(s); delete those first`] });
  return (await repo.markDeleted(tenantId, session.id))!;
}
