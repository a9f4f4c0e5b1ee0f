// The native connectors read whatever a platform answers: any JSON where a term should be gives a
// session record with ISO dates or none, or no record — never a throw or a made-up date.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isIsoDate } from '../../../src/domain/calendar-date.ts';
import type { ConnectorRecord } from '../../../src/connectors/connector.ts';
import { cleverTerm } from '../../../src/connectors/native/clever.ts';
import { yearsIn } from '../../../src/connectors/native/managebac.ts';
import { dayOf, schoolYearOf, typeFromName } from '../../../src/connectors/native/paged-read.ts';

const sane = (r: ConnectorRecord) => {
  if (r.kind !== 'session') return;
  const s = r.session;
  for (const d of [s.beginDate, s.endDate]) expect(d === null || isIsoDate(d)).toBe(true);
  expect(s.name.length).toBeGreaterThan(0);
};

describe('native mapping of arbitrary platform answers', () => {
  it('a Clever term object of any shape maps to zero or one sane session', () => {
    const value = fc.oneof(fc.string(), fc.integer(), fc.constant(null), fc.date({ noInvalidDate: true }).map((d) => d.toISOString()));
    fc.assert(
      fc.property(fc.record({ id: value, name: value, start_date: value, end_date: value, district: value }, { requiredKeys: [] }), (t) => {
        const records = cleverTerm(t as Record<string, unknown>);
        expect(records.length).toBeLessThanOrEqual(1);
        records.forEach(sane);
      }),
    );
  });

  it('dayOf keeps only a real calendar day, and a school year follows from it', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.date({ noInvalidDate: true, min: new Date('1900-01-01'), max: new Date('2999-12-31') }).map((d) => d.toISOString())), (v) => {
        const day = dayOf(v);
        expect(day === null || (isIsoDate(day) && v.startsWith(day))).toBe(true);
        if (day) expect(schoolYearOf(day, null)! - Number(day.slice(0, 4))).toBeGreaterThanOrEqual(0);
      }),
    );
  });

  it('ManageBac years are found under any programme grouping, and nothing else is taken for one', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (noise) => {
        const year = { id: 1, name: 'Y', starts_on: '2025-08-01', ends_on: '2026-06-30' };
        expect(yearsIn({ a: { academic_years: [year] }, b: noise }).filter((y) => y === year)).toHaveLength(1);
        for (const y of yearsIn(noise)) expect('starts_on' in y).toBe(true);
      }),
    );
  });

  it('a session type is always one of the canonical types', () => {
    fc.assert(
      fc.property(fc.string(), (name) => {
        expect(['schoolYear', 'semester', 'trimester', 'quarter', 'summer', 'gradingPeriod', 'term', 'other']).toContain(typeFromName(name));
      }),
    );
    expect(typeFromName('2025-2026 School Year')).toBe('schoolYear');
    expect(typeFromName('Fall Semester')).toBe('semester');
    expect(typeFromName('Q3')).toBe('quarter');
    expect(typeFromName('Marking Period 2')).toBe('gradingPeriod');
  });
});
