// School id changes (seed 002): "When the School ID changes, all data remains under the old
// number and a resync needs to be completed to populate data under the new number. The delete
// tool would need to be used to remove all data from the old School ID." A plan that finds one
// records it here and marks the old number's items moved; the new number gets nothing until a
// resync of it; the old number's items go only with `termbridge sync delete --school OLD`.
import { sql } from 'kysely';
import type { Db } from '../store/database.ts';
import type { SchoolChange } from './plan.ts';

export interface RecordedSchoolChange {
  oldSchoolId: number;
  newSchoolId: number;
  detectedAt: string;
  resyncedAt: string | null;
  deletedAt: string | null;
  /** Items the target still holds under the old number, as far as the identity map knows. */
  itemsUnderOld: number;
}

/** New school ids that still wait for their resync. */
export async function awaitingResync(db: Db, tenantId: string): Promise<Set<number>> {
  const r = await sql<{ new_school_id: string }>`SELECT new_school_id FROM sync_school_changes WHERE tenant_id = ${tenantId} AND resynced_at IS NULL`.execute(db);
  return new Set(r.rows.map((x) => Number(x.new_school_id)));
}

/**
 * Keeps what a plan found (in its transaction): the change, and the old items marked moved.
 * A resync plan of the new school (or of every school) sends it, so its wait ends.
 */
export async function recordSchoolChanges(tx: Db, tenantId: string, changes: SchoolChange[], resynced: number[] | 'all' | null): Promise<void> {
  for (const c of changes) {
    await sql`INSERT INTO sync_school_changes (tenant_id, old_school_id, new_school_id) VALUES (${tenantId}, ${String(c.oldSchoolId)}, ${String(c.newSchoolId)})
      ON CONFLICT (tenant_id, old_school_id, new_school_id) DO UPDATE SET deleted_at = NULL`.execute(tx);
    await sql`UPDATE sync_records SET moved_to_school = ${String(c.newSchoolId)}::bigint WHERE tenant_id = ${tenantId} AND key_text = ANY(${c.keyTexts}::text[])`.execute(tx);
  }
  if (resynced === null) return;
  const scope = resynced === 'all' ? sql`` : sql`AND new_school_id = ANY(${resynced.map(String)}::bigint[])`;
  await sql`UPDATE sync_school_changes SET resynced_at = now() WHERE tenant_id = ${tenantId} AND resynced_at IS NULL ${scope}`.execute(tx);
}

export async function listSchoolChanges(db: Db, tenantId: string): Promise<RecordedSchoolChange[]> {
  const r = await sql<{ old_school_id: string; new_school_id: string; detected_at: Date; resynced_at: Date | null; deleted_at: Date | null; items: number }>`
    SELECT c.old_school_id, c.new_school_id, c.detected_at, c.resynced_at, c.deleted_at,
      (SELECT count(*)::int FROM sync_records r WHERE r.tenant_id = c.tenant_id AND r.school_id = c.old_school_id AND r.resource <> 'schoolYearTypes') AS items
    FROM sync_school_changes c WHERE c.tenant_id = ${tenantId} ORDER BY c.detected_at, c.old_school_id`.execute(db);
  const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());
  return r.rows.map((x) => ({
    oldSchoolId: Number(x.old_school_id),
    newSchoolId: Number(x.new_school_id),
    detectedAt: iso(x.detected_at)!,
    resyncedAt: iso(x.resynced_at),
    deletedAt: iso(x.deleted_at),
    itemsUnderOld: x.items,
  }));
}

/** What `sync status` says about each change, with the command that ends its wait. */
export function describeSchoolChange(c: RecordedSchoolChange, tenantId: string): string[] {
  const lines = [`school id changed: ${c.oldSchoolId} -> ${c.newSchoolId} (found ${c.detectedAt})`];
  if (!c.resyncedAt) lines.push(`  ${c.newSchoolId} is a new school: nothing is sent for it until: termbridge sync resync --tenant ${tenantId} --school ${c.newSchoolId}`);
  else lines.push(`  ${c.newSchoolId} resynced ${c.resyncedAt}`);
  if (c.itemsUnderOld > 0)
    lines.push(`  ${c.itemsUnderOld} item(s) stay in the target under ${c.oldSchoolId} until: termbridge sync delete --tenant ${tenantId} --school ${c.oldSchoolId}`);
  else lines.push(`  nothing left under ${c.oldSchoolId}${c.deletedAt ? ` (deleted ${c.deletedAt})` : ''}`);
  return lines;
}
