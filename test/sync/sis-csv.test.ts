// The CSV shape of a SIS upload and the row validation both shapes share.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { DEFAULT_UPLOAD_LIMITS } from '../../src/files/upload-limits.ts';
import { locateInCsv, readCsvDirectory, readCsvTable } from '../../src/sync/sis-csv.ts';
import { validateSisDataset } from '../../src/sync/sis-validation.ts';
import { loadStateRuleBook } from '../../src/sync/state-rule-book.ts';

const rules = loadStateRuleBook();

const table = (text: string | Buffer, file = 'terms.csv', limits = DEFAULT_UPLOAD_LIMITS) => readCsvTable(Readable.from([Buffer.from(text)]), file, limits);

describe('SIS CSV', () => {
  it('parses quoted cells, doubled quotes, CRLF and a BOM', async () => {
    expect((await table('\uFEFFtermId,name\r\nt1,"Semester ""One"", fall"\r\nt2,\r\n')).rows).toEqual([
      { termId: 't1', name: 'Semester "One", fall' },
      { termId: 't2', name: '' },
    ]);
  });

  it('names the file and line of a ragged row or an unclosed quote', async () => {
    expect((await table('a,b\n1,2,3\n4,5\n')).problems).toEqual([{ path: 'terms.csv line 2', message: '3 cells, the header has 2' }]);
    const open = await table('a\n"open\n', 'x.csv');
    expect(open.problems).toEqual([{ path: expect.stringMatching(/^x\.csv line \d/), message: expect.stringContaining('not valid CSV') }]);
  });

  it('names file, line and column of a NUL byte or bytes that are not UTF-8, and reads on', async () => {
    const text = Buffer.concat([Buffer.from('termId,calendarId,name\nt1,hs,Fall\u0000\nt2,hs,Caf'), Buffer.from([0xe9]), Buffer.from('\nt3,hs,Spring\n')]);
    const read = await table(text);
    expect(read.problems).toEqual([
      { path: 'terms.csv line 2, column name', message: expect.stringContaining('NUL byte') },
      { path: 'terms.csv line 3, column name', message: expect.stringContaining('not UTF-8') },
    ]);
    expect(read.rows).toEqual([{ termId: 't3', calendarId: 'hs', name: 'Spring' }]);
  });

  it('refuses a line past the length limit and a row past the column limit, naming the line', async () => {
    const limits = { ...DEFAULT_UPLOAD_LIMITS, maxLineBytes: 1024, maxColumns: 10 };
    expect((await table(`a,b\n1,${'x'.repeat(5000)}\n`, 'terms.csv', limits)).problems).toEqual([
      { path: 'terms.csv line 2', message: expect.stringMatching(/line 2 is longer than the limit of 1 KiB \(TERMBRIDGE_UPLOAD_MAX_LINE_KB\)/) },
    ]);
    expect((await table(`a,b\n${','.repeat(50)}\n`, 'terms.csv', limits)).problems).toEqual([
      { path: 'terms.csv line 2', message: 'line 2 has 51 columns; the limit is 10 (TERMBRIDGE_UPLOAD_MAX_COLUMNS)' },
    ]);
  });

  it('reads a directory of table files into the upload shape, coercing CSV strings', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sis-csv-'));
    writeFileSync(join(dir, 'schools.csv'), 'schoolId,name,exclude\n255901001,High,false\n');
    writeFileSync(join(dir, 'calendars.csv'), 'calendarId,schoolId,schoolYear,name,exclude\nhs,255901001,2026,HS,\n');
    writeFileSync(join(dir, 'terms.csv'), 'termId,calendarId,name,termTypeCode,startDate,endDate\ns1,hs,Semester 1,S1,2025-08-20,2025-12-19\n\nx,hs,No dates,,,\n');
    writeFileSync(join(dir, 'sync_years.csv'), 'schoolYear,stateCode,sessionsEnabled\n2026,ks,yes\n');
    const read = await readCsvDirectory(dir);
    expect(read.problems).toEqual([]);
    const { dataset, problems } = validateSisDataset(read.upload, rules);
    expect(problems).toEqual([]);
    expect(dataset.schools).toEqual([{ schoolId: 255901001, name: 'High', exclude: false }]);
    expect(dataset.calendars[0]).toEqual({ calendarId: 'hs', schoolId: 255901001, schoolYear: 2026, name: 'HS', exclude: false });
    expect(dataset.terms[1]).toEqual({ termId: 'x', calendarId: 'hs', scheduleStructure: 'main', name: 'No dates', termTypeCode: null, startDate: null, endDate: null });
    expect(dataset.syncYears).toEqual([{ schoolYear: 2026, stateCode: 'KS', sessionsEnabled: true }]);
    // A validation problem about $.terms[1] is about the line that row is on (an empty line before it).
    expect(locateInCsv({ path: '$.terms[1].name', message: 'm' }, read.lines)).toEqual({ path: 'terms.csv line 4, column name', message: 'm' });
    expect(locateInCsv({ path: '$.terms[0]', message: 'm' }, read.lines)).toEqual({ path: 'terms.csv line 2', message: 'm' });
  });

  it('refuses a directory with none of the table files, or past the load limit', async () => {
    await expect(readCsvDirectory(mkdtempSync(join(tmpdir(), 'sis-empty-')))).rejects.toThrow(/has none of schools.csv/);
    const dir = mkdtempSync(join(tmpdir(), 'sis-big-'));
    writeFileSync(join(dir, 'calendar_days.csv'), `calendarId,date,instructional\n${'hs,2025-08-20,true\n'.repeat(1000)}`);
    await expect(readCsvDirectory(dir, { ...DEFAULT_UPLOAD_LIMITS, maxLoadBytes: 1024 })).rejects.toThrow(/takes 1 KiB at most \(TERMBRIDGE_SIS_LOAD_MAX_MB\)/);
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
