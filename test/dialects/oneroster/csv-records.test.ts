// csv-records.ts reads academicSessions.csv instead of csv-parse: the same records, the same
// line numbers and an error where csv-parse has one, on random text split into random chunks.
// Two differences are on purpose: a CRLF inside a quoted field is one line here (csv-parse counts
// two), and any of CRLF, LF and CR ends a record (csv-parse takes the first one it sees for the
// whole file and keeps a stray CR in the field), so the generated files keep to one line ending.
import { Readable } from 'node:stream';
import { parse, type Options } from 'csv-parse';
import { describe, expect, it } from 'vitest';
import { csvRecordBatches, CsvSyntaxError } from '../../../src/dialects/oneroster/csv/csv-records.ts';

async function viaCsvParse(text: string): Promise<{ records: [string[], number][] } | { error: true }> {
  const records: [string[], number][] = [];
  const options = { bom: true, relax_column_count: true, skip_empty_lines: true, on_record: (record: string[], context: { lines: number }) => ({ record, lines: context.lines }) };
  try {
    for await (const r of Readable.from([Buffer.from(text)]).pipe(parse(options as unknown as Options)) as AsyncIterable<{ record: string[]; lines: number }>) records.push([r.record, r.lines]);
  } catch {
    return { error: true };
  }
  return { records };
}

async function viaCsvRecords(text: string, cuts: number[]): Promise<{ records: [string[], number][] } | { error: true }> {
  const bytes = Buffer.from(text);
  const chunks: Buffer[] = [];
  let at = 0;
  for (const c of [...cuts.filter((x) => x < bytes.length)].sort((a, b) => a - b)) {
    chunks.push(bytes.subarray(at, c));
    at = c;
  }
  chunks.push(bytes.subarray(at));
  const records: [string[], number][] = [];
  try {
    for await (const batch of csvRecordBatches(Readable.from(chunks))) for (const r of batch) records.push([r.record, r.line]);
  } catch (err) {
    expect(err).toBeInstanceOf(CsvSyntaxError);
    return { error: true };
  }
  return { records };
}

let seed = 42;
const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;

describe('CSV records', () => {
  it('match csv-parse on well-formed files with quotes, CRLF, empty lines, a BOM and multi-byte text', async () => {
    for (let i = 0; i < 300; i++) {
      const eol = pick(['\n', '\r\n', '\r']);
      const lines: string[] = [];
      for (let l = 0, n = Math.floor(random() * 8); l < n; l++) {
        if (random() < 0.15) {
          lines.push('');
          continue;
        }
        const fields = Array.from({ length: 1 + Math.floor(random() * 4) }, () => {
          const v = Array.from({ length: Math.floor(random() * 5) }, () => pick(['a', 'é', '€', ' ', ',', '"', eol, 'x'])).join('');
          return /[",\r\n]/.test(v) || random() < 0.2 ? `"${v.replaceAll('"', '""')}"` : v;
        });
        lines.push(fields.join(','));
      }
      const text = (random() < 0.2 ? '\uFEFF' : '') + lines.join(eol) + (random() < 0.5 ? eol : '');
      const cuts = Array.from({ length: Math.floor(random() * 6) }, () => Math.floor(random() * (Buffer.byteLength(text) + 1)));
      const ours = await viaCsvRecords(text, cuts);
      const theirs = await viaCsvParse(text);
      // csv-parse's line numbers after a quoted CRLF are off (see above): compare records only.
      if (eol === '\r\n' && 'records' in ours && 'records' in theirs) expect(ours.records.map((r) => r[0]), JSON.stringify(text)).toEqual(theirs.records.map((r) => r[0]));
      else expect(ours, JSON.stringify(text)).toEqual(theirs);
    }
  });

  it('reject what csv-parse rejects (stray quotes, unclosed quotes)', async () => {
    for (let i = 0; i < 500; i++) {
      const eol = pick(['\n', '\r\n']);
      const text = Array.from({ length: Math.floor(random() * 12) }, () => pick(['a', ',', '"', eol, '""', 'b'])).join('');
      const cuts = Array.from({ length: Math.floor(random() * 4) }, () => Math.floor(random() * (text.length + 1)));
      const ours = await viaCsvRecords(text, cuts);
      const theirs = await viaCsvParse(text);
      expect('error' in ours, JSON.stringify(text)).toBe('error' in theirs);
      if ('records' in ours && 'records' in theirs)
        if (eol === '\n') expect(ours, JSON.stringify(text)).toEqual(theirs);
        else expect(ours.records.map((r) => r[0]), JSON.stringify(text)).toEqual(theirs.records.map((r) => r[0]));
    }
  });

  it('end a record at LF, CRLF or CR even when a file mixes them (csv-parse kept the CR in the last field)', async () => {
    const text = 'a,b\n1,2026\r\n3,2027\r4,2028\n';
    expect(await viaCsvRecords(text, [])).toEqual({ records: [[['a', 'b'], 1], [['1', '2026'], 2], [['3', '2027'], 3], [['4', '2028'], 4]] });
    const before = await viaCsvParse(text);
    expect('records' in before && before.records[1]![0]).toEqual(['1', '2026\r']);
  });
});
