// The CSV shape of a SIS upload: one file per table in a directory (schools.csv,
// calendars.csv, terms.csv, calendar_days.csv, course_sections.csv, grading_periods.csv,
// term_type_mappings.csv, sync_years.csv), a header row of the JSON field names. RFC 4180
// quoting (csv-parse, through the same guarded reader as OneRoster CSV: line length, columns,
// NUL bytes, UTF-8); an empty cell is null. Every problem names the file, the line and the
// column, including the validation's, which speaks of the JSON shape ($.terms[3].name).
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { columnLabel, csvRecords } from '../files/csv-records.ts';
import { fileBytes } from '../files/file-bytes.ts';
import { UnreadableFileError } from '../files/unreadable-file.ts';
import { byteSize, LIMIT_SETTING, uploadLimitsFromEnv, type UploadLimits } from '../files/upload-limits.ts';
import { SIS_TABLES, type SisTable } from './sis-model.ts';
import type { SisProblem } from './sis-validation.ts';

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

export interface CsvTable {
  /** Rows keyed by the header's names. */
  rows: Record<string, string>[];
  /** The line each row ends on. */
  lines: number[];
  problems: SisProblem[];
}

/** Where a problem is: `terms.csv line 3, column name`. */
function at(file: string, line: number, column?: string): string {
  return `${file}${line > 0 ? ` line ${line}` : ''}${column ? `, column ${column}` : ''}`;
}

/** One table's file: its rows, or the problems that keep it from being read. */
export async function readCsvTable(stream: Readable, file: string, limits: UploadLimits = uploadLimitsFromEnv()): Promise<CsvTable> {
  const table: CsvTable = { rows: [], lines: [], problems: [] };
  let names: string[] | null = null;
  try {
    for await (const r of csvRecords(stream, { file, limits })) {
      for (const c of r.badCells ?? []) table.problems.push({ path: at(file, r.line, columnLabel(names, c.index)), message: c.reason });
      if (names === null) {
        names = r.record.map((h) => h.trim());
        const twice = names.find((n, i) => names!.indexOf(n) !== i);
        if (twice !== undefined) table.problems.push({ path: at(file, r.line), message: `the header names column '${twice}' twice` });
        continue;
      }
      if (r.badCells) continue;
      if (r.record.length !== names.length) {
        table.problems.push({ path: at(file, r.line), message: `${r.record.length} cells, the header has ${names.length}` });
        continue;
      }
      table.rows.push(Object.fromEntries(names.map((n, j) => [n, r.record[j]!])));
      table.lines.push(r.line);
    }
  } catch (err) {
    if (!(err instanceof UnreadableFileError)) throw err;
    table.problems.push({ path: at(file, err.line), message: err.reason });
  }
  return table;
}

export interface SisCsvUpload {
  /** The JSON upload shape: table → rows. */
  upload: Record<string, Record<string, string>[]>;
  /** Problems reading the files, located by file, line and column. */
  problems: SisProblem[];
  /** The line of each table's rows, to locate the validation's problems. */
  lines: Partial<Record<SisTable, number[]>>;
}

/** Reads the CSV files present in a directory into the JSON upload shape; throws when there are none or they are too big. */
export async function readCsvDirectory(dir: string, limits: UploadLimits = uploadLimitsFromEnv()): Promise<SisCsvUpload> {
  const present = SIS_TABLES.filter((t) => existsSync(join(dir, CSV_FILE[t])));
  if (present.length === 0) throw new UnreadableFileError('', `${dir} has none of ${Object.values(CSV_FILE).join(', ')}`);
  const total = present.reduce((sum, t) => sum + (statSync(join(dir, CSV_FILE[t]), { throwIfNoEntry: false })?.size ?? 0), 0);
  if (total > limits.maxLoadBytes)
    throw new UnreadableFileError('', `the CSV files in ${dir} are ${byteSize(total)} together; sis load holds them in memory and takes ${byteSize(limits.maxLoadBytes)} at most (${LIMIT_SETTING.maxLoadBytes}).`);
  const result: SisCsvUpload = { upload: {}, problems: [], lines: {} };
  for (const t of present) {
    const file = CSV_FILE[t];
    const read = await readCsvTable(fileBytes(join(dir, file), file, limits.maxLoadBytes), file, limits);
    result.upload[t] = read.rows;
    result.lines[t] = read.lines;
    result.problems.push(...read.problems);
  }
  return result;
}

/** A validation problem about `$.terms[3].name` as one about `terms.csv line 5, column name`. */
export function locateInCsv(problem: SisProblem, lines: SisCsvUpload['lines']): SisProblem {
  const m = /^\$\.(\w+)\[(\d+)\](?:\.(\w+))?$/.exec(problem.path);
  const table = m?.[1] as SisTable | undefined;
  const line = table ? lines[table]?.[Number(m![2])] : undefined;
  if (!table || line === undefined) return problem;
  return { path: at(CSV_FILE[table], line, m![3]), message: problem.message };
}
