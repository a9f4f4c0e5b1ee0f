// Merges pulled records into the store, inside the caller's transaction. A record is matched by
// the source's identifier first, then by natural key (school, school year, name); it is written
// only when something differs, so a pull with no changes at the source writes nothing. A bad
// record is counted as failed and skipped; it never aborts the others (every conflict the
// database would refuse is checked before writing, so no statement fails mid-transaction).
import { isDeepStrictEqual } from 'node:util';
import { sessionInputOf, type SessionInput, type SessionType } from '../domain/session.ts';
import { sameContent } from '../domain/session-contract.ts';
import { validateSession } from '../domain/validation.ts';
import { SessionRepository, type SessionWithSeq } from '../store/session-repository.ts';
import { SessionIndex } from './session-index.ts';
import { TenantRepository, type Org } from '../store/tenant-repository.ts';
import type { ConnectorRecord, PulledSession, SchoolRef } from './connector.ts';
import type { Db } from '../store/database.ts';
import type { Transaction } from 'kysely';
import type { Tables } from '../store/schema.ts';

export interface PullSummary {
  created: number;
  updated: number;
  deleted: number;
  unchanged: number;
  failed: number;
  schoolsCreated: number;
  failures: { sourceId: string; message: string }[];
}

export const emptySummary = (): PullSummary => ({ created: 0, updated: 0, deleted: 0, unchanged: 0, failed: 0, schoolsCreated: 0, failures: [] });

const RANK: Record<SessionType, number> = { schoolYear: 0, semester: 1, trimester: 1, term: 1, summer: 1, other: 1, quarter: 2, gradingPeriod: 3 };

/**
 * Schools, then deletes, then key changes, then sessions parents-first. Deletes go first so a
 * natural key the source freed (deleted, then re-created under a new id, or taken by a renamed
 * item) is free here too; no connector yields a delete and a live record for one id in one pull.
 */
export function mergeOrder(records: ConnectorRecord[]): ConnectorRecord[] {
  const of = (k: ConnectorRecord['kind']) => records.filter((r) => r.kind === k);
  const sessions = of('session').map((r, i) => ({ r, i }));
  sessions.sort((a, b) => RANK[(a.r as { session: PulledSession }).session.type] - RANK[(b.r as { session: PulledSession }).session.type] || a.i - b.i);
  return [...of('school'), ...of('delete'), ...of('keyChange'), ...sessions.map((x) => x.r), ...of('absentAreDeleted')];
}

class RecordFailure extends Error {}

export interface MergeOptions {
  /**
   * The source's natural key is its identity (Ed-Fi): an item holding a key another item held is
   * its successor (Ed-Fi does not even report the delete when a key is re-created), so the session
   * passes to it. Elsewhere two live records may share a name: they stay two sessions, or, where
   * the store's unique key forbids that, the newcomer fails.
   */
  keyIsIdentity?: boolean;
}

