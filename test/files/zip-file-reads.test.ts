// A zip read from disk with its entries' streams ended early while others still read: the
// interleaving the OneRoster CSV fuzz hit, where yauzl's shared-descriptor reader threw from
// an fs callback ("Cannot read properties of null (reading 'fd')") and the process died.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { zipFileSource } from '../../src/dialects/oneroster/csv/zip-source.ts';
import { uploadLimitsFromEnv } from '../../src/files/upload-limits.ts';
import { zipOf } from '../dialects/oneroster/csv-zip.ts';

describe('a zip on disk', () => {
  let dir: string;
  let path: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'zip-reads-'));
    path = join(dir, 'set.zip');
    const rows = (tag: string) => Array.from({ length: 40_000 }, (_, i) => `${tag}${i},active,,Term ${i},term,2025-08-01,2025-12-20,,2026`).join('\n');
    await writeFile(path, await zipOf({ 'a.csv': rows('a'), 'b.csv': rows('b'), 'c.csv': rows('c') }, false));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('survives streams destroyed while other entries are still being read', async () => {
    const limits = { ...uploadLimitsFromEnv(), maxBytes: 64 * 1024 * 1024 };
    for (let round = 0; round < 40; round++) {
      const source = await zipFileSource(path, limits);
      const streams = ['a.csv', 'b.csv', 'c.csv'].map((name) => source.open(name));
      const kept = streams[round % 3]!;
      const read = (async () => {
        let bytes = 0;
        for await (const chunk of kept) bytes += (chunk as Buffer).length;
        return bytes;
      })();
      for (const [i, s] of streams.entries()) {
        if (s === kept) continue;
        s.resume();
        // End the others after a varying number of turns, so some reads are queued when they go.
        setTimeout(() => s.destroy(), i + (round % 5));
      }
      expect(await read).toBe(source.size(['a.csv', 'b.csv', 'c.csv'][round % 3]!));
      await new Promise((r) => setTimeout(r, 5));
      await source.close();
    }
  });
});
