// A named random key shared by every server on one database (migration 012): the first to ask
// creates it, everyone reads the stored one, so concurrent first requests still agree.
import { randomBytes } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { Tables } from './schema.ts';

export const SERVER_KEY_BYTES = 32;

export async function serverKey(db: Kysely<Tables>, name: string): Promise<Buffer> {
  await sql`INSERT INTO server_keys (name, secret) VALUES (${name}, ${randomBytes(SERVER_KEY_BYTES)}) ON CONFLICT (name) DO NOTHING`.execute(db);
  const r = await sql<{ secret: Uint8Array }>`SELECT secret FROM server_keys WHERE name = ${name}`.execute(db);
  const secret = r.rows[0]?.secret;
  if (!secret) throw new Error(`server key ${name} could not be stored`);
  return Buffer.from(secret);
}