export async function mergeRecords(
  db: Db | Transaction<Tables>,
  tenantId: string,
  system: string,
  records: ConnectorRecord[],
  options: MergeOptions = {},
): Promise<PullSummary> {
  const summary = emptySummary();
  // Nothing read (an incremental pull with nothing new): do not even load the district's sessions.
  if (records.length === 0) return summary;
  const sessions = new SessionRepository(db);
  const tenants = new TenantRepository(db);
  let schools: Org[] = await tenants.orgs(tenantId, 'school');
  const index = await SessionIndex.load(sessions, tenantId, system);

  const schoolOf = (ref: SchoolRef | null): string | null => {
    if (ref === null) return null;
    const live = schools.filter((s) => s.status === 'active');
    const hit =
      (ref.oneRosterOrg ? live.find((s) => s.identifiers.oneroster === ref.oneRosterOrg || s.id === ref.oneRosterOrg) : undefined) ??
      (ref.schoolId != null ? live.find((s) => s.schoolId === ref.schoolId) : undefined) ??
      (ref.name ? live.find((s) => s.name === ref.name) : undefined);
    if (!hit) {
      const what = ref.schoolId != null ? `schoolId ${ref.schoolId}` : ref.name ? `'${ref.name}'` : `OneRoster org ${ref.oneRosterOrg}`;
      throw new RecordFailure(`no school in this district matches ${what}; add the school first`);
    }
    return hit.id;
  };

  const fail = (sourceId: string, message: string) => {
    summary.failed++;
    summary.failures.push({ sourceId, message });
  };

  const listed = new Set(records.flatMap((r) => (r.kind === 'session' ? [r.sourceId] : [])));
  const outcome = new Map<string, 'created' | 'updated' | 'unchanged'>();
  for (const record of mergeOrder(records)) {
    try {
      switch (record.kind) {
        case 'school': {
          if (schools.some((s) => s.schoolId === record.schoolId)) break;
          await tenants.addSchool(tenantId, { name: record.name, schoolId: record.schoolId });
          summary.schoolsCreated++;
          schools = await tenants.orgs(tenantId, 'school');
          break;
        }
        case 'absentAreDeleted': {
          for (const s of index.liveWithSourceIds())
            if (!listed.has(s.identifiers[system]!)) {
              index.put((await sessions.markDeleted(tenantId, s.id))!, s);
              summary.deleted++;
            }
          break;
        }
        case 'delete': {
          const existing = index.bySourceId(record.sourceId);
          if (existing && existing.status === 'active') {
            index.put((await sessions.markDeleted(tenantId, existing.id))!, existing);
            summary.deleted++;
          } else summary.unchanged++;
          break;
        }
        case 'keyChange': {
          const existing = index.bySourceId(record.sourceId);
          if (!existing) {
            summary.unchanged++;
            break;
          }
          const input: SessionInput = { ...sessionInputOf(existing), name: record.name, schoolYear: record.schoolYear, schoolOrgId: schoolOf(record.school) };
          if (input.name === existing.name && input.schoolYear === existing.schoolYear && input.schoolOrgId === existing.schoolOrgId) {
            summary.unchanged++;
            break;
          }
          await checkedUpdate(existing, input, record.sourceId);
          break;
        }
        case 'session': {
          const pulled = record.session;
          const parent = pulled.parentSourceId ? index.bySourceId(pulled.parentSourceId) : null;
          const desired: SessionInput = {
            schoolOrgId: schoolOf(pulled.school),
            schoolYear: pulled.schoolYear,
            name: pulled.name,
            type: pulled.type,
            beginDate: pulled.beginDate,
            endDate: pulled.endDate,
            parentId: parent?.id ?? null,
            status: 'active',
            termDescriptor: pulled.termDescriptor,
            gradingPeriodDescriptor: pulled.gradingPeriodDescriptor,
            periodSequence: pulled.periodSequence,
            totalInstructionalDays: pulled.totalInstructionalDays,
            properties: pulled.properties,
          };
          const violations = validateSession(desired);
          if (violations.length > 0) throw new RecordFailure(violations.map((v) => v.message).join(' '));
          let existing = index.bySourceId(record.sourceId);
          if (!existing) {
            existing = index.holder(desired, null);
            const theirs = existing?.identifiers[system];
            if (theirs !== undefined && theirs !== record.sourceId && !options.keyIsIdentity) {
              const uniqueKey = desired.schoolOrgId !== null && desired.schoolYear !== null;
              if (uniqueKey) throw new RecordFailure(`another record of this source (${theirs}) already holds ${desired.name} for this school and year`);
              existing = null;
            }
          }
          if (!existing) {
            index.put(await sessions.insert(tenantId, { ...desired, identifiers: { [system]: record.sourceId } }));
            summary.created++;
            outcome.set(record.sourceId, 'created');
            break;
          }
          const merged: SessionInput = { ...desired, properties: { ...existing.properties, ...pulled.properties } };
          if (sameSession(existing, merged) && existing.identifiers[system] === record.sourceId) {
            summary.unchanged++;
            outcome.set(record.sourceId, 'unchanged');
            break;
          }
          await checkedUpdate(existing, merged, record.sourceId);
          outcome.set(record.sourceId, 'updated');
          break;
        }
      }
    } catch (err) {
      if (err instanceof RecordFailure) fail('sourceId' in record ? record.sourceId : record.kind === 'school' ? `school ${record.schoolId}` : record.kind, err.message);
      else throw err;
    }
  }
  await linkGradingPeriods();
  return summary;

  /** Ed-Fi's session → grading period links, once every grading period of the pull is stored. */
  async function linkGradingPeriods(): Promise<void> {
    const linking = records.flatMap((r) => {
      if (r.kind !== 'session' || r.session.gradingPeriods === undefined || !outcome.has(r.sourceId)) return [];
      const session = index.bySourceId(r.sourceId);
      return session && session.status === 'active' ? [{ record: r, session, refs: r.session.gradingPeriods }] : [];
    });
    if (linking.length === 0) return;
    const links = await sessions.gradingPeriodsOf(tenantId, linking.map((l) => l.session.id));
    for (const { record, session, refs } of linking) {
      const wanted: string[] = [];
      for (const ref of refs) {
        const school = schools.find((o) => o.status === 'active' && o.schoolId === ref.schoolId);
        const gp = school ? index.holder({ schoolOrgId: school.id, schoolYear: ref.schoolYear, name: ref.name, type: 'gradingPeriod', gradingPeriodDescriptor: ref.descriptor }, null) : null;
        if (gp) wanted.push(gp.id);
        else fail(record.sourceId, `its grading period '${ref.name}' (${ref.descriptor}, school ${ref.schoolId}, ${ref.schoolYear}) is not in this district`);
      }
      const current = (links.get(session.id) ?? []).map((g) => g.id);
      if (isDeepStrictEqual([...new Set(current)].sort(), [...new Set(wanted)].sort())) continue;
      await sessions.setGradingPeriods(tenantId, session.id, wanted);
      // The Ed-Fi session's gradingPeriods changed: it takes a new change version.
      const after = await sessions.update(tenantId, session.id, sessionInputOf(session));
      if (after && after !== 'conflict') index.put(after, session);
      if (outcome.get(record.sourceId) === 'unchanged') {
        summary.unchanged--;
        summary.updated++;
        outcome.set(record.sourceId, 'updated');
      }
    }
  }

  async function checkedUpdate(existing: SessionWithSeq, input: SessionInput, sourceId: string): Promise<void> {
    const holder = index.holder(input, existing.id);
    if (holder && (input.status ?? existing.status) === 'active' && input.schoolOrgId !== null && input.schoolYear !== null)
      throw new RecordFailure(`${input.name} is already used by session ${holder.id} for this school and year`);
    const after = await sessions.update(tenantId, existing.id, { ...input, identifiers: { [system]: sourceId } });
    if (after && after !== 'conflict') index.put(after, existing);
    summary.updated++;
  }
}

/**
 * True when writing `input` would change nothing stored: the session contract's one no-op check
 * (a pulled null clears a stored value, so it is a change).
 */
export function sameSession(s: SessionWithSeq, input: SessionInput): boolean {
  return sameContent(s, input);
}
