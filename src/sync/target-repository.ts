// The Ed-Fi ODS/API each tenant reports to (`termbridge sync target set`).
import { sql } from 'kysely';
import type { Db } from '../store/database.ts';
import type { EdfiTarget } from './edfi-client.ts';

export async function setTarget(db: Db, tenantId: string, t: EdfiTarget): Promise<void> {
  let url: URL;
  try {
    url = new URL(t.baseUrl);
  } catch {
    throw new Error(`'${t.baseUrl}' is not a URL; give the API root, e.g. https://ods.example.org/api`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`'${t.baseUrl}' must be an http(s) URL`);
  if (!t.key || !t.secret) throw new Error('both --key and --secret are required');
  await sql`INSERT INTO sync_targets (tenant_id, base_url, client_key, client_secret) VALUES (${tenantId}, ${t.baseUrl}, ${t.key}, ${t.secret})
    ON CONFLICT (tenant_id) DO UPDATE SET base_url = EXCLUDED.base_url, client_key = EXCLUDED.client_key, client_secret = EXCLUDED.client_secret, updated_at = now()`.execute(db);
}

export async function getTarget(db: Db, tenantId: string): Promise<EdfiTarget | null> {
  const r = await sql<{ base_url: string; client_key: string; client_secret: string }>`SELECT base_url, client_key, client_secret FROM sync_targets WHERE tenant_id = ${tenantId}`.execute(db);
  const row = r.rows[0];
  return row ? { baseUrl: row.base_url, key: row.client_key, secret: row.client_secret } : null;
}
