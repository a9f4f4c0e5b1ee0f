import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatCanvasTime, parseCanvasTime } from '../../../src/dialects/canvas/wire-time.ts';

const instant = fc.integer({ min: Date.parse('1800-01-01T00:00:00Z'), max: Date.parse('9000-01-01T00:00:00Z') }).map((ms) => Math.floor(ms / 1000) * 1000);
const zone = fc.constantFrom('America/Chicago', 'UTC', 'Asia/Kolkata', 'Pacific/Auckland');

describe('Canvas timestamps on the wire', () => {
  it('reads back every instant it writes, in any district zone', () => {
    fc.assert(
      fc.property(instant, zone, (ms, tz) => {
        const text = formatCanvasTime(ms);
        expect(text).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
        expect(parseCanvasTime(text, tz)).toEqual({ ok: true, ms });
      }),
    );
  });

  it('honours offsets, drops fractions, and reads offset-less times and bare days as district-local', () => {
    expect(parseCanvasTime('2015-01-10T18:48:00-06:00', 'UTC')).toEqual({ ok: true, ms: Date.parse('2015-01-11T00:48:00Z') });
    expect(parseCanvasTime('2015-01-10T18:48:00+0530', 'UTC')).toEqual({ ok: true, ms: Date.parse('2015-01-10T13:18:00Z') });
    expect(parseCanvasTime('2015-01-10T18:48:00.987Z', 'UTC')).toEqual({ ok: true, ms: Date.parse('2015-01-10T18:48:00Z') });
    expect(parseCanvasTime('2015-01-10T18:48', 'America/Chicago')).toEqual({ ok: true, ms: Date.parse('2015-01-11T00:48:00Z') });
    expect(parseCanvasTime('2015-01-10', 'America/Chicago')).toEqual({ ok: true, ms: Date.parse('2015-01-10T06:00:00Z') });
    expect(parseCanvasTime('', 'UTC')).toEqual({ ok: true, ms: null });
    expect(parseCanvasTime(null, 'UTC')).toEqual({ ok: true, ms: null });
  });

  it('rejects what is not an ISO 8601 date-time', () => {
    for (const bad of ['tomorrow', '2015-13-01', '2015-02-29', '2015-01-10T25:00:00Z', '2015-01-10T10:00:00+25:00', 12, {}, ['2015-01-10']])
      expect(parseCanvasTime(bad, 'UTC')).toEqual({ ok: false });
    fc.assert(
      fc.property(fc.string(), (s) => {
        const r = parseCanvasTime(s, 'UTC');
        // Whatever it accepts, it renders as a valid timestamp (never NaN, never a throw).
        if (r.ok && r.ms !== null) expect(Number.isFinite(r.ms)).toBe(true);
      }),
    );
  });
});
