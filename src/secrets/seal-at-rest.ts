// Every secret termbridge keeps for talking to other systems — connector credentials and sync
// target client secrets — sealed with the one key (secret-box.ts). Sync target rows written in
// the clear before migration 014 carry the mark 'plain:' until something that has the key seals
// them: every command and the server at start, and any reader of the row.
import { sql } from 'kysely';
import type { Db } from '../store/database.ts';
import { openSecret, sealSecret, secretKey, SecretKeyError, SECRET_KEY_ENV } from './secret-box.ts';

export const PLAIN_MARK = 'plain:';
export const NEW_SECRET_KEY_ENV = 'TERMBRIDGE_NEW_SECRET_KEY';

/** The tables and columns of sealed sync target secrets, with the columns that name a row. */
const TARGET_TABLES = [
  { table: 'sync_targets', key: ['tenant_id'] },
  { table: 'sync_year_targets', key: ['tenant_id', 'school_year'] },
] as const;

/** The key from the environment, or null when it is not set (a malformed key still throws). */
export function keyIfSet(env: NodeJS.ProcessEnv = process.env): Buffer | null {
  return env[SECRET_KEY_ENV]?.trim() ? secretKey(env) : null;
}

/** The secret a stored value holds: a marked plain value as it is, a sealed one opened with the key. */
export function openStored(stored: string, key: Buffer | null): string {
  if (stored.startsWith(PLAIN_MARK)) return stored.slice(PLAIN_MARK.length);
  if (!key) throw new SecretKeyError(`A sync target secret is stored encrypted; set ${SECRET_KEY_ENV} to use it.`);
  return openSecret(stored, key);
}

export interface StartupSealing {
  sealed: number;
  /** Marked rows left in the clear because no key is set. */
  unsealed: number;
}

/** Seals every marked row (one transaction); without a key, only counts them. */
export async function sealMarkedSecrets(db: Db, key: Buffer | null): Promise<StartupSealing> {
  return db.transaction().execute(async (tx) => {
    let sealed = 0;
    let unsealed = 0;
    for (const t of TARGET_TABLES) {
      const rows = await sql<Record<string, unknown> & { client_secret: string }>`
        SELECT ${sql.join(t.key.map((k) => sql.ref(k)))}, client_secret FROM ${sql.table(t.table)}
        WHERE client_secret LIKE ${PLAIN_MARK + '%'} FOR UPDATE`.execute(tx);
      for (const row of rows.rows) {
        if (!key) {
          unsealed++;
          continue;
        }
        await sql`UPDATE ${sql.table(t.table)} SET client_secret = ${sealSecret(openStored(row.client_secret, null), key)}
          WHERE ${sql.join(t.key.map((k) => sql`${sql.ref(k)} = ${row[k]}`), sql` AND `)} AND client_secret = ${row.client_secret}`.execute(tx);
        sealed++;
      }
    }
    return { sealed, unsealed };
  });
}

/** What a command or the server does on start: seal marked rows if it has the key. */
export async function sealAtStart(db: Db, env: NodeJS.ProcessEnv = process.env): Promise<StartupSealing> {
  let key: Buffer | null;
  try {
    key = keyIfSet(env);
  } catch {
    key = null; // a malformed key is reported where a secret is needed, not by every command
  }
  return sealMarkedSecrets(db, key);
}

/** A warning for an operator, or null when every secret is sealed. */
export function unsealedWarning(s: StartupSealing): string | null {
  return s.unsealed > 0
    ? `warning: ${s.unsealed} sync target secret(s) are stored unencrypted (from before migration 014); set ${SECRET_KEY_ENV} and run any termbridge command to seal them`
    : null;
}

export interface Rotation {
  connections: number;
  targets: number;
}

/**
 * Re-seals every stored secret under newKey, in one transaction: all or nothing, so a secret
 * that does not open with oldKey leaves everything as it was.
 */
export async function rotateSecretKey(db: Db, oldKey: Buffer, newKey: Buffer): Promise<Rotation> {
  return db.transaction().execute(async (tx) => {
    const out: Rotation = { connections: 0, targets: 0 };
    const conns = await sql<{ tenant_id: string; id: string; secret_cipher: string }>`
      SELECT tenant_id, id, secret_cipher FROM connections WHERE secret_cipher IS NOT NULL ORDER BY tenant_id, id FOR UPDATE`.execute(tx);
    for (const c of conns.rows) {
      const plain = openSecret(c.secret_cipher, oldKey);
      await sql`UPDATE connections SET secret_cipher = ${sealSecret(plain, newKey)} WHERE tenant_id = ${c.tenant_id} AND id = ${c.id}`.execute(tx);
      out.connections++;
    }
    for (const t of TARGET_TABLES) {
      const rows = await sql<Record<string, unknown> & { client_secret: string }>`
        SELECT ${sql.join(t.key.map((k) => sql.ref(k)))}, client_secret FROM ${sql.table(t.table)} FOR UPDATE`.execute(tx);
      for (const row of rows.rows) {
        const plain = openStored(row.client_secret, oldKey);
        await sql`UPDATE ${sql.table(t.table)} SET client_secret = ${sealSecret(plain, newKey)}
          WHERE ${sql.join(t.key.map((k) => sql`${sql.ref(k)} = ${row[k]}`), sql` AND `)}`.execute(tx);
        out.targets++;
      }
    }
    return out;
  });
}
