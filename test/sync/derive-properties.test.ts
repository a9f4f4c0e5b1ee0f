// Derivation is a function of the SIS data, not of the order rows arrive in.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { deriveEdfiSessions } from '../../src/sync/derive/derive-edfi-sessions.ts';
import { loadStateRuleBook } from '../../src/sync/state-rule-book.ts';
import type { SisDataset } from '../../src/sync/sis-model.ts';
import { sisDataset as dataset } from './sis-arbitrary.ts';

const book = loadStateRuleBook();
function shuffled<T>(items: T[], seed: number): T[] {
  const out = [...items];
  let s = seed >>> 0 || 1;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1_103_515_245 + 12_345) >>> 0;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

describe('derivation properties', () => {
  it('is deterministic: the same input twice gives the same output', () => {
    fc.assert(
      fc.property(dataset, (sis) => {
        expect(deriveEdfiSessions(sis, book)).toEqual(deriveEdfiSessions(structuredClone(sis), book));
      }),
      { numRuns: 200 },
    );
  });

  it('is independent of the order of every input table', () => {
    fc.assert(
      fc.property(dataset, fc.integer(), (sis, seed) => {
        const reordered: SisDataset = {
          schools: shuffled(sis.schools, seed),
          calendars: shuffled(sis.calendars, seed + 1),
          terms: shuffled(sis.terms, seed + 2),
          calendarDays: shuffled(sis.calendarDays, seed + 3),
          courseSections: shuffled(sis.courseSections, seed + 4),
          gradingPeriods: shuffled(sis.gradingPeriods, seed + 5),
          termTypeMappings: shuffled(sis.termTypeMappings, seed + 6),
          syncYears: shuffled(sis.syncYears, seed + 7),
        };
        expect(deriveEdfiSessions(reordered, book)).toEqual(deriveEdfiSessions(sis, book));
      }),
      { numRuns: 300 },
    );
  });

  it('never sends a session without dates in order, and every session reference resolves to a derived item', () => {
    fc.assert(
      fc.property(dataset, (sis) => {
        const d = deriveEdfiSessions(sis, book);
        const keys = new Set(d.records.map((r) => r.keyText));
        for (const r of d.records) {
          for (const p of r.dependsOn) expect(keys.has(p)).toBe(true);
          if (r.resource === 'sessions') expect((r.body.beginDate as string) <= (r.body.endDate as string)).toBe(true);
        }
      }),
      { numRuns: 200 },
    );
  });
});
