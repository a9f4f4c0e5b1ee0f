// manifest.csv: versions and the mode of every file; the set of files must match it.
import { csvRecords } from '../../../files/csv-records.ts';
import { UnreadableFileError } from '../../../files/unreadable-file.ts';
import { badCellProblems, unreadableProblem, type CsvProblems } from './csv-problem.ts';
import type { CsvSource } from './csv-source.ts';

export type FileMode = 'bulk' | 'delta' | 'absent';
export const IMPORTED_FILES = ['academicSessions', 'orgs'] as const;
export type ImportedFile = (typeof IMPORTED_FILES)[number];

const COLUMNS = ['propertyName', 'value'];
/** A manifest has about 25 rows (two versions, 21 files, a source); far more is not a manifest. */
const MAX_ROWS = 1000;

export interface Manifest {
  modes: Record<ImportedFile, FileMode>;
  /** Files the manifest declares as bulk/delta that termbridge does not import. */
  ignored: string[];
  /** oneroster.version: '1.2' unless the reader accepts others (a connector reads 1.1 sets too). */
  version: string;
}

/** propertyName → value and line; null when the file could not be read to its end. */
async function readRows(source: CsvSource, file: string, problems: CsvProblems): Promise<Map<string, { value: string; line: number }> | null> {
  const values = new Map<string, { value: string; line: number }>();
  let header = true;
  let rows = 0;
  try {
    for await (const r of csvRecords(source.open(file), { file, limits: source.limits })) {
      const { record, line } = r;
      if (r.badCells) for (const p of badCellProblems(file, r, COLUMNS)) problems.add(p);
      if (header) {
        header = false;
        if (!r.badCells && record.join(',') !== COLUMNS.join(',')) problems.add({ file, line, column: '', reason: `the header must be 'propertyName,value', not '${record.join(',').slice(0, 200)}'.` });
        continue;
      }
      if (++rows > MAX_ROWS) {
        problems.add({ file, line, column: '', reason: `the manifest has more than ${MAX_ROWS} rows; a OneRoster manifest has one per file and a few more.` });
        return null;
      }
      if (r.badCells) continue;
      if (record.length !== 2) {
        problems.add({ file, line, column: '', reason: `a manifest row has 2 columns, this one ${record.length}.` });
        continue;
      }
      values.set(record[0]!, { value: record[1]!, line });
    }
  } catch (err) {
    if (!(err instanceof UnreadableFileError)) throw err;
    problems.add(unreadableProblem(err));
    return null;
  }
  return values;
}

export async function readManifest(source: CsvSource, problems: CsvProblems, versions: string[] = ['1.2']): Promise<Manifest | null> {
  const file = 'manifest.csv';
  if (!source.names.includes(file)) {
    problems.add({ file, line: 0, column: '', reason: 'manifest.csv is missing; a OneRoster 1.2 CSV set has one at the root of the zip.' });
    return null;
  }
  const values = await readRows(source, file, problems);
  if (!values) return null;
  const expect = (name: string, wanted: string) => {
    const v = values.get(name);
    if (!v) problems.add({ file, line: 0, column: 'propertyName', reason: `the row ${name} is missing; it must be ${wanted}.` });
    else if (v.value !== wanted) problems.add({ file, line: v.line, column: 'value', reason: `${name} must be ${wanted}, not '${v.value}'.` });
  };
  expect('manifest.version', '1.0');
  const version = values.get('oneroster.version');
  if (!version || !versions.includes(version.value)) expect('oneroster.version', versions.join(' or '));
  const modes = { academicSessions: 'absent', orgs: 'absent' } as Record<ImportedFile, FileMode>;
  const ignored: string[] = [];
  for (const [name, { value, line }] of values) {
    if (!name.startsWith('file.')) continue;
    const base = name.slice(5);
    if (value !== 'bulk' && value !== 'delta' && value !== 'absent') {
      problems.add({ file, line, column: 'value', reason: `${name} must be bulk, delta or absent, not '${value}'.` });
      continue;
    }
    const present = source.names.includes(`${base}.csv`);
    if (value === 'absent' && present) problems.add({ file, line, column: 'value', reason: `${base}.csv is in the set but ${name} says absent.` });
    if (value !== 'absent' && !present) problems.add({ file, line, column: 'value', reason: `${name} is ${value} but ${base}.csv is not in the set.` });
    if ((IMPORTED_FILES as readonly string[]).includes(base)) modes[base as ImportedFile] = value;
    else if (value !== 'absent') ignored.push(`${base}.csv`);
  }
  for (const n of source.names)
    if (n !== file && n.endsWith('.csv') && !values.has(`file.${n.slice(0, -4)}`))
      problems.add({ file, line: 0, column: '', reason: `${n} is in the set but the manifest has no file.${n.slice(0, -4)} row.` });
  return { modes, ignored, version: version?.value ?? versions[0]! };
}
