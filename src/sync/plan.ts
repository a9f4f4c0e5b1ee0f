// The diff between what the SIS says should exist in Ed-Fi (a derivation) and what the
// target has acknowledged (the identity map): the Post/Put/Delete operations to send.
// Pure. Matching is by natural key first, then by shared SIS object keys, which is how a
// renamed session is recognised as a key change of the item already sent.
import type { Derivation } from './derive/derive-edfi-sessions.ts';
import { KEY_UPDATABLE, RESOURCE_TIER, type DerivedRecord, type NaturalKeyValues, type SyncResource } from './derive/edfi-record.ts';

/** An item the target acknowledged, as the identity map remembers it. */
export interface SentRecord {
  resource: SyncResource;
  keyText: string;
  naturalKey: NaturalKeyValues;
  edfiId: string | null;
  hash: string;
  sources: string[];
  schoolId: number | null;
  schoolYear: number;
  /** keyTexts of the items it referenced when sent. */
  dependsOn: string[];
  /** The school id changed to this one: the item stays under the old number until `sync delete`. */
  movedToSchool?: number | null;
}

export type OpAction = 'post' | 'put' | 'delete';

export interface PlannedOp {
  resource: SyncResource;
  action: OpAction;
  /** Natural key the item has after the operation (the old key for a delete). */
  keyText: string;
  naturalKey: NaturalKeyValues;
  /** Natural key of the acknowledged item a put or delete acts on. */
  previousKeyText: string | null;
  body: Record<string, unknown> | null;
  hash: string | null;
  sources: string[];
  schoolId: number | null;
  schoolYear: number;
  /** Send order: upserts by dependency tier, then deletes in reverse tier. */
  rank: number;
  dependsOn: string[];
  reason: 'new' | 'changed' | 'key change' | 'removed' | 'orphan';
}

export interface SourceRemap {
  keyText: string;
  sources: string[];
}

/** The SIS moved items from one school id to another: a new school for the sync (seed 002). */
export interface SchoolChange {
  oldSchoolId: number;
  newSchoolId: number;
  /** Acknowledged items of the old school that stay there (marked moved, never re-keyed). */
  keyTexts: string[];
}

export interface Plan {
  ops: PlannedOp[];
  /** Identity-map source lists to refresh without sending anything (same payload, new members). */
  remaps: SourceRemap[];
  /** School id changes found by this plan. */
  schoolChanges: SchoolChange[];
}

export interface PlanOptions {
  /** resync: excluded and toggled-off data is deleted too, not only removed SIS records. */
  mode: 'incremental' | 'resync';
  /** `${keyText}|${hash}` (or `${keyText}|delete`) of payloads the target already refused. */
  refused?: ReadonlySet<string>;
  /** New school ids of earlier school id changes that no resync has sent yet. */
  awaitingResync?: ReadonlySet<number>;
  /**
   * Acknowledged items of schools outside the plan's scope that share SIS keys with what it
   * derives: only to recognise a school id change, never re-keyed or deleted by this plan.
   */
  elsewhere?: readonly SentRecord[];
}

export function deleteRank(resource: SyncResource): number {
  return 5 - RESOURCE_TIER[resource];
}

