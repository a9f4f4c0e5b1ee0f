// The CSV shape of a SIS upload: one file per table in a directory (schools.csv,
// calendars.csv, terms.csv, calendar_days.csv, course_sections.csv, grading_periods.csv,
// term_type_mappings.csv, sync_years.csv), a header row of the JSON field names. RFC 4180
// quoting; an empty cell is null.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SIS_TABLES, type SisTable } from './sis-model.ts';

export const CSV_FILE: Record<SisTable, string> = {
  schools: 'schools.csv',
  calendars: 'calendars.csv',
  terms: 'terms.csv',
  calendarDays: 'calendar_days.csv',
  courseSections: 'course_sections.csv',
  gradingPeriods: 'grading_periods.csv',
  termTypeMappings: 'term_type_mappings.csv',
  syncYears: 'sync_years.csv',
};

export class CsvError extends Error {}

/** Rows of a CSV text as records keyed by the header row. */
export function parseCsv(text: string, file = 'csv'): Record<string, string>[] {
  const records = csvRecords(text.replace(/^\uFEFF/, ''), file);
  const header = records.shift();
  if (!header) return [];
  const names = header.map((h) => h.trim());
  return records
    .filter((r) => !(r.length === 1 && r[0] === ''))
    .map((r, i) => {
      if (r.length !== names.length) throw new CsvError(`${file} line ${i + 2}: ${r.length} cells, the header has ${names.length}`);
      return Object.fromEntries(names.map((n, j) => [n, r[j]!]));
    });
}

function csvRecords(text: string, file: string): string[][] {
  const out: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  let line = 1;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          cell += '"';
          i++;
        } else quoted = false;
      } else {
        if (c === '\n') line++;
        cell += c;
      }
    } else if (c === '"') {
      if (cell !== '') throw new CsvError(`${file} line ${line}: a quote may only open a cell`);
      quoted = true;
    } else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(cell);
      out.push(row);
      row = [];
      cell = '';
      line++;
    } else cell += c;
  }
  if (quoted) throw new CsvError(`${file}: a quoted cell is not closed`);
  if (cell !== '' || row.length > 0) {
    row.push(cell);
    out.push(row);
  }
  return out;
}

/** Reads the CSV files present in a directory into the JSON upload shape. */
export function readCsvDirectory(dir: string): Record<string, unknown> {
  const upload: Record<string, unknown> = {};
  let found = 0;
  for (const table of SIS_TABLES) {
    const path = join(dir, CSV_FILE[table]);
    if (!existsSync(path)) continue;
    found++;
    upload[table] = parseCsv(readFileSync(path, 'utf8'), CSV_FILE[table]);
  }
  if (found === 0) throw new CsvError(`${dir} has none of ${Object.values(CSV_FILE).join(', ')}`);
  return upload;
}
