// Reads academic sessions for the OneRoster routes: the visible set (dated, not Canvas's default
// term), lookups by sourcedId, and pages with their parent/children/org links resolved.
import type { Kysely, Transaction } from 'kysely';
import { daysBetween } from '../../domain/calendar-date.ts';
import { and, type Condition, type Query } from '../../query/ast.ts';
import { SessionRepository, type SessionWithSeq } from '../../store/session-repository.ts';
import type { Tables } from '../../store/schema.ts';
import { sourcedIdOf, toAcademicSession, type AcademicSession } from './academic-session-wire.ts';
import type { CollectionParams } from './collection-params.ts';
import { OrgDirectory } from './org-directory.ts';

/** What OneRoster can show: sessions with both dates, never Canvas's "Default Term". */
export const VISIBLE: Condition = {
  op: 'and',
  args: [
    { field: 'isDefaultTerm', op: 'eq', value: false },
    { field: 'beginDate', op: 'isNotNull' },
    { field: 'endDate', op: 'isNotNull' },
  ],
};

export function isVisible(s: SessionWithSeq): boolean {
  return s.beginDate !== null && s.endDate !== null && s.properties.canvasDefaultTerm !== true;
}

type Executor = Kysely<Tables> | Transaction<Tables>;

export class AcademicSessionReader {
  private readonly sessions: SessionRepository;
  constructor(private readonly db: Executor) {
    this.sessions = new SessionRepository(db);
  }

  /** By sourcedId: the oneroster identifier first, then the uuid. Any status; null if not visible. */
  async bySourcedId(tenantId: string, sourcedId: string): Promise<SessionWithSeq | null> {
    const s = (await this.sessions.getByIdentifier(tenantId, 'oneroster', sourcedId)) ?? (await this.sessions.get(tenantId, sourcedId));
    return s && isVisible(s) ? s : null;
  }

  /**
   * Replaces parent.sourcedId / org.sourcedId values (wire sourcedIds, as parsed) by the uuids
   * they name; a sourcedId that names nothing stays as it is and so matches nothing.
   */
  async resolveReferences(tenantId: string, c: Condition | undefined, orgs: OrgDirectory): Promise<Condition | undefined> {
    if (!c) return c;
    if (c.op === 'and' || c.op === 'or') return { op: c.op, args: await Promise.all(c.args.map((a) => this.resolveReferences(tenantId, a, orgs) as Promise<Condition>)) };
    if (c.op === 'not') return { op: 'not', arg: (await this.resolveReferences(tenantId, c.arg, orgs))! };
    if (!('value' in c) || typeof c.value !== 'string') return c;
    if (c.field === 'parentId' && (c.op === 'eq' || c.op === 'ne')) {
      const parent = await this.bySourcedId(tenantId, c.value);
      // != means "not a child of": sessions without a parent match it too.
      if (!parent) return c.op === 'eq' ? c : { op: 'not', arg: { ...c, op: 'eq' } };
      const children = await this.childrenCondition(tenantId, parent.id);
      return c.op === 'eq' ? children : { op: 'not', arg: children };
    }
    if (c.field === 'orgId') {
      const org = orgs.find(c.value);
      return org ? { ...c, value: org.id } : c;
    }
    return c;
  }

  /** A session's children: parent set to it, or (grading periods without a parent) linked from it. */
  async childrenCondition(tenantId: string, parentId: string): Promise<Condition> {
    const byParent: Condition = { field: 'parentId', op: 'eq', value: parentId };
    const linked = ((await this.sessions.gradingPeriodsOf(tenantId, [parentId])).get(parentId) ?? []).filter((g) => g.parentId === null).map((g) => g.id);
    if (linked.length === 0) return byParent;
    return { op: 'or', args: [byParent, { op: 'and', args: [{ field: 'parentId', op: 'isNull' }, { field: 'id', op: 'in', values: linked }] }] };
  }

