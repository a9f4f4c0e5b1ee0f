// Issue #12: one rule turns a Canvas instant into a school day, for the API and the connector
// alike. Its invariant: a term whose end is not before its start never gets a last day before
// its first — including a start and end at the same local midnight, and zones that skip midnight.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { lastDayOf, localDayOf, startOfLocalDay, todayIn } from '../../src/domain/zoned-time.ts';

// America/Santiago and America/Havana skip 00:00 on their spring-forward day; Asia/Kolkata has a half-hour offset.
const ZONES = ['America/Chicago', 'America/Santiago', 'America/Havana', 'Asia/Kolkata', 'Pacific/Apia', 'UTC'];
const MIN = Date.parse('2000-01-01T00:00:00Z');
const MAX = Date.parse('2040-01-01T00:00:00Z');

describe('the one instant → school day rule', () => {
  it('never gives a last day before the first day', () => {
    fc.assert(
      fc.property(fc.constantFrom(...ZONES), fc.integer({ min: MIN, max: MAX }), fc.integer({ min: 0, max: 400 * 86_400_000 }), (zone, start, length) => {
        const first = localDayOf(start, zone);
        expect(lastDayOf(start + length, zone, first) >= first).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('a start and end at the same local midnight is a one-day term, also where midnight is skipped', () => {
    fc.assert(
      fc.property(fc.constantFrom(...ZONES), fc.integer({ min: MIN, max: MAX }), (zone, ms) => {
        const day = localDayOf(ms, zone);
        const midnight = startOfLocalDay(day, zone);
        expect(lastDayOf(midnight, zone, localDayOf(midnight, zone))).toBe(day);
      }),
      { numRuns: 1000 },
    );
    // Santiago's 2022-09-11 began at 01:00 (00:00 was skipped): an end at that first instant ends the day before.
    const first = startOfLocalDay('2022-09-11', 'America/Santiago');
    expect(lastDayOf(first, 'America/Santiago', '2022-09-01')).toBe('2022-09-10');
  });

  it("today in a zone; an unknown zone is UTC's day", () => {
    const now = new Date('2025-10-01T03:00:00Z');
    expect(todayIn('America/Chicago', now)).toBe('2025-09-30');
    expect(todayIn('Mars/Olympus_Mons', now)).toBe('2025-10-01');
  });
});
