// The district's sessions as a merge sees them, loaded once: by a source's identifier and by
// natural key. A pull then costs queries only for what it writes, not one lookup per record
// (a 10,000-session pull was quadratic when every record searched the table).
import type { SessionInput } from '../domain/session.ts';
import { SessionRepository, type SessionWithSeq } from '../store/session-repository.ts';

/** Natural key as the merge matches it: school, year, name; grading periods also by descriptor. */
export function naturalKeyOf(s: Pick<SessionInput, 'schoolOrgId' | 'schoolYear' | 'name' | 'type' | 'gradingPeriodDescriptor'>): string {
  const gp = s.type === 'gradingPeriod' ? `gp|${s.gradingPeriodDescriptor ?? ''}` : 'session';
  return JSON.stringify([s.schoolOrgId, s.schoolYear, s.name, gp]);
}

export class SessionIndex {
  private readonly bySource = new Map<string, SessionWithSeq>();
  /** Live sessions only (deleted ones hold no key), oldest first. */
  private readonly byKey = new Map<string, SessionWithSeq[]>();

  private constructor(private readonly system: string) {}

  static async load(sessions: SessionRepository, tenantId: string, system: string): Promise<SessionIndex> {
    const index = new SessionIndex(system);
    const all = await sessions.find(tenantId, { where: { field: 'isDefaultTerm', op: 'eq', value: false }, sort: [{ field: 'rowSeq', direction: 'asc' }], page: { kind: 'all' } });
    for (const s of all.rows) index.put(s);
    return index;
  }

  bySourceId(sourceId: string): SessionWithSeq | null {
    return this.bySource.get(sourceId) ?? null;
  }

  /** The live session holding this natural key, other than `selfId`. */
  holder(input: Parameters<typeof naturalKeyOf>[0], selfId: string | null): SessionWithSeq | null {
    return this.byKey.get(naturalKeyOf(input))?.find((s) => s.id !== selfId) ?? null;
  }

  liveWithSourceIds(): SessionWithSeq[] {
    return [...this.bySource.values()].filter((s) => s.status === 'active');
  }

  /** Records a session as it now is (after an insert, update or delete). */
  put(session: SessionWithSeq, previous?: SessionWithSeq): void {
    if (previous) this.remove(previous);
    const sourceId = session.identifiers[this.system];
    if (sourceId !== undefined) this.bySource.set(sourceId, session);
    if (session.status === 'active') {
      const key = naturalKeyOf(session);
      this.byKey.set(key, [...(this.byKey.get(key) ?? []), session]);
    }
  }

  private remove(session: SessionWithSeq): void {
    const sourceId = session.identifiers[this.system];
    if (sourceId !== undefined && this.bySource.get(sourceId)?.id === session.id) this.bySource.delete(sourceId);
    const key = naturalKeyOf(session);
    const rest = (this.byKey.get(key) ?? []).filter((s) => s.id !== session.id);
    if (rest.length > 0) this.byKey.set(key, rest);
    else this.byKey.delete(key);
  }
}
