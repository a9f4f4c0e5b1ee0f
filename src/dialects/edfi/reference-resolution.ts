// Turns the references in an Ed-Fi body into canonical rows: descriptors (unknown → 400
// "does not exist"), schools, school years and grading periods (missing → 409 unresolved).
import type { Kysely, Transaction } from 'kysely';
import type { Tables } from '../../store/schema.ts';
import { SessionRepository, type SessionWithSeq } from '../../store/session-repository.ts';
import { TenantRepository, type Descriptor, type Org } from '../../store/tenant-repository.ts';
import { dataValidationFailed, unresolvedReference } from './problem-details.ts';
import type { GradingPeriodReference } from './session-mapping.ts';
import { propertyLabel } from './wire-body.ts';

type Executor = Kysely<Tables> | Transaction<Tables>;

export class ReferenceResolver {
  private readonly tenants: TenantRepository;
  private readonly sessions: SessionRepository;
  constructor(
    db: Executor,
    private readonly tenantId: string,
  ) {
    this.tenants = new TenantRepository(db);
    this.sessions = new SessionRepository(db);
  }

  /** `kind` is the descriptor's Ed-Fi name (TermDescriptor); `path` the JSON path it came from. */
  async descriptor(kind: string, uri: string, path: string): Promise<Descriptor> {
    const found = await this.tenants.descriptorByUri(this.tenantId, kind, uri);
    if (!found) throw dataValidationFailed({ [path]: [`${propertyLabel(kind)} value '${uri}' does not exist.`] });
    return found;
  }

  async school(schoolId: number): Promise<Org> {
    const org = await this.tenants.orgBySchoolId(this.tenantId, schoolId);
    if (!org || org.kind !== 'school') throw unresolvedReference('School');
    return org;
  }

  async schoolYear(schoolYear: number): Promise<void> {
    if (!(await this.tenants.hasSchoolYear(this.tenantId, schoolYear))) throw unresolvedReference('SchoolYearType');
  }

  /** The grading periods a session body references, in body order. */
  async gradingPeriods(refs: GradingPeriodReference[], schoolOrgId: string): Promise<SessionWithSeq[]> {
    const out: SessionWithSeq[] = [];
    for (const [i, ref] of refs.entries()) {
      const d = await this.descriptor('GradingPeriodDescriptor', ref.gradingPeriodDescriptor, `$.gradingPeriods[${i}].gradingPeriodReference.gradingPeriodDescriptor`);
      const gp = await this.sessions.findGradingPeriodByKey(this.tenantId, schoolOrgId, ref.schoolYear, d.uri, ref.gradingPeriodName);
      if (!gp) throw unresolvedReference('GradingPeriod');
      out.push(gp);
    }
    return out;
  }
}
