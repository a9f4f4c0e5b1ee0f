// Tenants (a district, Canvas's root account), their orgs, school years and descriptors.
import { isKnownTimeZone } from '../domain/zoned-time.ts';
import { randomUUID } from 'node:crypto';
import { sql, type Kysely, type Transaction } from 'kysely';
import { DESCRIPTOR_SEEDS } from '../domain/descriptor-catalog.ts';
import type { Tables } from './schema.ts';
import { SessionRepository } from './session-repository.ts';

export const DEFAULT_TERM_NAME = 'Default Term';

type Executor = Kysely<Tables> | Transaction<Tables>;

export interface Org {
  id: string;
  kind: 'district' | 'school';
  name: string;
  schoolId: number | null;
  parentId: string | null;
  identifiers: Record<string, string>;
  status: 'active' | 'deleted';
  /** Ed-Fi School properties kept as written (migration 011); null when never written through Ed-Fi. */
  edfiDocument: Record<string, unknown> | null;
  createdAt: string;
  updatedAt: string;
  changeVersion: number;
  rowSeq: number;
}

export interface Tenant {
  tenantId: string;
  name: string;
  timeZone: string;
  districtId: string;
}

export interface SchoolYear {
  id: string;
  schoolYear: number;
  description: string;
  isCurrent: boolean;
  updatedAt: string;
  changeVersion: number;
  rowSeq: number;
}

export interface Descriptor {
  id: string;
  kind: string;
  namespace: string;
  codeValue: string;
  shortDescription: string;
  description: string | null;
  sessionType: string | null;
  effectiveBeginDate: string | null;
  effectiveEndDate: string | null;
  uri: string;
  updatedAt: string;
  changeVersion: number;
  rowSeq: number;
}

type OrgRow = {
  id: string;
  kind: 'district' | 'school';
  name: string;
  school_id: string | null;
  parent_id: string | null;
  identifiers: Record<string, string>;
  status: 'active' | 'deleted';
  edfi_document: Record<string, unknown> | null;
  created_at: Date;
  updated_at: Date;
  change_version: string;
  row_seq: string;
};

const ORG_COLUMNS = sql`id, kind, name, school_id, parent_id, identifiers, status, edfi_document, created_at, updated_at, change_version, row_seq`;

function toOrg(r: OrgRow): Org {
  return {
    id: r.id,
    kind: r.kind,
    name: r.name,
    schoolId: r.school_id === null ? null : Number(r.school_id),
    parentId: r.parent_id,
    identifiers: r.identifiers ?? {},
    status: r.status,
    edfiDocument: r.edfi_document ?? null,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
    changeVersion: Number(r.change_version),
    rowSeq: Number(r.row_seq),
  };
}

export class TenantRepository {
  constructor(private readonly db: Executor) {}

  /** Creates the tenant with its district org and the standard descriptors. */
  async create(input: { tenantId: string; name: string; timeZone?: string; districtSchoolId?: number | null }): Promise<Tenant> {
    const timeZone = input.timeZone ?? 'America/Chicago';
    if (!isKnownTimeZone(timeZone)) throw new RangeError(`unknown time zone '${timeZone}'`);
    await this.db.insertInto('tenants').values({ tenant_id: input.tenantId, name: input.name, time_zone: timeZone }).execute();
    const districtId = randomUUID();
    await this.db
      .insertInto('orgs')
      .values({ tenant_id: input.tenantId, id: districtId, kind: 'district', name: input.name, school_id: input.districtSchoolId ?? null, parent_id: null })
      .execute();
    await this.db
      .insertInto('descriptors')
      .values(
        DESCRIPTOR_SEEDS.map((d) => ({
          tenant_id: input.tenantId,
          id: randomUUID(),
          kind: d.kind,
          namespace: d.namespace,
          code_value: d.codeValue,
          short_description: d.shortDescription,
          description: d.shortDescription,
          session_type: d.sessionType,
        })),
      )
      .execute();
    // Canvas gives every root account a "Default Term" without dates; only Canvas lists it.
    await new SessionRepository(this.db).insert(input.tenantId, {
      schoolOrgId: null,
      schoolYear: null,
      name: DEFAULT_TERM_NAME,
      type: 'term',
      beginDate: null,
      endDate: null,
      parentId: null,
      termDescriptor: null,
      gradingPeriodDescriptor: null,
      periodSequence: null,
      totalInstructionalDays: null,
      properties: { canvasDefaultTerm: true },
    });
    for (const hook of tenantCreatedHooks) await hook(this.db, input.tenantId);
    return { tenantId: input.tenantId, name: input.name, timeZone, districtId };
  }

