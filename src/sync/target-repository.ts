// The Ed-Fi ODS/API each tenant reports to (`termbridge sync target set`): a default, and
// optionally one per school year (states that open a new ODS every year).
import { sql } from 'kysely';
import type { Db } from '../store/database.ts';
import { sealSecret, secretKey } from '../secrets/secret-box.ts';
import { keyIfSet, openStored, PLAIN_MARK, sealMarkedSecrets } from '../secrets/seal-at-rest.ts';
import type { EdfiTarget } from './edfi-client.ts';

export interface TenantTargets {
  default: EdfiTarget | null;
  byYear: Map<number, EdfiTarget>;
}

function checkTarget(t: EdfiTarget): void {
  let url: URL;
  try {
    url = new URL(t.baseUrl);
  } catch {
    throw new Error(`'${t.baseUrl}' is not a URL; give the API root, e.g. https://ods.example.org/api`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`'${t.baseUrl}' must be an http(s) URL`);
  if (!t.key || !t.secret) throw new Error('both --key and a secret are required (the secret from --secret-stdin or TERMBRIDGE_TARGET_SECRET)');
}

/** Sets the default target, or the target of one school year; the secret is sealed (refused without the key). */
export async function setTarget(db: Db, tenantId: string, t: EdfiTarget, schoolYear?: number): Promise<void> {
  checkTarget(t);
  const sealed = sealSecret(t.secret, secretKey());
  if (schoolYear === undefined)
    await sql`INSERT INTO sync_targets (tenant_id, base_url, client_key, client_secret) VALUES (${tenantId}, ${t.baseUrl}, ${t.key}, ${sealed})
      ON CONFLICT (tenant_id) DO UPDATE SET base_url = EXCLUDED.base_url, client_key = EXCLUDED.client_key, client_secret = EXCLUDED.client_secret, updated_at = now()`.execute(db);
  else
    await sql`INSERT INTO sync_year_targets (tenant_id, school_year, base_url, client_key, client_secret) VALUES (${tenantId}, ${schoolYear}, ${t.baseUrl}, ${t.key}, ${sealed})
      ON CONFLICT (tenant_id, school_year) DO UPDATE SET base_url = EXCLUDED.base_url, client_key = EXCLUDED.client_key, client_secret = EXCLUDED.client_secret, updated_at = now()`.execute(db);
}

export async function getTarget(db: Db, tenantId: string): Promise<EdfiTarget | null> {
  return (await getTargets(db, tenantId)).default;
}

/** The tenant's targets; with `secrets: false` (for showing them) secrets stay sealed and come back empty. */
export async function getTargets(db: Db, tenantId: string, options: { secrets?: boolean } = {}): Promise<TenantTargets> {
  type Row = { school_year: number | null; base_url: string; client_key: string; client_secret: string };
  const r = await sql<Row>`SELECT NULL::integer AS school_year, base_url, client_key, client_secret FROM sync_targets WHERE tenant_id = ${tenantId}
    UNION ALL SELECT school_year, base_url, client_key, client_secret FROM sync_year_targets WHERE tenant_id = ${tenantId}`.execute(db);
  const withSecrets = options.secrets ?? true;
  const key = withSecrets ? keyIfSet() : null;
  // A row still in the clear (from before migration 014) is sealed as soon as one is read with the key.
  if (key && r.rows.some((row) => row.client_secret.startsWith(PLAIN_MARK))) await sealMarkedSecrets(db, key);
  const targets: TenantTargets = { default: null, byYear: new Map() };
  for (const row of r.rows) {
    const t = { baseUrl: row.base_url, key: row.client_key, secret: withSecrets ? openStored(row.client_secret, key) : '' };
    if (row.school_year === null) targets.default = t;
    else targets.byYear.set(row.school_year, t);
  }
  return targets;
}
