// The planner against a simulated target, from any SIS state A to any SIS state B:
// parents are always in the target before a child is sent, nothing is deleted while a
// remaining item references it, and once the plan is applied, planning again sends nothing.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { deriveEdfiSessions } from '../../src/sync/derive/derive-edfi-sessions.ts';
import { planSync, type Plan, type SentRecord } from '../../src/sync/plan.ts';
import { loadStateRuleBook } from '../../src/sync/state-rule-book.ts';
import type { SisDataset } from '../../src/sync/sis-model.ts';
import { sisDataset } from './sis-arbitrary.ts';

const book = loadStateRuleBook();

function acknowledgedFrom(sis: SisDataset): Map<string, SentRecord> {
  return new Map(
    deriveEdfiSessions(sis, book)
      .records.filter((r) => r.enabled)
      .map((r) => [r.keyText, { resource: r.resource, keyText: r.keyText, naturalKey: r.naturalKey, edfiId: null, hash: r.hash, sources: r.sources, schoolId: r.schoolId, schoolYear: r.schoolYear, dependsOn: r.dependsOn }]),
  );
}

/** Applies a plan the way a target that acknowledges everything would, checking the order. */
function apply(target: Map<string, SentRecord>, plan: Plan): void {
  for (const op of plan.ops) {
    if (op.action === 'delete') {
      for (const r of target.values()) expect(r.dependsOn, `${r.keyText} still references ${op.keyText}`).not.toContain(op.keyText);
      target.delete(op.keyText);
      continue;
    }
    for (const parent of op.dependsOn) expect(target.has(parent), `${op.keyText} sent before its parent ${parent}`).toBe(true);
    if (op.previousKeyText && op.previousKeyText !== op.keyText) target.delete(op.previousKeyText);
    target.set(op.keyText, { ...op, edfiId: null, hash: op.hash!, dependsOn: op.dependsOn });
  }
  for (const m of plan.remaps) target.get(m.keyText)!.sources = m.sources;
  // A school id change: the old id's items stay, marked, as sync-planning records them.
  for (const c of plan.schoolChanges) for (const k of c.keyTexts) target.get(k)!.movedToSchool = c.newSchoolId;
}

describe('planner properties', () => {
  for (const mode of ['incremental', 'resync'] as const)
    it(`${mode}: from any A to any B the plan is well ordered and converges`, () => {
      fc.assert(
        fc.property(sisDataset, sisDataset, (a, b) => {
          const target = acknowledgedFrom(a);
          const derivation = deriveEdfiSessions(b, book);
          const first = planSync(derivation, [...target.values()], { mode });
          apply(target, first);
          // A new school id waits for a resync; a resync plan has sent it.
          const awaitingResync = new Set(mode === 'incremental' ? first.schoolChanges.map((c) => c.newSchoolId) : []);
          const again = planSync(derivation, [...target.values()], { mode, awaitingResync });
          expect(again.ops).toEqual([]);
          expect(again.remaps).toEqual([]);
          if (mode === 'resync' && derivation.issues.length === 0 && derivation.disabledYears.length === 0) {
            // Nothing held back: the target holds exactly what B derives (school years are never deleted).
            const want = derivation.records.filter((r) => r.resource !== 'schoolYearTypes').map((r) => r.keyText).sort();
            const have = [...target.values()].filter((r) => r.resource !== 'schoolYearTypes' && r.movedToSchool == null).map((r) => r.keyText).sort();
            expect(have).toEqual(want);
          }
        }),
        { numRuns: Number(process.env.PLAN_RUNS ?? 300) },
      );
    });

  it('keeps a grading period the moved school still references with the moved items (a counterexample once found)', () => {
    const mappings = [{ schoolYear: 2026, termTypeCode: 'Q1', termDescriptor: 'uri://x/TermDescriptor#Q1' }];
    const years = [{ schoolYear: 2026, stateCode: 'KS', sessionsEnabled: true }];
    const school = (schoolId: number) => ({
      schools: [{ schoolId, name: `S${schoolId}`, exclude: false }],
      calendars: [{ calendarId: 'c0', schoolId, schoolYear: 2026, name: 'c0', exclude: false }],
      terms: [{ termId: 't0', calendarId: 'c0', scheduleStructure: 'main', name: 't0', termTypeCode: 'Q1', startDate: '2025-08-01', endDate: '2025-08-01' }],
      calendarDays: [],
      courseSections: [],
      termTypeMappings: mappings,
      syncYears: years,
    });
    const gradingPeriod = { gradingPeriodId: 'g0', schoolId: 1, schoolYear: 2026, name: 'P1', descriptor: 'uri://ed-fi.org/GradingPeriodDescriptor#Other', periodSequence: 0, beginDate: '2025-08-01', endDate: '2025-08-01' };
    const a = { ...school(1), gradingPeriods: [gradingPeriod] } as unknown as SisDataset;
    const b = { ...school(2), gradingPeriods: [] } as unknown as SisDataset;
    const target = acknowledgedFrom(a);
    const first = planSync(deriveEdfiSessions(b, book), [...target.values()], { mode: 'resync' });
    const oldGradingPeriod = [...target.keys()].find((k) => k.startsWith('gradingPeriods:'))!;
    expect(first.schoolChanges.flatMap((c) => c.keyTexts)).toContain(oldGradingPeriod);
    expect(first.ops.filter((op) => op.keyText === oldGradingPeriod)).toEqual([]);
  });
});