  async get(tenantId: string): Promise<Tenant | null> {
    const r = await sql<{ tenant_id: string; name: string; time_zone: string; district_id: string | null }>`
      SELECT t.tenant_id, t.name, t.time_zone,
        (SELECT o.id FROM orgs o WHERE o.tenant_id = t.tenant_id AND o.kind = 'district' ORDER BY o.row_seq LIMIT 1) AS district_id
      FROM tenants t WHERE t.tenant_id = ${tenantId}`.execute(this.db);
    const row = r.rows[0];
    if (!row || !row.district_id) return null;
    return { tenantId: row.tenant_id, name: row.name, timeZone: row.time_zone, districtId: row.district_id };
  }

  async addSchool(
    tenantId: string,
    input: { name: string; schoolId: number | null; id?: string; identifiers?: Record<string, string>; edfiDocument?: Record<string, unknown> },
  ): Promise<Org> {
    const tenant = await this.get(tenantId);
    if (!tenant) throw new Error(`unknown tenant ${tenantId}`);
    const id = input.id ?? randomUUID();
    await this.db
      .insertInto('orgs')
      .values({
        tenant_id: tenantId,
        id,
        kind: 'school',
        name: input.name,
        school_id: input.schoolId,
        parent_id: tenant.districtId,
        identifiers: JSON.stringify(input.identifiers ?? {}),
        edfi_document: input.edfiDocument === undefined ? null : JSON.stringify(input.edfiDocument),
      })
      .execute();
    return (await this.org(tenantId, id))!;
  }

  /** Adds (or replaces) the org's identifier in one system, as a new change version. */
  async setOrgIdentifier(tenantId: string, id: string, system: string, value: string): Promise<void> {
    await sql`UPDATE orgs SET identifiers = identifiers || ${JSON.stringify({ [system]: value })}::jsonb
      WHERE tenant_id = ${tenantId} AND id = ${id}`.execute(this.db);
  }

  /** A school's name, Ed-Fi schoolId and status, as a new change version. */
  async updateSchool(tenantId: string, id: string, input: { name: string; schoolId: number | null; status: 'active' | 'deleted' }): Promise<void> {
    await sql`UPDATE orgs SET name = ${input.name}, school_id = ${input.schoolId}, status = ${input.status}
      WHERE tenant_id = ${tenantId} AND id = ${id}`.execute(this.db);
  }

  async org(tenantId: string, id: string): Promise<Org | null> {
    if (!/^[0-9a-f-]{36}$/i.test(id)) return null;
    const r = await sql<OrgRow>`SELECT ${ORG_COLUMNS} FROM orgs WHERE tenant_id = ${tenantId} AND id = ${id}`.execute(this.db);
    return r.rows[0] ? toOrg(r.rows[0]) : null;
  }

  async orgBySchoolId(tenantId: string, schoolId: number): Promise<Org | null> {
    const r = await sql<OrgRow>`SELECT ${ORG_COLUMNS} FROM orgs WHERE tenant_id = ${tenantId} AND school_id = ${schoolId} AND status = 'active'`.execute(this.db);
    return r.rows[0] ? toOrg(r.rows[0]) : null;
  }

  async orgs(tenantId: string, kind?: 'district' | 'school'): Promise<Org[]> {
    const r = await sql<OrgRow>`SELECT ${ORG_COLUMNS} FROM orgs WHERE tenant_id = ${tenantId} ${kind ? sql`AND kind = ${kind}` : sql``} ORDER BY row_seq`.execute(this.db);
    return r.rows.map(toOrg);
  }

