// Signed-in console browsers (migration 018). The cookie is `<session id>.<HMAC-SHA256 of it>`
// under a server key, so a forged or edited cookie is refused before any lookup; the table keeps
// only the id's sha256. A session lasts while it is used (idle expiry), while its client is not
// revoked, and while the client's secret is the one it signed in with.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { sql } from 'kysely';
import { randomToken } from '../auth/client-secret.ts';
import type { Db } from '../store/database.ts';
import { serverKey } from '../store/server-keys.ts';

export const SESSION_COOKIE = 'termbridge_console';
/** Minutes without a request after which a console session ends (TERMBRIDGE_CONSOLE_IDLE_MINUTES). */
export const DEFAULT_IDLE_MINUTES = 30;

export interface ConsoleUser {
  tenantId: string;
  clientId: string;
  clientName: string;
  /** The client's scopes now (not at sign-in), so a change applies at once. */
  scopes: string[];
  csrfToken: string;
  idHash: string;
}

export function idleMinutesFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.TERMBRIDGE_CONSOLE_IDLE_MINUTES;
  if (raw === undefined || raw === '') return DEFAULT_IDLE_MINUTES;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`TERMBRIDGE_CONSOLE_IDLE_MINUTES must be a number of minutes above 0, not '${raw}'`);
  return n;
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

export class ConsoleSessions {
  private key: Promise<Buffer> | null = null;

  constructor(
    private readonly db: Db,
    private readonly idleSeconds: number,
  ) {}

  private signingKey(): Promise<Buffer> {
    // Reset on failure so a database hiccup at the first request is not remembered for good.
    this.key ??= serverKey(this.db, 'console-session').catch((err) => {
      this.key = null;
      throw err;
    });
    return this.key;
  }

  /** A value signed with the console key: `<value>.<signature>`. */
  async sign(value: string): Promise<string> {
    return `${value}.${createHmac('sha256', await this.signingKey()).update(value).digest('base64url')}`;
  }

  /** The value of a signed string, or null when the signature is not ours. */
  async unsign(signed: string): Promise<string | null> {
    const dot = signed.lastIndexOf('.');
    if (dot <= 0) return null;
    const value = signed.slice(0, dot);
    const expected = Buffer.from((await this.sign(value)).slice(dot + 1));
    const given = Buffer.from(signed.slice(dot + 1));
    return given.length === expected.length && timingSafeEqual(given, expected) ? value : null;
  }

  /** Starts a session for a client that just proved its secret; returns the cookie value. */
  async create(client: { tenantId: string; clientId: string }): Promise<string> {
    const id = randomToken(32);
    // Sessions idle for longer than the limit are of no use to anyone: sweep them here.
    await sql`DELETE FROM console_sessions WHERE last_seen_at < now() - make_interval(secs => ${this.idleSeconds})`.execute(this.db);
    await sql`INSERT INTO console_sessions (id_hash, tenant_id, client_id, client_secret_hash, csrf_token)
      SELECT ${sha256(id)}, tenant_id, client_id, secret_hash, ${randomToken(24)} FROM api_clients
      WHERE tenant_id = ${client.tenantId} AND client_id = ${client.clientId}`.execute(this.db);
    return this.sign(id);
  }

  /** The signed-in user behind a cookie value, touching the session; null when there is none. */
  async read(cookie: string | undefined): Promise<ConsoleUser | null> {
    if (!cookie) return null;
    const id = await this.unsign(cookie);
    if (id === null) return null;
    const r = await sql<{ tenant_id: string; client_id: string; name: string; scopes: string[]; csrf_token: string }>`
      UPDATE console_sessions s SET last_seen_at = now()
      FROM api_clients c
      WHERE s.id_hash = ${sha256(id)} AND c.tenant_id = s.tenant_id AND c.client_id = s.client_id
        AND c.revoked_at IS NULL AND c.secret_hash = s.client_secret_hash
        AND s.last_seen_at >= now() - make_interval(secs => ${this.idleSeconds})
      RETURNING s.tenant_id, s.client_id, c.name, c.scopes, s.csrf_token`.execute(this.db);
    const row = r.rows[0];
    if (!row) return null;
    return { tenantId: row.tenant_id, clientId: row.client_id, clientName: row.name, scopes: row.scopes, csrfToken: row.csrf_token, idHash: sha256(id) };
  }

  async end(idHash: string): Promise<void> {
    await sql`DELETE FROM console_sessions WHERE id_hash = ${idHash}`.execute(this.db);
  }

  /** Ends every console session of a client (its secret was rotated or it was revoked). */
  async endClient(tenantId: string, clientId: string): Promise<void> {
    await sql`DELETE FROM console_sessions WHERE tenant_id = ${tenantId} AND client_id = ${clientId}`.execute(this.db);
  }
}