export function planSync(derivation: Derivation, sent: readonly SentRecord[], options: PlanOptions): Plan {
  const refused = options.refused ?? new Set<string>();
  const held = new Set(derivation.held);
  const retained = new Set(derivation.retained);
  const disabledYears = new Set(derivation.disabledYears);
  // Items left under a changed school id are the operator's to delete (`sync delete`), not the plan's.
  const active = sent.filter((r) => r.movedToSchool == null);
  const byKey = new Map(active.map((r) => [r.keyText, r]));
  const bySource = new Map<string, SentRecord[]>();
  for (const r of [...active, ...(options.elsewhere ?? []).filter((e) => e.movedToSchool == null && !byKey.has(e.keyText))])
    for (const s of r.sources) {
      const list = bySource.get(s) ?? [];
      list.push(r);
      bySource.set(s, list);
    }

  const desired = [...derivation.records].sort((a, b) => cmp(a.keyText, b.keyText));
  const claimed = new Set<string>();
  const changes = new Map<string, SchoolChange>(); // `${old}>${new}`
  const matches = new Map<string, SentRecord>(); // desired keyText -> sent record
  for (const d of desired) {
    const r = byKey.get(d.keyText);
    if (r) {
      matches.set(d.keyText, r);
      claimed.add(r.keyText);
    }
  }
  for (const d of desired) {
    if (matches.has(d.keyText)) continue;
    const overlap = new Map<string, number>();
    for (const s of d.sources)
      for (const r of bySource.get(s) ?? [])
        if (r.resource === d.resource && !claimed.has(r.keyText))
          overlap.set(r.keyText, (overlap.get(r.keyText) ?? 0) + 1);
    const best = [...overlap].sort(([ka, na], [kb, nb]) => nb - na || cmp(ka, kb))[0];
    if (best) {
      const r = byKey.get(best[0]) ?? bySourceRecord(bySource, best[0])!;
      claimed.add(r.keyText);
      if (r.schoolId !== null && d.schoolId !== null && r.schoolId !== d.schoolId) {
        // Seed 002: "When the School ID changes, all data remains under the old number and a
        // resync needs to be completed to populate data under the new number."
        const id = `${r.schoolId}>${d.schoolId}`;
        const change = changes.get(id) ?? { oldSchoolId: r.schoolId, newSchoolId: d.schoolId, keyTexts: [] };
        change.keyTexts.push(r.keyText);
        changes.set(id, change);
      } else matches.set(d.keyText, r);
    }
  }
  keepWithMovedItems(changes, active, claimed);
  // A changed school is new to the sync: a normal run sends it nothing, a resync sends it all.
  const newSchools = new Set([...(options.awaitingResync ?? []), ...[...changes.values()].map((c) => c.newSchoolId)]);

  const ops: PlannedOp[] = [];
  const remaps: SourceRemap[] = [];
  for (const d of desired) {
    const r = matches.get(d.keyText);
    if (!d.enabled) continue; // toggled off: keep what was sent, send nothing new
    if (!r && d.schoolId !== null && newSchools.has(d.schoolId) && options.mode === 'incremental') continue;
    if (!r) {
      if (!refused.has(`${d.keyText}|${d.hash}`)) ops.push(upsert(d, 'post', null, 'new'));
      continue;
    }
    const keyChanged = r.keyText !== d.keyText;
    if (!keyChanged && r.hash === d.hash) {
      if (!sameList(r.sources, d.sources)) remaps.push({ keyText: d.keyText, sources: d.sources });
      continue;
    }
    if (refused.has(`${d.keyText}|${d.hash}`)) continue;
    if (!keyChanged) ops.push(upsert(d, 'put', r.keyText, 'changed'));
    else if (KEY_UPDATABLE.has(d.resource)) ops.push(upsert(d, 'put', r.keyText, 'key change'));
    else {
      // Not key-updatable in the ODS: post the new identity, delete the old after children moved.
      ops.push(upsert(d, 'post', null, 'key change'));
      ops.push(removal(r, 'key change'));
    }
  }

  for (const r of [...active].sort((a, b) => cmp(a.keyText, b.keyText))) {
    if (claimed.has(r.keyText)) continue;
    if (r.resource === 'schoolYearTypes') continue; // shared reference data: never deleted by a district
    if (r.sources.some((s) => held.has(s))) continue;
    if (options.mode === 'incremental') {
      if (r.sources.some((s) => retained.has(s))) continue;
      if (disabledYears.has(r.schoolYear)) continue;
    }
    if (refused.has(`${r.keyText}|delete`)) continue;
    ops.push(removal(r, 'removed'));
  }

  const kept = keepReferenced(ops, sent);
  kept.sort((a, b) => a.rank - b.rank || cmp(a.keyText, b.keyText) || cmp(a.action, b.action));
  remaps.sort((a, b) => cmp(a.keyText, b.keyText));
  const schoolChanges = [...changes.values()].map((c) => ({ ...c, keyTexts: c.keyTexts.sort(cmp) })).sort((a, b) => a.oldSchoolId - b.oldSchoolId || a.newSchoolId - b.newSchoolId);
  return { ops: kept, remaps, schoolChanges };
}

function bySourceRecord(bySource: Map<string, SentRecord[]>, keyText: string): SentRecord | undefined {
  for (const list of bySource.values()) for (const r of list) if (r.keyText === keyText) return r;
  return undefined;
}

/**
 * Drops deletes of items that something staying in the target still references (a session
 * kept because its calendar is excluded still points at its grading periods): the target would
 * refuse them, and they go once nothing references them.
 */
function keepReferenced(ops: PlannedOp[], sent: readonly SentRecord[]): PlannedOp[] {
  const deleting = new Set(ops.filter((o) => o.action === 'delete').map((o) => o.keyText));
  const replaced = new Map(ops.filter((o) => o.action !== 'delete' && o.previousKeyText).map((o) => [o.previousKeyText!, o]));
  for (;;) {
    const referenced = new Set<string>();
    for (const o of ops) if (o.action !== 'delete') for (const d of o.dependsOn) referenced.add(d);
    for (const r of sent) {
      if (deleting.has(r.keyText) || replaced.has(r.keyText)) continue;
      for (const d of r.dependsOn) referenced.add(d);
    }
    const blocked = [...deleting].filter((k) => referenced.has(k));
    if (blocked.length === 0) break;
    for (const k of blocked) deleting.delete(k);
  }
  return ops.filter((o) => o.action !== 'delete' || deleting.has(o.keyText));
}

function upsert(d: DerivedRecord, action: 'post' | 'put', previousKeyText: string | null, reason: PlannedOp['reason']): PlannedOp {
  return {
    resource: d.resource,
    action,
    keyText: d.keyText,
    naturalKey: d.naturalKey,
    previousKeyText,
    body: d.body,
    hash: d.hash,
    sources: d.sources,
    schoolId: d.schoolId,
    schoolYear: d.schoolYear,
    rank: RESOURCE_TIER[d.resource],
    dependsOn: d.dependsOn,
    reason,
  };
}

function removal(r: SentRecord, reason: PlannedOp['reason']): PlannedOp {
  return {
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
    reason,
  };
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * What the old school's moved items reference stays with them, marked moved too: "all data
 * remains under the old number" (seed 002). Left unmarked, such an item (a grading period
 * the SIS no longer lists under the old number) would be planned for deletion on every run
 * and never deleted, since a moved session still references it.
 */
function keepWithMovedItems(changes: Map<string, SchoolChange>, active: readonly SentRecord[], claimed: Set<string>): void {
  for (const change of changes.values()) {
    const moved = new Set(change.keyTexts);
    const referenced = (r: SentRecord) => active.some((m) => moved.has(m.keyText) && m.dependsOn.includes(r.keyText));
    let grew = true;
    while (grew) {
      grew = false;
      for (const r of active) {
        if (claimed.has(r.keyText) || r.schoolId !== change.oldSchoolId || r.resource === 'schoolYearTypes' || !referenced(r)) continue;
        claimed.add(r.keyText);
        moved.add(r.keyText);
        change.keyTexts.push(r.keyText);
        grew = true;
      }
    }
  }
}
