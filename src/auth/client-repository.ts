// API clients and their access tokens. Tokens are opaque random strings looked up by their
// sha256 on every request, so revoking a client takes effect on the next request.
import { createHash } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { unpreparedQuery, type NamedQuery } from '../store/database.ts';
import { dataVersionSql, type DataVersion } from '../store/data-changes.ts';
import type { Tables } from '../store/schema.ts';
import { hashSecret, randomToken, verifySecret } from './client-secret.ts';
import { TokenLookupBatch } from './token-lookup-batch.ts';

export const TOKEN_LIFETIME_SECONDS = 30 * 60;

export interface ApiClient {
  tenantId: string;
  clientId: string;
  name: string;
  scopes: string[];
  createdAt: string;
  revokedAt: string | null;
}

export interface Principal {
  tenantId: string;
  clientId: string;
  scopes: string[];
  /** Only the operator holding the server's admin key (loopback admin routes); never a client. */
  admin?: true;
  /** The tenant's data version, read in the same statement as the token (see src/cache). */
  dataVersion?: DataVersion;
  /** The one school an Ed-Fi EdOrg-scoped token reaches (src/dialects/edfi/school-claim.ts). */
  schoolId?: number;
}

// The one statement every authenticated request runs (for a batch of concurrent requests, see
// token-lookup-batch.ts): each token, its client, and its tenant's data version (migration 007)
// in one snapshot and one round trip.
const LOOKUP = `SELECT t.token_hash, t.tenant_id, t.client_id, t.scopes, t.school_id, t.expires_at <= now() AS expired, v.version, v.rows
  FROM access_tokens t
  JOIN api_clients c ON c.tenant_id = t.tenant_id AND c.client_id = t.client_id
  CROSS JOIN LATERAL (${dataVersionSql('t.tenant_id')}) v
  WHERE t.token_hash = ANY($1::text[]) AND c.revoked_at IS NULL`;

interface TokenRow {
  token_hash: string;
  tenant_id: string;
  client_id: string;
  scopes: string[];
  school_id: string | number | null;
  expired: boolean;
  version: string | number;
  rows: string | number;
}

export function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

type ClientRow = { tenant_id: string; client_id: string; name: string; scopes: string[]; created_at: Date; revoked_at: Date | null; secret_hash: string };

function toClient(r: ClientRow): ApiClient {
  return {
    tenantId: r.tenant_id,
    clientId: r.client_id,
    name: r.name,
    scopes: r.scopes,
    createdAt: r.created_at.toISOString(),
    revokedAt: r.revoked_at?.toISOString() ?? null,
  };
}

/** A client as a token request finds it; opaque outside this file. */
export interface Claimant {
  tenantId: string;
  row: ClientRow;
}

let dummy: Promise<string> | undefined;
/** A hash no secret matches, with the cost parameters of real ones. */
function dummyHash(): Promise<string> {
  return (dummy ??= hashSecret(randomToken()));
}

export class ClientRepository {
  private readonly tokens: TokenLookupBatch<TokenRow>;

  constructor(
    private readonly db: Kysely<Tables>,
    namedQuery: NamedQuery = unpreparedQuery(db),
  ) {
    this.tokens = new TokenLookupBatch(async (hashes) => {
      const rows = await namedQuery<TokenRow>('termbridge_token_lookup', LOOKUP, [hashes]);
      return new Map(rows.map((r) => [r.token_hash, r]));
    });
  }

  /** Creates a client; the secret is returned once and kept only as a hash. */
  async create(tenantId: string, name: string, scopes: string[], clientId = `tb_${randomToken(12)}`): Promise<{ client: ApiClient; secret: string }> {
    const secret = randomToken(24);
    await sql`INSERT INTO api_clients (tenant_id, client_id, name, secret_hash, scopes)
      VALUES (${tenantId}, ${clientId}, ${name}, ${await hashSecret(secret)}, ${scopes}::text[])`.execute(this.db);
    return { client: (await this.get(clientId))!, secret };
  }

  async get(clientId: string): Promise<ApiClient | null> {
    const r = await sql<ClientRow>`SELECT * FROM api_clients WHERE client_id = ${clientId}`.execute(this.db);
    return r.rows[0] ? toClient(r.rows[0]) : null;
  }

  async list(tenantId?: string): Promise<ApiClient[]> {
    const r = await sql<ClientRow>`SELECT * FROM api_clients ${tenantId ? sql`WHERE tenant_id = ${tenantId}` : sql``} ORDER BY tenant_id, created_at`.execute(this.db);
    return r.rows.map(toClient);
  }

  /** The client if the secret is right and it is not revoked. */
  async authenticate(clientId: string, secret: string): Promise<ApiClient | null> {
    return this.verify(await this.claimant(clientId), secret);
  }

  /** The stored client a token request names (revoked or not), or null for an id that is no client. */
  async claimant(clientId: string): Promise<Claimant | null> {
    const r = await sql<ClientRow>`SELECT * FROM api_clients WHERE client_id = ${clientId}`.execute(this.db);
    const row = r.rows[0];
    return row ? { tenantId: row.tenant_id, row } : null;
  }

