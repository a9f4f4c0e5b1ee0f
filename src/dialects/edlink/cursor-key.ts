// The key Edlink cursors are signed with. TERMBRIDGE_CURSOR_KEY when set (at least 32
// characters; every server given the same value agrees, on any database); otherwise a random
// key generated once and stored in the database (server_keys, migration 012), so every server on
// that database agrees without configuration. Changing the key ends the cursors issued before
// (a client starts again without $cursor, as after the 2-hour expiry).
import type { Kysely } from 'kysely';
import type { Tables } from '../../store/schema.ts';
import { serverKey } from '../../store/server-keys.ts';

export const CURSOR_KEY_ENV = 'TERMBRIDGE_CURSOR_KEY';
const MIN_LENGTH = 32;

export async function cursorKey(db: Kysely<Tables>, env: NodeJS.ProcessEnv = process.env): Promise<Buffer> {
  const configured = env[CURSOR_KEY_ENV];
  if (configured === undefined || configured === '') return serverKey(db, 'edlink-cursor');
  if (configured.length < MIN_LENGTH)
    throw new Error(`${CURSOR_KEY_ENV} must be a secret of at least ${MIN_LENGTH} characters (e.g. \`openssl rand -base64 32\`); it has ${configured.length}`);
  return Buffer.from(configured, 'utf8');
}
