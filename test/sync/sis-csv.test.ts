// The CSV shape of a SIS upload and the row validation both shapes share.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CsvError, parseCsv, readCsvDirectory } from '../../src/sync/sis-csv.ts';
import { validateSisDataset } from '../../src/sync/sis-validation.ts';
import { loadStateRuleBook } from '../../src/sync/state-rule-book.ts';

const rules = loadStateRuleBook();

describe('SIS CSV', () => {
  it('parses quoted cells, doubled quotes, CRLF and a BOM', () => {
    expect(parseCsv('\uFEFFtermId,name\r\nt1,"Semester ""One"", fall"\r\nt2,\r\n')).toEqual([
      { termId: 't1', name: 'Semester "One", fall' },
      { termId: 't2', name: '' },
    ]);
  });

  it('names the file and line of a ragged row or an unclosed quote', () => {
    expect(() => parseCsv('a,b\n1,2,3\n', 'terms.csv')).toThrow(new CsvError('terms.csv line 2: 3 cells, the header has 2'));
    expect(() => parseCsv('a\n"open\n', 'x.csv')).toThrow('x.csv: a quoted cell is not closed');
  });

  it('reads a directory of table files into the upload shape, coercing CSV strings', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sis-csv-'));
    writeFileSync(join(dir, 'schools.csv'), 'schoolId,name,exclude\n255901001,High,false\n');
    writeFileSync(join(dir, 'calendars.csv'), 'calendarId,schoolId,schoolYear,name,exclude\nhs,255901001,2026,HS,\n');
    writeFileSync(join(dir, 'terms.csv'), 'termId,calendarId,name,termTypeCode,startDate,endDate\ns1,hs,Semester 1,S1,2025-08-20,2025-12-19\nx,hs,No dates,,,\n');
    writeFileSync(join(dir, 'sync_years.csv'), 'schoolYear,stateCode,sessionsEnabled\n2026,ks,yes\n');
    const { dataset, problems } = validateSisDataset(readCsvDirectory(dir), rules);
    expect(problems).toEqual([]);
    expect(dataset.schools).toEqual([{ schoolId: 255901001, name: 'High', exclude: false }]);
    expect(dataset.calendars[0]).toEqual({ calendarId: 'hs', schoolId: 255901001, schoolYear: 2026, name: 'HS', exclude: false });
    expect(dataset.terms[1]).toEqual({ termId: 'x', calendarId: 'hs', scheduleStructure: 'main', name: 'No dates', termTypeCode: null, startDate: null, endDate: null });
    expect(dataset.syncYears).toEqual([{ schoolYear: 2026, stateCode: 'KS', sessionsEnabled: true }]);
  });

  it('refuses a directory with none of the table files', () => {
    expect(() => readCsvDirectory(mkdtempSync(join(tmpdir(), 'sis-empty-')))).toThrow(/has none of schools.csv/);
  });
});

describe('SIS upload validation', () => {
  it('reports every problem with its path: types, unknown tables and fields, duplicates, Ed-Fi identity clashes', () => {
    const { problems } = validateSisDataset(
      {
        schools: [{ schoolId: 'abc', name: 'x' }, { schoolId: 1, name: ' padded' }],
        terms: [{ termId: 't', calendarId: 'c', name: 'T', termTypeCode: 'S 1' }, { termId: 't', calendarId: 'c', name: 'T' }],
        gradingPeriods: [
          { gradingPeriodId: 'a', schoolId: 1, schoolYear: 2026, name: 'P', descriptor: 'uri://x/G#P', beginDate: '2025-08-01', endDate: '2025-09-01' },
          { gradingPeriodId: 'b', schoolId: 1, schoolYear: 2026, name: 'P', descriptor: 'uri://x/G#P', beginDate: '2025-08-01', endDate: '2025-09-01' },
          { gradingPeriodId: 'c', schoolId: 1, schoolYear: 26, name: 'Q', descriptor: 'no-hash', beginDate: '2025-08-01', endDate: '2025-09-01' },
        ],
        sessions: [],
      },
      rules,
    );
    expect(problems).toEqual([
      { path: '$.sessions', message: expect.stringContaining('unknown table') },
      { path: '$.schools[0].schoolId', message: "'abc' is not a whole number" },
      { path: '$.schools[1].name', message: 'cannot contain leading or trailing spaces' },
      { path: '$.terms[0].termTypeCode', message: expect.stringContaining("'S 1' is not a term type code") },
      { path: '$.terms[1]', message: 'duplicates terms[0] (termId = t)' },
      { path: '$.gradingPeriods[2].schoolYear', message: expect.stringContaining('26 is not a school year') },
      { path: '$.gradingPeriods[2].descriptor', message: expect.stringContaining("'no-hash' is not a descriptor URI") },
      { path: '$.gradingPeriods[1]', message: 'has the same Ed-Fi identity (descriptor, name, school, year) as gradingPeriods[0]' },
    ]);
  });
});
