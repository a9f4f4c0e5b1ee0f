// One reason an import is rejected, located as precisely as the binding allows.
import { columnLabel, type CsvRecord } from '../../../files/csv-records.ts';
import type { UnreadableFileError } from '../../../files/unreadable-file.ts';

export interface CsvProblem {
  file: string;
  /** 1-based line in the file (the header is line 1); 0 when the problem is about the whole file. */
  line: number;
  column: string;
  reason: string;
}

/** A report lists this many problems in full; the count says how many there were. */
export const MAX_REPORTED_PROBLEMS = 1000;
/** A reason quotes the value it is about; a value of a megabyte is quoted this far. */
const MAX_REASON = 500;

export class CsvProblems {
  readonly list: CsvProblem[] = [];
  count = 0;
  add(p: CsvProblem): void {
    this.count++;
    if (this.list.length < MAX_REPORTED_PROBLEMS) this.list.push(p.reason.length > MAX_REASON || p.column.length > MAX_REASON ? { ...p, reason: clip(p.reason), column: clip(p.column) } : p);
  }
}

function clip(text: string): string {
  return text.length > MAX_REASON ? `${text.slice(0, MAX_REASON)}… (${text.length.toLocaleString('en-US')} characters)` : text;
}

/** The record's cells that are not text (NUL bytes, not UTF-8), each named by its header column. */
export function badCellProblems(file: string, record: CsvRecord, header: readonly string[] | null): CsvProblem[] {
  return (record.badCells ?? []).map((c) => ({ file, line: record.line, column: columnLabel(header, c.index), reason: c.reason }));
}

/** A file that could not be read to its end, as the problem that ends its report. */
export function unreadableProblem(err: UnreadableFileError): CsvProblem {
  return { file: err.file, line: err.line, column: '', reason: err.reason };
}
