// csv-records.ts: csv-parse's records with the line each ends on, counted by termbridge. For any
// file csv-stringify writes (quotes, commas and line breaks inside fields, LF or CRLF, empty lines,
// a BOM), the records come back as written and each line is where the record really ends.
import { Readable } from 'node:stream';
import { stringify } from 'csv-stringify/sync';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { csvRecordBatches, type CsvRecord } from '../../src/files/csv-records.ts';
import { UnreadableFileError } from '../../src/files/unreadable-file.ts';

async function read(text: string, chunkBytes: number): Promise<CsvRecord[]> {
  const bytes = Buffer.from(text);
  const chunks: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += chunkBytes) chunks.push(bytes.subarray(at, at + chunkBytes));
  const out: CsvRecord[] = [];
  for await (const batch of csvRecordBatches(Readable.from(chunks), { file: 'test.csv' })) out.push(...batch);
  return out;
}

const field = fc.array(fc.constantFrom('a', 'é', '€', ' ', ',', '"', '\n', '\r\n', 'x', '1'), { maxLength: 6 }).map((xs) => xs.join(''));
// A row of at least two fields, so that no row is a lone empty field (which reads as an empty line).
const row = fc.array(field, { minLength: 2, maxLength: 5 });
const entry = fc.oneof({ weight: 5, arbitrary: row }, { weight: 1, arbitrary: fc.constant(null) }); // null: an empty line

describe('csvRecordBatches', () => {
  it('gives back every row with the line it ends on, whatever the chunking', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(entry, { maxLength: 12 }), fc.constantFrom('\n', '\r\n'), fc.boolean(), fc.integer({ min: 1, max: 40 }), async (entries, eol, bom, chunk) => {
        let text = bom ? '\uFEFF' : '';
        let line = 1;
        const expected: CsvRecord[] = [];
        for (const e of entries) {
          if (e === null) {
            text += eol;
            line++;
            continue;
          }
          // csv-stringify quotes a field holding the record delimiter, not a lone LF inside CRLF files.
          const written = stringify([e], { record_delimiter: eol === '\n' ? 'unix' : 'windows', quoted_match: /[\r\n]/ });
          // The record ends on the line of its last character; the delimiter moves to the next.
          line += (written.slice(0, -eol.length).match(/\r\n|\n|\r/g) ?? []).length;
          expected.push({ record: e, line });
          line++;
          text += written;
        }
        expect(await read(text, chunk)).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });

  it('reports a file that is not CSV with the line where reading stopped', async () => {
    await expect(read('a,b\nc,"d\ne,f\n', 4)).rejects.toBeInstanceOf(UnreadableFileError);
    const err = await read('a,b\nc,d"x\n', 3).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnreadableFileError);
    expect((err as UnreadableFileError).line).toBe(2);
  });

  it('reads a file mixing LF and CRLF without keeping a stray CR', async () => {
    expect(await read('a,b\r\nc,d\ne,f\r\n', 5)).toEqual([
      { record: ['a', 'b'], line: 1 },
      { record: ['c', 'd'], line: 2 },
      { record: ['e', 'f'], line: 3 },
    ]);
  });

  it("ends with the source's error, located at the line reading stopped, and hears a second one too", async () => {
    const source = new Readable({ read() {} });
    source.push('a,b\nc,d\ne,');
    setImmediate(() => {
      source.emit('error', new UnreadableFileError('f.csv', 'the compressed data is damaged'));
      // yauzl could forward a second error after the first: it must not go unheard.
      setImmediate(() => source.emit('error', new Error('a second error')));
    });
    const err = await (async () => {
      for await (const _ of csvRecordBatches(source, { file: 'f.csv' })) void _;
    })().catch((e: unknown) => e);
    expect(err).toMatchObject({ file: 'f.csv', line: 3, reason: 'the compressed data is damaged' });
    await new Promise((resolve) => setTimeout(resolve, 20));
  });

  it('marks the cells holding a NUL byte or bytes that are not UTF-8, and only those', async () => {
    const text = Buffer.concat([Buffer.from('a,b\nok,x\u0000y\n'), Buffer.from([0xe9]), Buffer.from(',\ufffd\n')]);
    const records: CsvRecord[] = [];
    for await (const batch of csvRecordBatches(Readable.from([text]), { file: 'f.csv' })) records.push(...batch);
    expect(records.map((r) => r.badCells ?? [])).toEqual([
      [],
      [{ index: 1, reason: expect.stringContaining('NUL byte') }],
      // The honest U+FFFD is reported too once the file has bytes that are not UTF-8.
      [{ index: 0, reason: expect.stringContaining('not UTF-8') }, { index: 1, reason: expect.stringContaining('not UTF-8') }],
    ]);
  });
});
