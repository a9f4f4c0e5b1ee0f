// The tenant's district and schools as OneRoster 1.2 orgs (OrgDType): the district is the parent
// of every school. Deleted schools stay readable as `tobedeleted`, as sessions do.
import type { Org } from '../../store/tenant-repository.ts';
import { orgRef, type GuidRef } from './academic-session-wire.ts';
import { orgSourcedId, type OrgDirectory } from './org-directory.ts';

export interface OneRosterOrg {
  sourcedId: string;
  status: 'active' | 'tobedeleted';
  dateLastModified: string;
  name: string;
  type: 'district' | 'school';
  /** A school's Ed-Fi schoolId, the district's EducationOrganizationId; '' when it has none. */
  identifier: string;
  parent?: GuidRef;
  children?: GuidRef[];
}

export const ORG_FIELDS = ['sourcedId', 'status', 'dateLastModified', 'metadata', 'name', 'type', 'identifier', 'parent', 'children'] as const;
export type OrgField = (typeof ORG_FIELDS)[number];

export function toOneRosterOrg(org: Org, directory: OrgDirectory, origin: string): OneRosterOrg {
  const parent = org.parentId === null ? undefined : directory.orgs.find((o) => o.id === org.parentId);
  const children = directory.orgs.filter((o) => o.parentId === org.id);
  return {
    sourcedId: orgSourcedId(org),
    status: org.status === 'deleted' ? 'tobedeleted' : 'active',
    dateLastModified: org.updatedAt,
    name: org.name,
    type: org.kind,
    identifier: org.schoolId === null ? '' : String(org.schoolId),
    ...(parent ? { parent: orgRef(origin, orgSourcedId(parent)) } : {}),
    ...(children.length > 0 ? { children: children.map((c) => orgRef(origin, orgSourcedId(c))).sort((a, b) => compareText(a.sourcedId, b.sourcedId)) } : {}),
  };
}

export function selectOrgFields(org: OneRosterOrg, fields: OrgField[] | null): Partial<OneRosterOrg> {
  if (!fields) return org;
  const out: Record<string, unknown> = {};
  for (const f of fields) if (f in org) out[f] = org[f as keyof OneRosterOrg];
  return out as Partial<OneRosterOrg>;
}

/** Code-unit order: the same on every server and driver, whatever the database collation. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
