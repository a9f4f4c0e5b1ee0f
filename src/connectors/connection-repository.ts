// Stored connections and the checkpoints of their unfinished pulls. Every query is tenant-scoped
// except `byId`, which resolves the globally unique connection id a command line names.
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Tables } from '../store/schema.ts';
import { openSecret, sealSecret } from '../secrets/secret-box.ts';

type Executor = Kysely<Tables> | Transaction<Tables>;

export const NATIVE_KINDS = ['clever', 'schoology', 'blackboard', 'brightspace', 'microsoft-graph', 'powerschool', 'blackbaud', 'managebac', 'ethos', 'aeries'] as const;
export const CONNECTOR_KINDS = ['oneroster-rest', 'oneroster-csv', 'edfi', 'canvas', ...NATIVE_KINDS] as const;
export type ConnectorKind = (typeof CONNECTOR_KINDS)[number];

/** The session_identifiers system each kind's source ids go under: `<source>@<connection id>`. */
export const SOURCE_OF: Record<ConnectorKind, string> = {
  'oneroster-rest': 'oneroster',
  'oneroster-csv': 'oneroster',
  edfi: 'edfi',
  canvas: 'canvas',
  clever: 'clever',
  schoology: 'schoology',
  blackboard: 'blackboard',
  brightspace: 'brightspace',
  'microsoft-graph': 'microsoft',
  powerschool: 'powerschool',
  blackbaud: 'blackbaud',
  managebac: 'managebac',
  ethos: 'banner',
  aeries: 'aeries',
};

/** A connection's non-secret settings (migration 017); a provider profile fills most of them. */
export const ONEROSTER_AUTHS = ['oauth2', 'oauth1-hmac-sha256', 'oauth1-hmac-sha1', 'bearer'] as const;
export type OneRosterAuth = (typeof ONEROSTER_AUTHS)[number];

export interface ConnectionSettings {
  /** OneRoster REST/CSV: the version the source speaks (default 1.2). */
  oneRosterVersion?: '1.1' | '1.2';
  /** OneRoster REST: 'keyset' (sort + filter on dateLastModified) or 'offset' (read everything, follow Link/X-Total-Count). */
  paging?: 'keyset' | 'offset';
  /**
   * OneRoster REST: how requests are authorised — 'oauth2' (client credentials at the token URL,
   * the default) or OAuth 1.0a signatures with the client id and secret as consumer key and
   * secret ('oauth1-hmac-sha256', the 1.1 binding's; 'oauth1-hmac-sha1' for older servers), or
   * a fixed access token sent as a bearer token ('bearer': ClassLink's OneRoster proxy).
   */
  auth?: OneRosterAuth;
  /** OneRoster: whether the source's endDate is the first day after the session (the 1.2 text) or its last day. */
  endDate?: 'exclusive' | 'inclusive';
  /** The Ed-Fi schoolId sessions the source does not place in a school belong to. */
  school?: number;
  /** Microsoft Graph: the Entra tenant (directory) id or domain the token is asked from. */
  directory?: string;
  /** D2L Brightspace: the LP API version and the Semester org unit type id. */
  apiVersion?: string;
  semesterTypeId?: number;
  [key: string]: unknown;
}

export interface Connection {
  tenantId: string;
  id: string;
  kind: ConnectorKind;
  url: string;
  tokenUrl: string | null;
  clientId: string | null;
  /** Present only when the connection has a secret; needs the key to read. */
  sealedSecret: string | null;
  identifierSystem: string;
  state: unknown;
  lastPullAt: string | null;
  lastSummary: unknown;
  provider: string | null;
  settings: ConnectionSettings;
}

export interface NewConnection {
  tenantId: string;
  id: string;
  kind: ConnectorKind;
  url: string;
  tokenUrl?: string | null;
  clientId?: string | null;
  secret?: string | null;
  identifierSystem?: string;
  provider?: string | null;
  settings?: ConnectionSettings;
}

type Row = {
  tenant_id: string;
  id: string;
  kind: ConnectorKind;
  url: string;
  token_url: string | null;
  client_id: string | null;
  secret_cipher: string | null;
  identifier_system: string;
  state: unknown;
  last_pull_at: Date | null;
  last_summary: unknown;
  provider: string | null;
  settings: ConnectionSettings | null;
};

function toConnection(r: Row): Connection {
  return {
    tenantId: r.tenant_id,
    id: r.id,
    kind: r.kind,
    url: r.url,
    tokenUrl: r.token_url,
    clientId: r.client_id,
    sealedSecret: r.secret_cipher,
    identifierSystem: r.identifier_system,
    state: r.state,
    lastPullAt: r.last_pull_at?.toISOString() ?? null,
    lastSummary: r.last_summary,
    provider: r.provider ?? null,
    settings: r.settings ?? {},
  };
}

export interface Checkpoint {
  resume: unknown;
  pages: number;
}

export class ConnectionRepository {
  constructor(private readonly db: Executor) {}