  async addSchoolYear(tenantId: string, schoolYear: number, isCurrent = false): Promise<void> {
    await sql`INSERT INTO school_years (tenant_id, school_year, description, is_current, id)
      VALUES (${tenantId}, ${schoolYear}, ${`${schoolYear - 1}-${schoolYear}`}, ${isCurrent}, ${randomUUID()})
      ON CONFLICT (tenant_id, school_year) WHERE status = 'active' DO NOTHING`.execute(this.db);
  }

  async schoolYears(tenantId: string): Promise<SchoolYear[]> {
    const r = await sql<{ id: string; school_year: number; description: string; is_current: boolean; updated_at: Date; change_version: string; row_seq: string }>`
      SELECT id, school_year, description, is_current, updated_at, change_version, row_seq FROM school_years
      WHERE tenant_id = ${tenantId} AND status = 'active' ORDER BY school_year`.execute(this.db);
    return r.rows.map((x) => ({
      id: x.id,
      schoolYear: x.school_year,
      description: x.description,
      isCurrent: x.is_current,
      updatedAt: x.updated_at.toISOString(),
      changeVersion: Number(x.change_version),
      rowSeq: Number(x.row_seq),
    }));
  }

  async hasSchoolYear(tenantId: string, schoolYear: number): Promise<boolean> {
    const r = await sql`SELECT 1 FROM school_years WHERE tenant_id = ${tenantId} AND school_year = ${schoolYear} AND status = 'active'`.execute(this.db);
    return r.rows.length > 0;
  }

  async descriptors(tenantId: string, kind?: string): Promise<Descriptor[]> {
    const r = await sql<{
      id: string;
      kind: string;
      namespace: string;
      code_value: string;
      short_description: string;
      description: string | null;
      session_type: string | null;
      effective_begin_date: string | null;
      effective_end_date: string | null;
      updated_at: Date;
      change_version: string;
      row_seq: string;
    }>`
      SELECT id, kind, namespace, code_value, short_description, description, session_type, effective_begin_date, effective_end_date, updated_at, change_version, row_seq
      FROM descriptors WHERE tenant_id = ${tenantId} AND status = 'active' ${kind ? sql`AND kind = ${kind}` : sql``} ORDER BY row_seq`.execute(this.db);
    return r.rows.map((x) => ({
      id: x.id,
      kind: x.kind,
      namespace: x.namespace,
      codeValue: x.code_value,
      shortDescription: x.short_description,
      description: x.description,
      sessionType: x.session_type,
      effectiveBeginDate: x.effective_begin_date,
      effectiveEndDate: x.effective_end_date,
      uri: `${x.namespace}#${x.code_value}`,
      updatedAt: x.updated_at.toISOString(),
      changeVersion: Number(x.change_version),
      rowSeq: Number(x.row_seq),
    }));
  }

  /** The descriptor with this URI (`namespace#codeValue`), compared case-insensitively as Ed-Fi's DMS does. */
  async descriptorByUri(tenantId: string, kind: string, uri: string): Promise<Descriptor | null> {
    const hash = uri.indexOf('#');
    if (hash < 0) return null;
    const all = await this.descriptors(tenantId, kind);
    const ns = uri.slice(0, hash).toLowerCase();
    const code = uri.slice(hash + 1).toLowerCase();
    return all.find((d) => d.namespace.toLowerCase() === ns && d.codeValue.toLowerCase() === code) ?? null;
  }
}

/** Other modules (e.g. Canvas's default term) add per-tenant set-up here, run inside create(). */
export type TenantCreatedHook = (db: Executor, tenantId: string) => Promise<void>;
const tenantCreatedHooks: TenantCreatedHook[] = [];
export function onTenantCreated(hook: TenantCreatedHook): void {
  if (!tenantCreatedHooks.includes(hook)) tenantCreatedHooks.push(hook);
}