  /**
   * The client if the secret is right and it is not revoked. The secret is hashed in every case
   * (against a dummy hash for an id that is no client), so the answer takes as long whether or
   * not the id exists.
   */
  async verify(claimant: Claimant | null, secret: string): Promise<ApiClient | null> {
    const ok = await verifySecret(secret, claimant?.row.secret_hash ?? (await dummyHash()));
    return ok && claimant && !claimant.row.revoked_at ? toClient(claimant.row) : null;
  }

  async revoke(clientId: string): Promise<boolean> {
    const r = await sql`UPDATE api_clients SET revoked_at = now() WHERE client_id = ${clientId} AND revoked_at IS NULL`.execute(this.db);
    await sql`DELETE FROM access_tokens WHERE client_id = ${clientId}`.execute(this.db);
    return Number(r.numAffectedRows ?? 0) > 0;
  }

  async rotateSecret(clientId: string): Promise<string | null> {
    const secret = randomToken(24);
    const r = await sql`UPDATE api_clients SET secret_hash = ${await hashSecret(secret)} WHERE client_id = ${clientId} AND revoked_at IS NULL`.execute(this.db);
    if (Number(r.numAffectedRows ?? 0) === 0) return null;
    await sql`DELETE FROM access_tokens WHERE client_id = ${clientId}`.execute(this.db);
    return secret;
  }

  /** `schoolId`: the token reaches only that school's Ed-Fi data (an EdOrg-scoped token request). */
  async issueToken(
    client: Pick<ApiClient, 'tenantId' | 'clientId'>,
    scopes: string[],
    lifetimeSeconds = TOKEN_LIFETIME_SECONDS,
    schoolId?: number,
  ): Promise<{ token: string; expiresIn: number }> {
    const token = randomToken();
    // Tokens that expired a day ago are only kept so a late caller hears "expired" rather than
    // "invalid"; sweeping them here keeps the table the size of the live tokens.
    await sql`DELETE FROM access_tokens WHERE tenant_id = ${client.tenantId} AND client_id = ${client.clientId}
      AND expires_at < now() - interval '1 day'`.execute(this.db);
    await sql`INSERT INTO access_tokens (tenant_id, token_hash, client_id, scopes, expires_at, school_id)
      VALUES (${client.tenantId}, ${tokenHash(token)}, ${client.clientId}, ${scopes}::text[], now() + make_interval(secs => ${lifetimeSeconds}), ${schoolId ?? null})`.execute(this.db);
    return { token, expiresIn: lifetimeSeconds };
  }

  /** How many unexpired tokens the client holds, and when the first of them expires. */
  async liveTokens(client: Pick<ApiClient, 'tenantId' | 'clientId'>): Promise<{ count: number; firstExpiry: Date | null }> {
    const r = await sql<{ n: string; first: Date | null }>`SELECT count(*) AS n, min(expires_at) AS first FROM access_tokens
      WHERE tenant_id = ${client.tenantId} AND client_id = ${client.clientId} AND expires_at > now()`.execute(this.db);
    return { count: Number(r.rows[0]?.n ?? 0), firstExpiry: r.rows[0]?.first ?? null };
  }

  /**
   * The principal behind a bearer token; 'expired' if it was valid once; null if unknown or its
   * client was revoked (revocation deletes the tokens, and the join makes it hold even if it did not).
   */
  async lookup(token: string): Promise<Principal | 'expired' | null> {
    const row = await this.tokens.lookup(tokenHash(token));
    if (!row) return null;
    if (row.expired) return 'expired';
    return {
      tenantId: row.tenant_id,
      clientId: row.client_id,
      scopes: row.scopes,
      dataVersion: { version: String(row.version), rows: Number(row.rows) },
      ...(row.school_id === null ? {} : { schoolId: Number(row.school_id) }),
    };
  }

  /** A live token's holder, scopes and expiry (token introspection); null when unknown, expired or revoked. */
  async tokenDetails(token: string): Promise<{ tenantId: string; clientId: string; scopes: string[]; schoolId: number | null; expiresAt: Date } | null> {
    const r = await sql<{ tenant_id: string; client_id: string; scopes: string[]; school_id: string | null; expires_at: Date }>`
      SELECT t.tenant_id, t.client_id, t.scopes, t.school_id, t.expires_at FROM access_tokens t
      JOIN api_clients c ON c.tenant_id = t.tenant_id AND c.client_id = t.client_id
      WHERE t.token_hash = ${tokenHash(token)} AND c.revoked_at IS NULL AND t.expires_at > now()`.execute(this.db);
    const row = r.rows[0];
    if (!row) return null;
    return { tenantId: row.tenant_id, clientId: row.client_id, scopes: row.scopes, schoolId: row.school_id === null ? null : Number(row.school_id), expiresAt: row.expires_at };
  }

  /** The principal behind a live bearer token, or null. */
  async principal(token: string): Promise<Principal | null> {
    const found = await this.lookup(token);
    return found === 'expired' ? null : found;
  }
}
