// The identity map: Ed-Fi items the target acknowledged (natural key, id, last-sent hash) and
// the SIS object keys mapped to each. Written only after a 2xx from the target.
import { sql } from 'kysely';
import type { Db } from '../store/database.ts';
import type { NaturalKeyValues, SyncResource } from './derive/edfi-record.ts';
import type { SentRecord, SourceRemap } from './plan.ts';

export async function loadSentRecords(db: Db, tenantId: string, schoolIds: number[] | null = null): Promise<SentRecord[]> {
  const scope = schoolIds ? sql`AND (r.school_id IS NULL OR r.school_id = ANY(${schoolIds.map(String)}::bigint[]))` : sql``;
  const r = await sql<{
    key_text: string;
    resource: SyncResource;
    natural_key: NaturalKeyValues;
    edfi_id: string | null;
    hash: string;
    school_id: string | null;
    school_year: number;
    depends_on: string[];
    moved_to_school: string | null;
    sources: string[] | null;
  }>`SELECT r.key_text, r.resource, r.natural_key, r.edfi_id, r.hash, r.school_id, r.school_year, r.depends_on, r.moved_to_school,
        array_remove(array_agg(m.source_key ORDER BY m.source_key), NULL) AS sources
      FROM sync_records r LEFT JOIN sync_identity_map m ON m.tenant_id = r.tenant_id AND m.key_text = r.key_text
      WHERE r.tenant_id = ${tenantId} ${scope}
      GROUP BY r.key_text, r.resource, r.natural_key, r.edfi_id, r.hash, r.school_id, r.school_year, r.depends_on, r.moved_to_school
      ORDER BY r.key_text`.execute(db);
  return r.rows.map((x) => ({
    resource: x.resource,
    keyText: x.key_text,
    naturalKey: typeof x.natural_key === 'string' ? JSON.parse(x.natural_key) : x.natural_key,
    edfiId: x.edfi_id,
    hash: x.hash,
    sources: x.sources ?? [],
    schoolId: x.school_id === null ? null : Number(x.school_id),
    schoolYear: x.school_year,
    dependsOn: x.depends_on ?? [],
    movedToSchool: x.moved_to_school === null ? null : Number(x.moved_to_school),
  }));
}

/** Acknowledged items outside these schools that some of these SIS keys map to. */
export async function loadSentElsewhere(db: Db, tenantId: string, schoolIds: number[], sources: string[]): Promise<SentRecord[]> {
  if (sources.length === 0) return [];
  const r = await sql<{ school_id: string }>`SELECT DISTINCT r.school_id FROM sync_records r
    JOIN sync_identity_map m ON m.tenant_id = r.tenant_id AND m.key_text = r.key_text
    WHERE r.tenant_id = ${tenantId} AND m.source_key = ANY(${sources}::text[]) AND r.school_id IS NOT NULL
      AND NOT (r.school_id = ANY(${schoolIds.map(String)}::bigint[]))`.execute(db);
  const others = r.rows.map((x) => Number(x.school_id));
  if (others.length === 0) return [];
  return (await loadSentRecords(db, tenantId, others)).filter((x) => x.schoolId !== null && others.includes(x.schoolId));
}

export async function edfiIdOf(db: Db, tenantId: string, keyText: string): Promise<string | null | undefined> {
  const r = await sql<{ edfi_id: string | null }>`SELECT edfi_id FROM sync_records WHERE tenant_id = ${tenantId} AND key_text = ${keyText}`.execute(db);
  return r.rows[0] ? r.rows[0].edfi_id : undefined;
}

export async function missingParents(db: Db, tenantId: string, keyTexts: string[]): Promise<string[]> {
  if (keyTexts.length === 0) return [];
  const r = await sql<{ key_text: string }>`SELECT key_text FROM sync_records WHERE tenant_id = ${tenantId} AND key_text = ANY(${keyTexts}::text[])`.execute(db);
  const present = new Set(r.rows.map((x) => x.key_text));
  return keyTexts.filter((k) => !present.has(k));
}

export interface Acknowledged {
  resource: SyncResource;
  keyText: string;
  naturalKey: NaturalKeyValues;
  previousKeyText: string | null;
  edfiId: string | null;
  hash: string;
  sources: string[];
  schoolId: number | null;
  schoolYear: number;
  dependsOn: string[];
}

/** The target now holds this item under keyText (moved from previousKeyText on a key change). */
export async function recordUpsert(tx: Db, tenantId: string, a: Acknowledged): Promise<void> {
  if (a.previousKeyText && a.previousKeyText !== a.keyText)
    await sql`DELETE FROM sync_records WHERE tenant_id = ${tenantId} AND key_text = ${a.previousKeyText}`.execute(tx);
  await sql`INSERT INTO sync_records (tenant_id, key_text, resource, natural_key, edfi_id, hash, school_id, school_year, depends_on)
    VALUES (${tenantId}, ${a.keyText}, ${a.resource}, ${JSON.stringify(a.naturalKey)}::jsonb, ${a.edfiId}, ${a.hash}, ${a.schoolId === null ? null : String(a.schoolId)}::bigint,
      ${a.schoolYear}, ${a.dependsOn}::text[])
    ON CONFLICT (tenant_id, key_text) DO UPDATE SET natural_key = EXCLUDED.natural_key, edfi_id = COALESCE(EXCLUDED.edfi_id, sync_records.edfi_id),
      hash = EXCLUDED.hash, school_id = EXCLUDED.school_id, school_year = EXCLUDED.school_year, depends_on = EXCLUDED.depends_on, sent_at = now()`.execute(tx);
  await replaceSources(tx, tenantId, a.resource, a.keyText, a.sources);
}

export async function recordDelete(tx: Db, tenantId: string, keyText: string): Promise<void> {
  await sql`DELETE FROM sync_records WHERE tenant_id = ${tenantId} AND key_text = ${keyText}`.execute(tx);
}

export async function applyRemaps(tx: Db, tenantId: string, remaps: SourceRemap[]): Promise<void> {
  for (const m of remaps) {
    const r = await sql<{ resource: string }>`SELECT resource FROM sync_records WHERE tenant_id = ${tenantId} AND key_text = ${m.keyText}`.execute(tx);
    if (r.rows[0]) await replaceSources(tx, tenantId, r.rows[0].resource, m.keyText, m.sources);
  }
}

async function replaceSources(tx: Db, tenantId: string, resource: string, keyText: string, sources: string[]): Promise<void> {
  await sql`DELETE FROM sync_identity_map WHERE tenant_id = ${tenantId} AND key_text = ${keyText}`.execute(tx);
  if (sources.length === 0) return;
  await sql`INSERT INTO sync_identity_map (tenant_id, resource, source_key, key_text)
    SELECT ${tenantId}, ${resource}, s, ${keyText} FROM unnest(${sources}::text[]) AS s
    ON CONFLICT DO NOTHING`.execute(tx);
}
