import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays } from '../../../src/domain/calendar-date.ts';
import { endOfLocalDay, localDayOf, startOfLocalDay } from '../../../src/domain/zoned-time.ts';

const ZONES = ['America/Chicago', 'America/New_York', 'America/Los_Angeles', 'Pacific/Honolulu', 'UTC', 'Asia/Kolkata', 'Pacific/Auckland', 'America/Santiago', 'Asia/Tehran', 'Australia/Lord_Howe'];
const day = fc.date({ min: new Date('1900-01-02T00:00:00Z'), max: new Date('2200-12-30T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));

describe('district time zone ↔ school days', () => {
  it('puts a day\'s first and last second on that day, and the seconds around them on its neighbours', () => {
    fc.assert(
      fc.property(day, fc.constantFrom(...ZONES), (d, tz) => {
        const start = startOfLocalDay(d, tz);
        const end = endOfLocalDay(d, tz);
        expect(localDayOf(start, tz)).toBe(d);
        expect(localDayOf(end, tz)).toBe(d);
        expect(localDayOf(start - 1000, tz)).toBe(addDays(d, -1));
        expect(localDayOf(end + 1000, tz)).toBe(addDays(d, 1));
        expect(end).toBeGreaterThan(start);
      }),
      { numRuns: 400 },
    );
  });

  it('knows Chicago is 5 hours behind UTC in summer and 6 in winter', () => {
    expect(new Date(startOfLocalDay('2025-08-13', 'America/Chicago')).toISOString()).toBe('2025-08-13T05:00:00.000Z');
    expect(new Date(endOfLocalDay('2025-12-19', 'America/Chicago')).toISOString()).toBe('2025-12-20T05:59:59.000Z');
    // The day clocks go back: 25 hours long.
    expect(endOfLocalDay('2025-11-02', 'America/Chicago') - startOfLocalDay('2025-11-02', 'America/Chicago')).toBe(25 * 3600_000 - 1000);
  });

  it('keeps a day whose midnight does not exist (Santiago springs forward at 00:00)', () => {
    const start = startOfLocalDay('2025-09-07', 'America/Santiago');
    expect(localDayOf(start, 'America/Santiago')).toBe('2025-09-07');
    expect(new Date(start).toISOString()).toBe('2025-09-07T04:00:00.000Z');
  });
});
