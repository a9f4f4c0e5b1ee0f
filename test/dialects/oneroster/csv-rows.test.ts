// The academicSessions.csv row parser, pure: valid rows round-trip, any row is either a record or
// located problems, never an exception.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkHeader, parseSessionRow, SESSION_COLUMNS, SESSION_EXTENSIONS } from '../../../src/dialects/oneroster/csv/academic-session-rows.ts';
import { addDays } from '../../../src/domain/calendar-date.ts';

const EXT = [...SESSION_EXTENSIONS];
const day = fc.date({ min: new Date('1990-01-01'), max: new Date('2090-12-30'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));
const guid = fc.stringMatching(/^[0-9A-Za-z._@/-]{1,20}$/);
const title = fc.string({ minLength: 1, maxLength: 60 }).filter((s) => s.trim() === s && s.length > 0);

describe('academicSessions.csv rows', () => {
  it('a valid bulk row parses to canonical values (endDate one day earlier), extensions included', () => {
    fc.assert(
      fc.property(guid, title, fc.constantFrom('schoolYear', 'semester', 'term', 'gradingPeriod', 'ext:quarter', 'ext:summer'), day, fc.integer({ min: 1, max: 400 }), fc.option(guid, { nil: '' }), fc.integer({ min: 1900, max: 2100 }), fc.option(fc.nat({ max: 300 }), { nil: null }),
        (sourcedId, name, type, start, length, parent, year, days) => {
          const end = addDays(start, length);
          const row = [sourcedId, '', '', name, type, start, end, parent === sourcedId ? '' : parent, String(year), 'org-1', '', '', '', days === null ? '' : String(days), '{"k":"v"}'];
          const r = parseSessionRow(row, 7, EXT, 'bulk');
          expect('record' in r, JSON.stringify(r)).toBe(true);
          if (!('record' in r)) return;
          expect(r.record).toMatchObject({ line: 7, sourcedId, status: 'active', name, beginDate: start, endDate: addDays(end, -1), schoolYear: year, orgSourcedId: 'org-1', totalInstructionalDays: days, extra: { k: 'v' } });
          expect(r.record.type).toBe(type.replace('ext:', ''));
        }),
      { numRuns: 300 },
    );
  });

  it('any row is a record or problems located on its line, never an exception', () => {
    const cell = fc.oneof(fc.string({ maxLength: 15 }), fc.constantFrom('', 'active', 'tobedeleted', '2026-01-01', '2026-02-30', 'term', 'ext:x', '2026', '2026-01-01T00:00:00Z', '{', '{}'));
    fc.assert(
      fc.property(fc.array(cell, { minLength: 0, maxLength: 17 }), fc.constantFrom('bulk', 'delta') as fc.Arbitrary<'bulk' | 'delta'>, (row, mode) => {
        const r = parseSessionRow(row, 3, EXT, mode);
        if ('problems' in r) for (const p of r.problems) expect(p).toMatchObject({ file: 'academicSessions.csv', line: 3 });
      }),
      { numRuns: 2000 },
    );
  });

  it('checks the header: exact names and order, then only metadata.* columns', () => {
    expect(checkHeader([...SESSION_COLUMNS])).toEqual({ extensions: [] });
    expect(checkHeader([...SESSION_COLUMNS, 'metadata.x'])).toEqual({ extensions: ['metadata.x'] });
    expect(checkHeader([...SESSION_COLUMNS, 'orgSourcedId'])).toMatchObject({ problem: { column: 'orgSourcedId' } });
    expect(checkHeader(['SourcedId', ...SESSION_COLUMNS.slice(1)])).toMatchObject({ problem: { line: 1, column: 'sourcedId' } });
    fc.assert(
      fc.property(fc.shuffledSubarray([...SESSION_COLUMNS], { minLength: 9, maxLength: 9 }), (cols) => {
        const ok = cols.join(',') === SESSION_COLUMNS.join(',');
        expect('extensions' in checkHeader(cols)).toBe(ok);
      }),
    );
  });

  it('a delta row needs status and a UTC dateLastModified; a bulk row must leave them empty', () => {
    const base = ['x', '', '', 'X', 'term', '2025-08-01', '2025-09-01', '', '2026'];
    expect(parseSessionRow(base, 2, [], 'delta')).toMatchObject({ problems: [{ column: 'status' }, { column: 'dateLastModified' }] });
    expect(parseSessionRow(['x', 'tobedeleted', '2026-01-01T00:00:00.000Z', ...base.slice(3)], 2, [], 'delta')).toMatchObject({ record: { status: 'deleted' } });
    expect(parseSessionRow(['x', 'active', '', ...base.slice(3)], 2, [], 'bulk')).toMatchObject({ problems: [{ column: 'status' }] });
  });
});
