// Where a OneRoster CSV set comes from: a directory of .csv files or a zip (file or upload).
// Files are opened one at a time as streams; nothing is read whole.
import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import yauzl from 'yauzl';

export interface CsvSource {
  /** File names at the root of the set, e.g. `academicSessions.csv`. */
  readonly names: string[];
  /** Uncompressed size in bytes (for progress). */
  size(name: string): number;
  open(name: string): Promise<Readable>;
  close(): Promise<void>;
}

export class CsvSourceError extends Error {}

export async function openCsvSource(path: string): Promise<CsvSource> {
  const info = await stat(path).catch(() => null);
  if (!info) throw new CsvSourceError(`${path} does not exist`);
  if (info.isDirectory()) return directorySource(path);
  return zipSource(await new Promise<yauzl.ZipFile>((ok, fail) => yauzl.open(path, { lazyEntries: true, autoClose: false }, (e, z) => (e ? fail(e) : ok(z!)))));
}

export async function zipBufferSource(buffer: Buffer): Promise<CsvSource> {
  const zip = await new Promise<yauzl.ZipFile>((ok, fail) =>
    yauzl.fromBuffer(buffer, { lazyEntries: true }, (e, z) => (e ? fail(new CsvSourceError(`the upload is not a readable zip file: ${e.message}`)) : ok(z!))),
  );
  return zipSource(zip);
}

async function directorySource(dir: string): Promise<CsvSource> {
  const names = (await readdir(dir)).filter((n) => n.endsWith('.csv'));
  const sizes = new Map<string, number>();
  for (const n of names) sizes.set(n, (await stat(join(dir, n))).size);
  return {
    names,
    size: (n) => sizes.get(n) ?? 0,
    open: async (n) => createReadStream(join(dir, n)),
    close: async () => {},
  };
}

async function zipSource(zip: yauzl.ZipFile): Promise<CsvSource> {
  const entries = new Map<string, yauzl.Entry>();
  await new Promise<void>((ok, fail) => {
    zip.on('entry', (entry: yauzl.Entry) => {
      if (!entry.fileName.endsWith('/')) entries.set(entry.fileName, entry);
      zip.readEntry();
    });
    zip.on('end', () => ok());
    zip.on('error', (e: Error) => fail(new CsvSourceError(`the zip file is damaged: ${e.message}`)));
    zip.readEntry();
  });
  return {
    names: [...entries.keys()],
    size: (n) => entries.get(n)?.uncompressedSize ?? 0,
    open: (n) =>
      new Promise((ok, fail) => {
        const entry = entries.get(n);
        if (!entry) return fail(new CsvSourceError(`${n} is not in the zip file`));
        zip.openReadStream(entry, (e, stream) => (e ? fail(new CsvSourceError(`${n}: ${e.message}`)) : ok(stream!)));
      }),
    close: async () => zip.close(),
  };
}
