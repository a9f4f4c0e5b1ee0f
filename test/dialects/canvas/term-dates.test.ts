// Canvas instants ↔ stored days: what is written through Canvas reads back exactly, and what
// another API stored reads as the day's 00:00 / 23:59:59 in the district's zone.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { lastDayOf, termEndAt, termStartAt } from '../../../src/dialects/canvas/term-properties.ts';
import { formatCanvasTime } from '../../../src/dialects/canvas/wire-time.ts';
import { localDayOf, startOfLocalDay } from '../../../src/domain/zoned-time.ts';

const zone = fc.constantFrom('America/Chicago', 'America/Denver', 'UTC', 'Asia/Kolkata', 'Pacific/Auckland');
const instant = fc.integer({ min: Date.parse('1990-01-01T00:00:00Z'), max: Date.parse('2100-01-01T00:00:00Z') }).map((ms) => Math.floor(ms / 1000) * 1000);

describe('term dates', () => {
  it('reads back exactly the start_at and end_at a term was written with (any zone, any order-respecting pair)', () => {
    fc.assert(
      fc.property(zone, instant, fc.integer({ min: 0, max: 400 * 86_400 }), fc.boolean(), (tz, start, length, midnightEnd) => {
        let end = start + length * 1000;
        if (midnightEnd) end = startOfLocalDay(localDayOf(end, tz), tz);
        if (end < start) end = start;
        const beginDate = localDayOf(start, tz);
        const endDate = lastDayOf(end, tz, beginDate);
        expect(endDate >= beginDate).toBe(true);
        const session = { beginDate, endDate, properties: { canvas: { startAt: formatCanvasTime(start), endAt: formatCanvasTime(end) } } };
        expect(termStartAt(session, tz)).toBe(formatCanvasTime(start));
        expect(termEndAt(session, tz)).toBe(formatCanvasTime(end));
      }),
      { numRuns: 300 },
    );
  });

  it('ends a term that ends at local midnight on the day before', () => {
    expect(lastDayOf(Date.parse('2025-12-20T06:00:00Z'), 'America/Chicago', '2025-08-13')).toBe('2025-12-19');
    expect(lastDayOf(Date.parse('2025-12-20T06:00:01Z'), 'America/Chicago', '2025-08-13')).toBe('2025-12-20');
    // …unless that would put the end before the start (a term starting and ending at one midnight).
    expect(lastDayOf(Date.parse('2025-02-01T06:00:00Z'), 'America/Chicago', '2025-02-01')).toBe('2025-02-01');
  });

  it('falls back to the day\'s own bounds once another API moved the day', () => {
    const session = { beginDate: '2025-08-20', endDate: '2025-12-19', properties: { canvas: { startAt: '2025-08-13T13:30:00Z', endAt: '2025-12-20T03:00:00Z' } } };
    expect(termStartAt(session, 'America/Chicago')).toBe('2025-08-20T05:00:00Z');
    expect(termEndAt(session, 'America/Chicago')).toBe('2025-12-20T03:00:00Z');
    expect(termEndAt({ ...session, endDate: '2025-12-18' }, 'America/Chicago')).toBe('2025-12-19T05:59:59Z');
    expect(termStartAt({ ...session, beginDate: null }, 'America/Chicago')).toBeNull();
  });
});
