// The CSV grammar the binding uses (RFC 4180: comma, double quote, "" inside quotes, CRLF or LF),
// read chunk by chunk into records with the line each ends on. It replaces csv-parse for
// academicSessions.csv, where csv-parse with a line number per record cost ~7 s of a
// million-row import; this reads the same file in about one. Same reading as csv-parse with
// { bom: true, relax_column_count: true, skip_empty_lines: true } (a test compares the two).
import { StringDecoder } from 'node:string_decoder';
import type { Readable } from 'node:stream';

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

const QUOTE = 34;
const COMMA = 44;
const CR = 13;
const LF = 10;

/**
 * Parses `text` from the start; returns the complete records and where the unfinished tail
 * begins (`rest`), with the line number at that point. `final`: no more text will come.
 */
function parseRecords(text: string, startLine: number, final: boolean, out: CsvRecord[]): { rest: number; line: number } {
  const n = text.length;
  let line = startLine;
  let pos = 0;
  for (;;) {
    const recordStart = pos;
    const recordLine = line;
    if (pos >= n) return { rest: pos, line };
    // An empty line (skip_empty_lines).
    const first = text.charCodeAt(pos);
    if (first === LF || first === CR) {
      if (first === CR) {
        if (pos + 1 >= n && !final) return { rest: recordStart, line: recordLine };
        pos += text.charCodeAt(pos + 1) === LF ? 2 : 1;
      } else pos++;
      line++;
      continue;
    }
    const fields: string[] = [];
    for (;;) {
      // One field starting at pos.
      if (pos < n && text.charCodeAt(pos) === QUOTE) {
        let value = '';
        let from = pos + 1;
        for (;;) {
          const q = text.indexOf('"', from);
          if (q < 0) {
            if (!final) return { rest: recordStart, line: recordLine };
            throw new CsvSyntaxError(`Quote Not Closed: the parsing is finished with an opening quote at line ${line}`, line);
          }
          const part = text.slice(from, q);
          for (let i = part.indexOf('\n'); i >= 0; i = part.indexOf('\n', i + 1)) line++;
          if (part.indexOf('\r') >= 0) for (let i = 0; i < part.length; i++) if (part.charCodeAt(i) === CR && part.charCodeAt(i + 1) !== LF) line++;
          value += part;
          if (q + 1 >= n && !final) return { rest: recordStart, line: recordLine };
          if (text.charCodeAt(q + 1) === QUOTE) {
            value += '"';
            from = q + 2;
            continue;
          }
          pos = q + 1;
          break;
        }
        fields.push(value);
        const c = pos < n ? text.charCodeAt(pos) : -1;
        if (c !== COMMA && c !== CR && c !== LF && c !== -1)
          throw new CsvSyntaxError(`Invalid Closing Quote: got "${text[pos]}" at line ${line} instead of delimiter, record delimiter, trimable character (if activated) or comment`, line);
      } else {
        let i = pos;
        let c = -1;
        while (i < n) {
          c = text.charCodeAt(i);
          if (c === COMMA || c === CR || c === LF) break;
          if (c === QUOTE)
            throw new CsvSyntaxError(`Invalid Opening Quote: a quote is found on field ${fields.length} at line ${line}, value is ${JSON.stringify(text.slice(pos, i))}`, line);
          i++;
        }
        if (i >= n) {
          if (!final) return { rest: recordStart, line: recordLine };
          c = -1;
        }
        fields.push(text.slice(pos, i));
        pos = i;
      }
      // After a field: a comma, a record delimiter or the end.
      const c = pos < n ? text.charCodeAt(pos) : -1;
      if (c === COMMA) {
        pos++;
        if (pos >= n && !final) return { rest: recordStart, line: recordLine };
        continue;
      }
      if (c === CR) {
        if (pos + 1 >= n && !final) return { rest: recordStart, line: recordLine };
        pos += text.charCodeAt(pos + 1) === LF ? 2 : 1;
      } else if (c === LF) pos++;
      out.push({ record: fields, line });
      if (c !== -1) line++;
      break;
    }
  }
}

/** The stream's records in batches (one per chunk read), for callers that work batch by batch. */
export async function* csvRecordBatches(stream: Readable): AsyncGenerator<CsvRecord[]> {
  const decoder = new StringDecoder('utf8');
  let tail = '';
  let line = 1;
  let started = false;
  for await (const chunk of stream as AsyncIterable<Buffer | string>) {
    let text = tail + (typeof chunk === 'string' ? chunk : decoder.write(chunk));
    if (!started && text.length > 0) {
      started = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    const out: CsvRecord[] = [];
    const done = parseRecords(text, line, false, out);
    tail = text.slice(done.rest);
    line = done.line;
    if (out.length > 0) yield out;
  }
  let text = tail + decoder.end();
  if (!started && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const out: CsvRecord[] = [];
  parseRecords(text, line, true, out);
  if (out.length > 0) yield out;
}