  /**
   * Grading periods linked to sessions the Ed-Fi way (a session's gradingPeriods references) but
   * without a parent: OneRoster shows the most specific linking session (the shortest one) as
   * the parent, and the grading period among that session's children.
   */
  private async linkedHierarchy(tenantId: string, rows: SessionWithSeq[]): Promise<{ parent: Map<string, string>; children: Map<string, string[]> }> {
    const parent = new Map<string, string>();
    const children = new Map<string, string[]>();
    const linkedFrom = await this.sessions.gradingPeriodsOf(tenantId, rows.filter((r) => r.type !== 'gradingPeriod').map((r) => r.id));
    const orphans = new Map<string, SessionWithSeq>();
    for (const r of rows) if (r.type === 'gradingPeriod' && r.parentId === null) orphans.set(r.id, r);
    for (const gps of linkedFrom.values()) for (const gp of gps) if (gp.parentId === null && isVisible(gp)) orphans.set(gp.id, gp);
    if (orphans.size === 0) return { parent, children };
    const owners = await this.sessions.gradingPeriodOwners(tenantId, [...orphans.keys()]);
    for (const [gpId, list] of owners) {
      const owner = list.filter(isVisible).sort((a, b) => daysBetween(a.beginDate!, a.endDate!) - daysBetween(b.beginDate!, b.endDate!) || a.rowSeq - b.rowSeq)[0];
      if (!owner) continue;
      parent.set(gpId, sourcedIdOf(owner));
      children.set(owner.id, [...(children.get(owner.id) ?? []), sourcedIdOf(orphans.get(gpId)!)]);
    }
    return { parent, children };
  }

  async page(tenantId: string, scope: Condition | undefined, params: CollectionParams, origin: string): Promise<{ records: AcademicSession[]; total: number }> {
    const orgs = await OrgDirectory.load(this.db, tenantId);
    const where = and(VISIBLE, scope, await this.resolveReferences(tenantId, params.where, orgs));
    const query: Query = { where, sort: params.sort, page: { kind: 'offset', offset: params.offset, limit: params.limit }, withTotal: true };
    const { rows, total } = await this.sessions.find(tenantId, query);
    return { records: await this.toWire(tenantId, rows, origin, orgs), total: total ?? 0 };
  }

  async toWire(tenantId: string, rows: SessionWithSeq[], origin: string, orgs?: OrgDirectory): Promise<AcademicSession[]> {
    if (rows.length === 0) return [];
    const directory = orgs ?? (await OrgDirectory.load(this.db, tenantId));
    const parentIds = [...new Set(rows.map((r) => r.parentId).filter((p): p is string => p !== null))];
    const parents = new Map((await this.sessions.getMany(tenantId, parentIds)).map((p) => [p.id, sourcedIdOf(p)]));
    const children = await this.sessions.find(tenantId, {
      where: and(VISIBLE, { field: 'parentId', op: 'in', values: rows.map((r) => r.id) }),
      sort: [{ field: 'identifierOrId:oneroster', direction: 'asc' }],
      page: { kind: 'all' },
    });
    const childrenOf = new Map<string, string[]>();
    for (const c of children.rows) childrenOf.set(c.parentId!, [...(childrenOf.get(c.parentId!) ?? []), sourcedIdOf(c)]);
    const linked = await this.linkedHierarchy(tenantId, rows);
    for (const [owner, gps] of linked.children) childrenOf.set(owner, [...(childrenOf.get(owner) ?? []), ...gps].sort());
    return rows.map((s) =>
      toAcademicSession(s, {
        origin,
        parentSourcedId: s.parentId ? (parents.get(s.parentId) ?? null) : (linked.parent.get(s.id) ?? null),
        childSourcedIds: childrenOf.get(s.id) ?? [],
        orgSourcedId: directory.sourcedIdFor(s.schoolOrgId),
      }),
    );
  }
}