  /** Stores a connection; a secret is sealed with `key`, and refused without one. */
  async add(input: NewConnection, key: Buffer | null): Promise<Connection> {
    if (input.secret && !key) throw new Error('A secret can only be stored encrypted; no key was given.');
    const sealed = input.secret && key ? sealSecret(input.secret, key) : null;
    await sql`INSERT INTO connections (tenant_id, id, kind, url, token_url, client_id, secret_cipher, identifier_system, provider, settings)
      VALUES (${input.tenantId}, ${input.id}, ${input.kind}, ${input.url}, ${input.tokenUrl ?? null}, ${input.clientId ?? null},
        ${sealed}, ${input.identifierSystem ?? `${SOURCE_OF[input.kind]}@${input.id}`}, ${input.provider ?? null}, ${JSON.stringify(input.settings ?? {})}::jsonb)`.execute(this.db);
    return (await this.get(input.tenantId, input.id))!;
  }

  async get(tenantId: string, id: string): Promise<Connection | null> {
    const r = await sql<Row>`SELECT * FROM connections WHERE tenant_id = ${tenantId} AND id = ${id}`.execute(this.db);
    return r.rows[0] ? toConnection(r.rows[0]) : null;
  }

  async byId(id: string): Promise<Connection | null> {
    const r = await sql<Row>`SELECT * FROM connections WHERE id = ${id}`.execute(this.db);
    return r.rows[0] ? toConnection(r.rows[0]) : null;
  }

  async list(tenantId?: string): Promise<Connection[]> {
    const r = await sql<Row>`SELECT * FROM connections ${tenantId ? sql`WHERE tenant_id = ${tenantId}` : sql``} ORDER BY tenant_id, created_at, id`.execute(this.db);
    return r.rows.map(toConnection);
  }

  async remove(tenantId: string, id: string): Promise<boolean> {
    const r = await sql`DELETE FROM connections WHERE tenant_id = ${tenantId} AND id = ${id}`.execute(this.db);
    return Number(r.numAffectedRows ?? 0) > 0;
  }

  secretOf(connection: Connection, key: Buffer | null): string | null {
    if (!connection.sealedSecret) return null;
    if (!key) throw new Error(`Connection ${connection.id} has an encrypted secret; set TERMBRIDGE_SECRET_KEY to use it.`);
    return openSecret(connection.sealedSecret, key);
  }

  async completePull(tenantId: string, id: string, state: unknown, summary: unknown): Promise<void> {
    await sql`UPDATE connections SET state = ${JSON.stringify(state ?? null)}::jsonb, last_pull_at = now(), last_summary = ${JSON.stringify(summary)}::jsonb
      WHERE tenant_id = ${tenantId} AND id = ${id}`.execute(this.db);
    await this.clearCheckpoint(tenantId, id);
  }

  async checkpoint(tenantId: string, id: string): Promise<Checkpoint | null> {
    const r = await sql<{ resume: unknown; pages: number }>`SELECT resume, pages FROM connection_checkpoints WHERE tenant_id = ${tenantId} AND connection_id = ${id}`.execute(this.db);
    return r.rows[0] ? { resume: r.rows[0].resume, pages: r.rows[0].pages } : null;
  }

  /** Stages one page's records and moves the checkpoint past it (call inside a transaction). */
  async stagePage(tenantId: string, id: string, records: unknown[], resume: unknown): Promise<void> {
    const next = await sql<{ n: number | null }>`SELECT max(seq) AS n FROM connection_staged_records WHERE tenant_id = ${tenantId} AND connection_id = ${id}`.execute(this.db);
    const first = Number(next.rows[0]?.n ?? -1) + 1;
    // One statement per page, in slices that stay under PostgreSQL's 65,535 bind parameters.
    for (let i = 0; i < records.length; i += 1000) {
      const rows = records.slice(i, i + 1000).map((record, j) => sql`(${tenantId}, ${id}, ${first + i + j}, ${JSON.stringify(record)}::jsonb)`);
      await sql`INSERT INTO connection_staged_records (tenant_id, connection_id, seq, record) VALUES ${sql.join(rows)}`.execute(this.db);
    }
    await sql`INSERT INTO connection_checkpoints (tenant_id, connection_id, resume, pages) VALUES (${tenantId}, ${id}, ${JSON.stringify(resume)}::jsonb, 1)
      ON CONFLICT (tenant_id, connection_id) DO UPDATE SET resume = EXCLUDED.resume, pages = connection_checkpoints.pages + 1, updated_at = now()`.execute(this.db);
  }

  async stagedRecords(tenantId: string, id: string): Promise<unknown[]> {
    const r = await sql<{ record: unknown }>`SELECT record FROM connection_staged_records WHERE tenant_id = ${tenantId} AND connection_id = ${id} ORDER BY seq`.execute(this.db);
    return r.rows.map((x) => x.record);
  }

  async clearCheckpoint(tenantId: string, id: string): Promise<void> {
    await sql`DELETE FROM connection_staged_records WHERE tenant_id = ${tenantId} AND connection_id = ${id}`.execute(this.db);
    await sql`DELETE FROM connection_checkpoints WHERE tenant_id = ${tenantId} AND connection_id = ${id}`.execute(this.db);
  }
}
