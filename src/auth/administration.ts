// What an operator does to tenants and API clients, once, for both ways in: the CLI working on
// the database directly (DATABASE_URL, or no server holding the embedded one) and the loopback
// admin routes of a running server (which the CLI calls when the server holds the data dir).
import { sql } from 'kysely';
import type { Db } from '../store/database.ts';
import { isKnownTimeZone } from '../domain/zoned-time.ts';
import { TenantRepository } from '../store/tenant-repository.ts';
import { ClientRepository, type ApiClient } from './client-repository.ts';

/** The scope of the loopback admin routes; held only by the admin key, never by a client. */
export const ADMIN_SCOPE = 'termbridge:admin';

export class AdministrationError extends Error {
  constructor(
    readonly kind: 'invalid' | 'notFound' | 'conflict',
    message: string,
  ) {
    super(message);
  }
}

export interface TenantSummary {
  tenantId: string;
  name: string;
  timeZone: string;
  /** The district's Ed-Fi EducationOrganizationId (LocalEducationAgencyId), if it has one. */
  districtEducationOrganizationId: number | null;
  schools: { name: string; schoolId: number | null }[];
}

export interface NewTenant {
  tenantId: string;
  name: string;
  timeZone?: string | undefined;
  districtEducationOrganizationId?: number | null | undefined;
}

export interface NewClient {
  tenantId: string;
  name: string;
  scopes: string[];
}

/** The operations, as the CLI sees them whichever way it reaches the database. */
export interface Administration {
  createTenant(input: NewTenant): Promise<TenantSummary>;
  listTenants(): Promise<TenantSummary[]>;
  createClient(input: NewClient): Promise<{ client: ApiClient; secret: string }>;
  listClients(tenantId?: string): Promise<ApiClient[]>;
  revokeClient(clientId: string): Promise<ApiClient>;
  rotateSecret(clientId: string): Promise<{ client: ApiClient; secret: string }>;
}

const TENANT_ID = /^[a-z0-9][a-z0-9_-]{0,62}$/;

export class StoreAdministration implements Administration {
  private readonly clients: ClientRepository;

  /** `knownScopes`: every scope some route accepts (from the dialect registry); others are refused. */
  constructor(
    private readonly db: Db,
    private readonly knownScopes: readonly string[],
  ) {
    this.clients = new ClientRepository(db);
  }

  async createTenant(input: NewTenant): Promise<TenantSummary> {
    if (!TENANT_ID.test(input.tenantId))
      throw new AdministrationError('invalid', `tenant id '${input.tenantId}' must be 1-63 lower-case letters, digits, '-' or '_', starting with a letter or digit`);
    if (!input.name.trim()) throw new AdministrationError('invalid', 'a tenant needs a non-empty name');
    // Canvas instants become school days in this zone: an unknown one would silently mean UTC.
    if (input.timeZone !== undefined && !isKnownTimeZone(input.timeZone))
      throw new AdministrationError('invalid', `time zone '${input.timeZone}' is not an IANA time zone this server knows; use a name such as America/Chicago (see https://en.wikipedia.org/wiki/List_of_tz_database_time_zones)`);
    const edOrg = input.districtEducationOrganizationId;
    if (edOrg !== undefined && edOrg !== null && !(Number.isInteger(edOrg) && edOrg > 0 && edOrg <= 2_147_483_647))
      throw new AdministrationError('invalid', `district EducationOrganizationId ${edOrg} must be a positive integer (at most 2147483647)`);
    if (await new TenantRepository(this.db).get(input.tenantId)) throw new AdministrationError('conflict', `tenant '${input.tenantId}' already exists`);
    await this.db.transaction().execute((tx) =>
      new TenantRepository(tx).create({ tenantId: input.tenantId, name: input.name.trim(), timeZone: input.timeZone, districtSchoolId: edOrg ?? null }),
    );
    return (await this.tenants(input.tenantId))[0]!;
  }

  listTenants(): Promise<TenantSummary[]> {
    return this.tenants();
  }

  private async tenants(tenantId?: string): Promise<TenantSummary[]> {
    const r = await sql<{ tenant_id: string; name: string; time_zone: string; kind: string | null; org_name: string | null; school_id: string | null }>`
      SELECT t.tenant_id, t.name, t.time_zone, o.kind, o.name AS org_name, o.school_id
      FROM tenants t LEFT JOIN orgs o ON o.tenant_id = t.tenant_id AND o.status = 'active'
      ${tenantId ? sql`WHERE t.tenant_id = ${tenantId}` : sql``}
      ORDER BY t.tenant_id, o.kind, o.school_id`.execute(this.db);
    const byId = new Map<string, TenantSummary>();
    for (const row of r.rows) {
      let t = byId.get(row.tenant_id);
      if (!t) byId.set(row.tenant_id, (t = { tenantId: row.tenant_id, name: row.name, timeZone: row.time_zone, districtEducationOrganizationId: null, schools: [] }));
      const edOrg = row.school_id === null ? null : Number(row.school_id);
      if (row.kind === 'district') t.districtEducationOrganizationId = edOrg;
      if (row.kind === 'school') t.schools.push({ name: row.org_name ?? '', schoolId: edOrg });
    }
    return [...byId.values()];
  }

  async createClient(input: NewClient): Promise<{ client: ApiClient; secret: string }> {
    if (!input.name.trim()) throw new AdministrationError('invalid', 'a client needs a non-empty name');
    const scopes = [...new Set(input.scopes.map((s) => s.trim()).filter(Boolean))];
    if (scopes.length === 0) throw new AdministrationError('invalid', `a client needs at least one scope; known scopes: ${this.knownScopes.join(', ')}`);
    if (scopes.includes(ADMIN_SCOPE)) throw new AdministrationError('invalid', `'${ADMIN_SCOPE}' belongs to the server's admin key and cannot be given to a client`);
    const unknown = scopes.filter((s) => !this.knownScopes.includes(s));
    if (unknown.length > 0)
      throw new AdministrationError('invalid', `unknown scope ${unknown.map((s) => `'${s}'`).join(', ')}; known scopes: ${this.knownScopes.join(', ')}`);
    if (!(await new TenantRepository(this.db).get(input.tenantId))) throw new AdministrationError('notFound', `tenant '${input.tenantId}' does not exist`);
    return this.clients.create(input.tenantId, input.name.trim(), scopes);
  }

  async listClients(tenantId?: string): Promise<ApiClient[]> {
    return this.clients.list(tenantId);
  }

  async revokeClient(clientId: string): Promise<ApiClient> {
    const client = await this.clients.get(clientId);
    if (!client) throw new AdministrationError('notFound', `client '${clientId}' does not exist`);
    if (client.revokedAt) throw new AdministrationError('conflict', `client '${clientId}' was already revoked at ${client.revokedAt}`);
    await this.clients.revoke(clientId);
    return (await this.clients.get(clientId))!;
  }

  async rotateSecret(clientId: string): Promise<{ client: ApiClient; secret: string }> {
    const client = await this.clients.get(clientId);
    if (!client) throw new AdministrationError('notFound', `client '${clientId}' does not exist`);
    if (client.revokedAt) throw new AdministrationError('conflict', `client '${clientId}' is revoked; create a new client instead`);
    const secret = await this.clients.rotateSecret(clientId);
    if (!secret) throw new AdministrationError('conflict', `client '${clientId}' was revoked meanwhile`);
    return { client, secret };
  }
}
