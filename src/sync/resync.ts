// Resync, as the seed's rules say: (1) identity-map rows whose item is no longer in the ODS
// are dropped; (2) ODS items of the school with no SIS source and no identity-map row are
// deleted from the ODS; then everything is re-planned in resync mode (excluded and toggled-off
// data is deleted too) and sent.
import { sql } from 'kysely';
import type { Db } from '../store/database.ts';
import { keyTextOf, type NaturalKeyValues, type SyncResource } from './derive/edfi-record.ts';
import { clientFor, type TargetFor } from './target-router.ts';
import { loadSentRecords, recordDelete, recordUpsert } from './identity-map.ts';
import { SisRepository } from './sis-repository.ts';
import { enqueuePlan, type EnqueueResult } from './sync-planning.ts';

export interface ResyncOptions {
  schools?: number[] | undefined;
  resources?: Array<'sessions' | 'gradingPeriods'> | undefined;
}

export interface ResyncReport {
  forgotten: number;
  orphans: number;
  enqueued: EnqueueResult;
}

export function naturalKeyOfItem(resource: SyncResource, item: Record<string, any>): NaturalKeyValues | null {
  const schoolId = Number(item.schoolReference?.schoolId);
  const schoolYear = Number(item.schoolYearTypeReference?.schoolYear);
  if (!Number.isFinite(schoolId) || !Number.isFinite(schoolYear)) return null;
  if (resource === 'sessions') return { schoolId, schoolYear, sessionName: String(item.sessionName) };
  if (resource === 'gradingPeriods')
    return { gradingPeriodDescriptor: String(item.gradingPeriodDescriptor), gradingPeriodName: String(item.gradingPeriodName), schoolId, schoolYear };
  return null;
}

export async function resync(db: Db, tenantId: string, target: TargetFor, options: ResyncOptions = {}): Promise<ResyncReport> {
  const resources = options.resources ?? ['sessions', 'gradingPeriods'];
  const sisSchools = await new SisRepository(db).schools(tenantId);
  const sent = await loadSentRecords(db, tenantId, options.schools ?? null);
  const schools = options.schools ?? [...new Set([...sisSchools, ...sent.flatMap((r) => (r.schoolId === null ? [] : [r.schoolId]))])].sort((a, b) => a - b);
  const years = (await sql<{ school_year: number }>`SELECT school_year FROM sis_sync_years WHERE tenant_id = ${tenantId}`.execute(db)).rows.map((r) => r.school_year);

  // 1. What the ODS actually holds, per school, configured year and resource.
  const inOds = new Map<string, { id: string; resource: SyncResource; key: NaturalKeyValues; schoolId: number; schoolYear: number }>();
  for (const schoolId of schools)
    for (const resource of resources)
      for (const schoolYear of years)
        for (const item of await clientFor(target, schoolYear).listForSchool(resource, schoolId, schoolYear)) {
          const key = naturalKeyOfItem(resource, item);
          if (key && typeof item.id === 'string') inOds.set(keyTextOf(resource, key), { id: item.id, resource, key, schoolId, schoolYear });
        }

  let forgotten = 0;
  for (const r of sent) {
    if (!resources.includes(r.resource as 'sessions') || r.schoolId === null || !years.includes(r.schoolYear)) continue;
    if (!inOds.has(r.keyText)) {
      await recordDelete(db, tenantId, r.keyText);
      forgotten++;
    }
  }

  // 2. ODS items the identity map does not know become records with no SIS source, so the
  //    resync plan deletes them — unless the SIS derives the same item, then it is adopted.
  const known = new Set(sent.map((r) => r.keyText));
  let orphans = 0;
  for (const [keyText, item] of inOds) {
    if (known.has(keyText)) continue;
    orphans++;
    await recordUpsert(db, tenantId, {
      resource: item.resource,
      keyText,
      naturalKey: item.key,
      previousKeyText: null,
      edfiId: item.id,
      hash: 'unknown',
      sources: [],
      schoolId: item.schoolId,
      schoolYear: item.schoolYear,
      dependsOn: [],
    });
  }

  const enqueued = await enqueuePlan(db, tenantId, { mode: 'resync', schools: options.schools ?? null, resources: options.resources });
  return { forgotten, orphans, enqueued };
}
