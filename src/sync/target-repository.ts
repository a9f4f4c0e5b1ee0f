// The Ed-Fi ODS/API each tenant reports to (`termbridge sync target set`): a default, and
// optionally one per school year (states that open a new ODS every year).
import { sql } from 'kysely';
import type { Db } from '../store/database.ts';
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
  if (!t.key || !t.secret) throw new Error('both --key and --secret are required');
}

/** Sets the default target, or the target of one school year. */
export async function setTarget(db: Db, tenantId: string, t: EdfiTarget, schoolYear?: number): Promise<void> {
  checkTarget(t);
  if (schoolYear === undefined)
    await sql`INSERT INTO sync_targets (tenant_id, base_url, client_key, client_secret) VALUES (${tenantId}, ${t.baseUrl}, ${t.key}, ${t.secret})
      ON CONFLICT (tenant_id) DO UPDATE SET base_url = EXCLUDED.base_url, client_key = EXCLUDED.client_key, client_secret = EXCLUDED.client_secret, updated_at = now()`.execute(db);
  else
    await sql`INSERT INTO sync_year_targets (tenant_id, school_year, base_url, client_key, client_secret) VALUES (${tenantId}, ${schoolYear}, ${t.baseUrl}, ${t.key}, ${t.secret})
      ON CONFLICT (tenant_id, school_year) DO UPDATE SET base_url = EXCLUDED.base_url, client_key = EXCLUDED.client_key, client_secret = EXCLUDED.client_secret, updated_at = now()`.execute(db);
}

export async function getTarget(db: Db, tenantId: string): Promise<EdfiTarget | null> {
  return (await getTargets(db, tenantId)).default;
}

export async function getTargets(db: Db, tenantId: string): Promise<TenantTargets> {
  type Row = { school_year: number | null; base_url: string; client_key: string; client_secret: string };
  const r = await sql<Row>`SELECT NULL::integer AS school_year, base_url, client_key, client_secret FROM sync_targets WHERE tenant_id = ${tenantId}
    UNION ALL SELECT school_year, base_url, client_key, client_secret FROM sync_year_targets WHERE tenant_id = ${tenantId}`.execute(db);
  const targets: TenantTargets = { default: null, byYear: new Map() };
  for (const row of r.rows) {
    const t = { baseUrl: row.base_url, key: row.client_key, secret: row.client_secret };
    if (row.school_year === null) targets.default = t;
    else targets.byYear.set(row.school_year, t);
  }
  return targets;
}
