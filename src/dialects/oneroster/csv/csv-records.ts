// academicSessions.csv as batches of records, each with the line it ends on, parsed by csv-parse
// streaming. Asking csv-parse for a line number per record (`info` or `on_record`) doubles its
// time on a million-row file, so the lines are counted here instead: a record ends one line after
// the previous one, plus the line breaks inside its quoted fields. That also counts a CRLF inside
// quotes as one line, where csv-parse's own count says two.
import type { Readable } from 'node:stream';
import { CsvError, parse } from 'csv-parse';

export interface CsvRecord {
  record: string[];
  /** The line the record ends on (1-based; a quoted field may span lines). */
  line: number;
}

/** Not CSV; `lines` is where reading stopped. */
export class CsvSyntaxError extends Error {
  constructor(
    message: string,
    readonly lines: number,
  ) {
    super(message);
  }
}

/** Records a batch holds at most (the staging batch size; smaller batches keep the heap lower). */
const BATCH = 1000;

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

/** The stream's records in batches; empty lines are skipped but counted. */
export async function* csvRecordBatches(stream: Readable): AsyncGenerator<CsvRecord[]> {
  // Empty lines are kept by the parser (as a record of one empty field) so they can be counted.
  const parser = stream.pipe(parse({ bom: true, relax_column_count: true, skip_empty_lines: false, record_delimiter: ['\r\n', '\n', '\r'] }));
  stream.once('error', (err) => parser.destroy(err));
  let line = 0;
  let batch: CsvRecord[] = [];
  try {
    for await (const record of parser as AsyncIterable<string[]>) {
      line++;
      if (record.length === 1 && record[0] === '') continue;
      for (let i = 0; i < record.length; i++) line += breaksIn(record[i]!);
      batch.push({ record, line });
      if (batch.length >= BATCH) {
        yield batch;
        batch = [];
      }
    }
  } catch (err) {
    if (err instanceof CsvError) throw new CsvSyntaxError(err.message, (err as CsvError & { lines?: number }).lines ?? line + 1);
    throw err;
  }
  if (batch.length > 0) yield batch;
}
