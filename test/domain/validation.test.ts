import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays, daysBetween, isIsoDate } from '../../src/domain/calendar-date.ts';
import type { SessionInput } from '../../src/domain/session.ts';
import { validateSession, validateWithinParent } from '../../src/domain/validation.ts';

const valid: SessionInput = {
  schoolOrgId: null,
  schoolYear: 2026,
  name: '2026 First Semester',
  type: 'semester',
  beginDate: '2025-08-13',
  endDate: '2025-12-19',
  parentId: null,
  termDescriptor: null,
  gradingPeriodDescriptor: null,
  periodSequence: null,
  totalInstructionalDays: 85,
};

describe('validateSession', () => {
  it('accepts a well-formed session', () => expect(validateSession(valid)).toEqual([]));
  it('accepts a one-day session (begin = end)', () => expect(validateSession({ ...valid, endDate: valid.beginDate })).toEqual([]));
  it('rejects an end before the begin', () =>
    expect(validateSession({ ...valid, endDate: '2025-08-12' })).toEqual([{ field: 'endDate', message: 'End date 2025-08-12 is before begin date 2025-08-13.' }]));
  it('rejects dates outside 1753-01-01..9999-12-31', () => {
    expect(validateSession({ ...valid, beginDate: '0001-01-01' }).map((v) => v.field)).toEqual(['beginDate']);
    expect(validateSession({ ...valid, beginDate: '1753-01-01' })).toEqual([]);
  });
  it('rejects impossible calendar days', () => expect(validateSession({ ...valid, endDate: '2025-02-30' }).map((v) => v.field)).toEqual(['endDate']));
  it('limits names to 1–60 characters without surrounding spaces', () => {
    expect(validateSession({ ...valid, name: '' })[0]?.message).toBe('Name is required.');
    expect(validateSession({ ...valid, name: 'x'.repeat(60) })).toEqual([]);
    expect(validateSession({ ...valid, name: 'x'.repeat(61) })[0]?.message).toBe('Name must be at most 60 characters in length.');
    expect(validateSession({ ...valid, name: ' Fall' })[0]?.message).toBe('Name cannot contain leading or trailing spaces.');
  });
  it('rejects unknown types and negative day counts', () => {
    expect(validateSession({ ...valid, type: 'decade' as never }).map((v) => v.field)).toEqual(['type']);
    expect(validateSession({ ...valid, totalInstructionalDays: -1 }).map((v) => v.field)).toEqual(['totalInstructionalDays']);
  });
});

describe('validateWithinParent', () => {
  const parent = { name: '2026 School Year', beginDate: '2025-08-13', endDate: '2026-05-21' };
  it('accepts a child inside its parent, edges included', () =>
    expect(validateWithinParent({ name: 'S1', beginDate: '2025-08-13', endDate: '2026-05-21' }, parent)).toEqual([]));
  it('names both edges a child overruns', () =>
    expect(validateWithinParent({ name: 'S1', beginDate: '2025-08-12', endDate: '2026-05-22' }, parent).map((v) => v.field)).toEqual(['beginDate', 'endDate']));
});

describe('calendar dates', () => {
  // Inside the domain's 1753..9999 range with room for the ±4000-day steps.
  const day = fc.date({ min: new Date('1765-01-01T00:00:00Z'), max: new Date('9985-12-31T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));
  it('addDays and daysBetween are inverse', () =>
    fc.assert(fc.property(day, fc.integer({ min: -4000, max: 4000 }), (d, n) => daysBetween(d, addDays(d, n)) === n)));
  it('every day written by addDays is a valid ISO date', () => fc.assert(fc.property(day, fc.integer({ min: -400, max: 400 }), (d, n) => isIsoDate(addDays(d, n)))));
  it('isIsoDate rejects anything not YYYY-MM-DD', () =>
    fc.assert(fc.property(fc.string(), (s) => !isIsoDate(s) || /^\d{4}-\d{2}-\d{2}$/.test(s))));
});
