// The delete tool of seed 002: removes from the target everything termbridge sent under one
// school id — in practice the old number of a changed school id, whose items no sync deletes.
// Refused while the SIS still derives items for that school: the next sync would send them back.
import { sql } from 'kysely';
import type { Db } from '../store/database.ts';
import { deriveEdfiSessions } from './derive/derive-edfi-sessions.ts';
import { loadSentRecords } from './identity-map.ts';
import { enqueueBatch } from './outbox.ts';
import { deleteRank, type PlannedOp } from './plan.ts';
import { SisRepository } from './sis-repository.ts';
import { loadStateRuleBook } from './state-rule-book.ts';

export class SchoolStillInSisError extends Error {}

/** The deletes, children first: every acknowledged item of the school but shared school years. */
export async function planSchoolDelete(db: Db, tenantId: string, schoolId: number): Promise<PlannedOp[]> {
  const derived = deriveEdfiSessions(await new SisRepository(db).load(tenantId, [schoolId]), loadStateRuleBook()).records.filter((r) => r.schoolId === schoolId);
  if (derived.length > 0)
    throw new SchoolStillInSisError(
      `school ${schoolId} still has SIS data that derives ${derived.length} item(s); a sync would send them again. Move its calendars and grading periods to the new school id (or exclude the school) first.`,
    );
  const sent = (await loadSentRecords(db, tenantId, [schoolId])).filter((r) => r.schoolId === schoolId && r.resource !== 'schoolYearTypes');
  return sent
    .map(
      (r): PlannedOp => ({
        resource: r.resource,
        action: 'delete',
        keyText: r.keyText,
        naturalKey: r.naturalKey,
        previousKeyText: r.keyText,
        body: null,
        hash: null,
        sources: r.sources,
        schoolId: r.schoolId,
        schoolYear: r.schoolYear,
        rank: deleteRank(r.resource),
        dependsOn: [],
        reason: 'removed',
      }),
    )
    .sort((a, b) => a.rank - b.rank || (a.keyText < b.keyText ? -1 : a.keyText > b.keyText ? 1 : 0));
}

/** Queues the school's deletes (under the planners' lock) and records that it was asked for. */
export async function enqueueSchoolDelete(db: Db, tenantId: string, schoolId: number): Promise<PlannedOp[]> {
  return db.transaction().execute(async (tx) => {
    await sql`SELECT pg_advisory_xact_lock(hashtext(${`termbridge-sync:${tenantId}`}))`.execute(tx);
    const ops = await planSchoolDelete(tx, tenantId, schoolId);
    await enqueueBatch(tx, tenantId, ops, [schoolId]);
    await sql`UPDATE sync_school_changes SET deleted_at = now() WHERE tenant_id = ${tenantId} AND old_school_id = ${String(schoolId)}::bigint`.execute(tx);
    return ops;
  });
}
