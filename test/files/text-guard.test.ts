// TextGuard and the upload limits: what the guard says about a byte stream does not depend on
// how the stream is cut into chunks; every limit is an environment variable with a default.
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TextGuard } from '../../src/files/text-guard.ts';
import { UnreadableFileError } from '../../src/files/unreadable-file.ts';
import { DEFAULT_UPLOAD_LIMITS, uploadLimitsFromEnv } from '../../src/files/upload-limits.ts';

function chunked(bytes: Buffer, cuts: number[]): Buffer[] {
  const at = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let from = 0;
  for (const c of [...at, bytes.length]) {
    if (c > from) out.push(bytes.subarray(from, c));
    from = Math.max(from, c);
  }
  return out;
}

async function guard(chunks: Buffer[], maxLineBytes = 1 << 20): Promise<TextGuard> {
  const g = new TextGuard('f.csv', maxLineBytes);
  await pipeline(Readable.from(chunks), g, new Writable({ write: (_c, _e, done) => done() }));
  return g;
}

const breaks = (text: string) => (text.match(/\r\n|\n|\r/g) ?? []).length;
const INVALID = [[0xff], [0xc3], [0xe9, 0x41], [0xed, 0xa0, 0x80], [0xc0, 0xaf], [0xf4, 0x90, 0x80, 0x80], [0xe2, 0x82], [0xf0, 0x9f, 0x98]];

describe('TextGuard', () => {
  it('counts bytes and lines and sees NULs in valid UTF-8, whatever the chunking, with no false alarm', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'grapheme', maxLength: 60 }), fc.array(fc.nat(), { maxLength: 8 }), async (text, cuts) => {
        const bytes = Buffer.from(text);
        const g = await guard(chunked(bytes, cuts));
        expect(g.sawInvalidUtf8).toBe(false);
        expect(g.sawNul).toBe(text.includes('\0'));
        expect(g.bytes).toBe(bytes.length);
        expect(g.lines).toBe(breaks(text) + 1);
      }),
      { numRuns: 500 },
    );
  });

  it('sees bytes that are not UTF-8 wherever they are and however the stream is cut', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'grapheme', maxLength: 30 }), fc.constantFrom(...INVALID), fc.nat(), fc.array(fc.nat(), { maxLength: 8 }), async (text, bad, where, cuts) => {
        const bytes = Buffer.from(text);
        // Insert at a character boundary, so the bytes around stay whole characters.
        const chars = [...text];
        const at = Buffer.byteLength(chars.slice(0, where % (chars.length + 1)).join(''));
        const damaged = Buffer.concat([bytes.subarray(0, at), Buffer.from(bad), bytes.subarray(at)]);
        expect((await guard(chunked(damaged, cuts))).sawInvalidUtf8).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('takes a UTF-16LE file (BOM) as such: its NUL bytes are not an alarm about UTF-8', async () => {
    const g = await guard(chunked(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('a,b\nc,d\n', 'utf16le')]), [1, 3]));
    expect(g.utf16).toBe(true);
    expect(g.sawInvalidUtf8).toBe(false);
  });

  it('stops at a line past the limit, naming it', async () => {
    const err = await guard([Buffer.from(`a,b\r\nc,d\n${'x'.repeat(5000)}\n`)], 1024).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnreadableFileError);
    expect(err).toMatchObject({ file: 'f.csv', line: 3, reason: expect.stringContaining('line 3 is longer than the limit of 1 KiB (TERMBRIDGE_UPLOAD_MAX_LINE_KB)') });
    // A line cut over many chunks is measured whole.
    const cut = await guard(chunked(Buffer.from(`ok\n${'y'.repeat(2000)}`), [10, 500, 1000, 1500]), 1024).catch((e: unknown) => e);
    expect(cut).toMatchObject({ line: 2 });
  });
});

describe('upload limits', () => {
  it('are the defaults without settings, and each setting in its unit', () => {
    expect(uploadLimitsFromEnv({})).toEqual(DEFAULT_UPLOAD_LIMITS);
    expect(
      uploadLimitsFromEnv({
        TERMBRIDGE_UPLOAD_MAX_ENTRIES: '30',
        TERMBRIDGE_UPLOAD_MAX_MB: '2.5',
        TERMBRIDGE_UPLOAD_MAX_RATIO: '40',
        TERMBRIDGE_UPLOAD_MAX_LINE_KB: '64',
        TERMBRIDGE_UPLOAD_MAX_COLUMNS: '50',
        TERMBRIDGE_SIS_LOAD_MAX_MB: '8',
      }),
    ).toEqual({ maxEntries: 30, maxBytes: 2.5 * 1024 * 1024, maxRatio: 40, maxLineBytes: 64 * 1024, maxColumns: 50, maxLoadBytes: 8 * 1024 * 1024 });
  });

  it('refuse a setting that is not a positive number', () => {
    for (const bad of ['0', '-1', 'many', 'Infinity'])
      expect(() => uploadLimitsFromEnv({ TERMBRIDGE_UPLOAD_MAX_ENTRIES: bad })).toThrow(`TERMBRIDGE_UPLOAD_MAX_ENTRIES must be a positive number, not '${bad}'`);
  });
});
