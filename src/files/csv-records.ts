// A CSV file as batches of records, each with the line it ends on, parsed by csv-parse streaming
// behind a TextGuard (line length, NUL bytes, UTF-8). Asking csv-parse for a line number per
// record (`info` or `on_record`) doubles its time on a million-row file, so the lines are counted
// here instead: a record ends one line after the previous one, plus the line breaks inside its
// quoted fields. That also counts a CRLF inside quotes as one line, where csv-parse's own count
// says two.
//
// Every failure, whether the source's (a damaged zip entry), the guard's (a line past the limit)
// or the parser's (not CSV), ends the iteration with one UnreadableFileError naming the file and
// the line; the streams are joined by `pipeline`, which hears each one's 'error' and destroys
// the others, so no error is left without a listener and nothing keeps reading after a failure.
import { pipeline, type Readable } from 'node:stream';
import { CsvError, parse } from 'csv-parse';
import { TextGuard } from './text-guard.ts';
import { UnreadableFileError } from './unreadable-file.ts';
import { byteSize, DEFAULT_UPLOAD_LIMITS, LIMIT_SETTING, type UploadLimits } from './upload-limits.ts';

/** A cell that is not text: it holds a NUL byte, or bytes that are not UTF-8. */
export interface BadCell {
  /** 0-based position in the record. */
  index: number;
  reason: string;
}

export interface CsvRecord {
  record: string[];
  /** The line the record ends on (1-based; a quoted field may span lines). */
  line: number;
  /** Present only when a cell is not text; the reader's caller reports it as the row's problem. */
  badCells?: BadCell[];
}

export interface CsvReadOptions {
  /** The file's name, for every problem reported. */
  file: string;
  limits?: Pick<UploadLimits, 'maxLineBytes' | 'maxColumns'>;
  /** Called with each chunk's size as it is read (progress). */
  onBytes?: (n: number) => void;
}

/** Records a batch holds at most (the staging batch size; smaller batches keep the heap lower). */
const BATCH = 1000;

export const NUL_CELL = 'holds a NUL byte (0x00), which is not text; remove it (a file saved as UTF-16 without a byte order mark looks like this)';
export const NOT_UTF8_CELL = 'is not UTF-8: save the file as UTF-8 (bytes such as these come from Windows-1252 or Latin-1)';
export const LONE_SURROGATE_CELL = 'holds half of a UTF-16 surrogate pair, which is not text; save the file as UTF-8';
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Line breaks (CRLF, LF or CR) inside one field. */
function breaksIn(field: string): number {
  if (field.indexOf('\n') < 0 && field.indexOf('\r') < 0) return 0;
  let n = 0;
  for (let i = 0; i < field.length; i++) {
    const c = field.charCodeAt(i);
    if (c === 10) n++;
    else if (c === 13 && field.charCodeAt(i + 1) !== 10) n++;
  }
  return n;
}

// csv-parse turns bytes that are not UTF-8 into U+FFFD. A file can hold U+FFFD honestly, so the
// cells are only searched for it once the guard has seen such bytes; in that file an honest
// U+FFFD is reported too, which costs nothing since the file is refused anyway.
function badCells(record: string[], guard: TextGuard): BadCell[] | undefined {
  let bad: BadCell[] | undefined;
  for (let i = 0; i < record.length; i++) {
    const v = record[i]!;
    if (guard.sawNul && v.includes('\0')) (bad ??= []).push({ index: i, reason: NUL_CELL });
    else if (guard.sawInvalidUtf8 && v.includes('\uFFFD')) (bad ??= []).push({ index: i, reason: NOT_UTF8_CELL });
    // Only a UTF-16 file can decode to half a pair; PostgreSQL would refuse it in JSON.
    else if (guard.utf16 && LONE_SURROGATE.test(v)) (bad ??= []).push({ index: i, reason: LONE_SURROGATE_CELL });
  }
  return bad;
}

/** The header's name for a column, or its position when the header has none. */
export function columnLabel(header: readonly string[] | null, index: number): string {
  const name = header?.[index];
  return name !== undefined && name !== '' && !name.includes('\0') && !name.includes('\uFFFD') ? name : `column ${index + 1}`;
}

function readError(err: unknown, file: string, guard: TextGuard, line: number, maxLineBytes: number): unknown {
  // A source's error knows the file but not the line: it is where the guard had got to.
  if (err instanceof UnreadableFileError) return err.at(guard.lines);
  if (err instanceof CsvError) {
    const at = (err as CsvError & { lines?: number }).lines ?? line + 1;
    if (err.code === 'CSV_MAX_RECORD_SIZE')
      return new UnreadableFileError(file, `the record ending on line ${at} is longer than the limit of ${byteSize(maxLineBytes)} (${LIMIT_SETTING.maxLineBytes})`, at);
    return new UnreadableFileError(file, `the file is not valid CSV: ${err.message}`, at);
  }
  return err;
}

/** The stream's records in batches; empty lines are skipped but counted. */
export async function* csvRecordBatches(stream: Readable, options: CsvReadOptions): AsyncGenerator<CsvRecord[]> {
  const { file, limits = DEFAULT_UPLOAD_LIMITS, onBytes } = options;
  const guard = new TextGuard(file, limits.maxLineBytes, onBytes);
  // Empty lines are kept by the parser (as a record of one empty field) so they can be counted.
  // max_record_size bounds one record's characters (a huge quoted field spanning short lines).
  const parser = parse({ bom: true, relax_column_count: true, skip_empty_lines: false, record_delimiter: ['\r\n', '\n', '\r'], max_record_size: limits.maxLineBytes });
  // The iteration below sees the first error of any of the three; the callback has nothing to add.
  pipeline(stream, guard, parser, () => {});
  let line = 0;
  let batch: CsvRecord[] = [];
  try {
    for await (const record of parser as AsyncIterable<string[]>) {
      line++;
      if (record.length === 1 && record[0] === '') continue;
      if (record.length > limits.maxColumns)
        throw new UnreadableFileError(file, `line ${line} has ${record.length.toLocaleString('en-US')} columns; the limit is ${limits.maxColumns} (${LIMIT_SETTING.maxColumns})`, line);
      for (let i = 0; i < record.length; i++) line += breaksIn(record[i]!);
      const bad = guard.sawNul || guard.sawInvalidUtf8 || guard.utf16 ? badCells(record, guard) : undefined;
      batch.push(bad ? { record, line, badCells: bad } : { record, line });
      if (batch.length >= BATCH) {
        yield batch;
        batch = [];
      }
    }
  } catch (err) {
    throw readError(err, file, guard, line, limits.maxLineBytes);
  }
  if (batch.length > 0) yield batch;
}

/** The stream's records one by one (small files: manifests, orgs, SIS tables). */
export async function* csvRecords(stream: Readable, options: CsvReadOptions): AsyncGenerator<CsvRecord> {
  for await (const batch of csvRecordBatches(stream, options)) yield* batch;
}
