// The tenant's orgs as OneRoster sees them: sourcedId = the org's `oneroster` identifier when it
// has one (orgs imported from a CSV whose ids are not uuids), else its uuid.
import type { Kysely, Transaction } from 'kysely';
import type { Tables } from '../../store/schema.ts';
import { TenantRepository, type Org } from '../../store/tenant-repository.ts';

export function orgSourcedId(org: Pick<Org, 'id' | 'identifiers'>): string {
  return org.identifiers.oneroster ?? org.id;
}

export class OrgDirectory {
  private constructor(
    readonly orgs: Org[],
    readonly districtId: string,
  ) {}

  static async load(db: Kysely<Tables> | Transaction<Tables>, tenantId: string): Promise<OrgDirectory> {
    const orgs = await new TenantRepository(db).orgs(tenantId);
    const district = orgs.find((o) => o.kind === 'district');
    if (!district) throw new Error(`tenant ${tenantId} has no district org`);
    return new OrgDirectory(orgs, district.id);
  }

  /** The org a sourcedId names: its oneroster identifier first, then its uuid. */
  find(sourcedId: string): Org | undefined {
    return this.orgs.find((o) => o.identifiers.oneroster === sourcedId) ?? this.orgs.find((o) => o.id === sourcedId.toLowerCase());
  }

  /** The sourcedId of a session's org: its school, else the district. */
  sourcedIdFor(schoolOrgId: string | null): string {
    const org = this.orgs.find((o) => o.id === (schoolOrgId ?? this.districtId));
    return org ? orgSourcedId(org) : (schoolOrgId ?? this.districtId);
  }
}
