// Where a OneRoster CSV set comes from: a directory of .csv files or a zip (file or upload).
// Files are opened one at a time as streams; nothing is read whole. A set that cannot be opened
// (not a zip, past a limit) is refused with an UnreadableFileError; a file that fails while it is
// read reports the same error on its stream.
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { fileBytes } from '../../../files/file-bytes.ts';
import { UnreadableFileError } from '../../../files/unreadable-file.ts';
import { byteSize, LIMIT_SETTING, uploadLimitsFromEnv, type UploadLimits } from '../../../files/upload-limits.ts';
import { zipBufferSource as zipBuffer, zipFileSource } from './zip-source.ts';

export interface CsvSource {
  /** File names at the root of the set, e.g. `academicSessions.csv`. */
  readonly names: string[];
  /** What the set is read under (lines and columns; counts and sizes were checked on opening). */
  readonly limits: UploadLimits;
  /** Uncompressed size in bytes (for progress). */
  size(name: string): number;
  /** One file's bytes. Whatever stops it being read arrives as an UnreadableFileError on the stream. */
  open(name: string): Readable;
  close(): Promise<void>;
}

export async function openCsvSource(path: string, limits: UploadLimits = uploadLimitsFromEnv()): Promise<CsvSource> {
  const info = await stat(path).catch(() => null);
  if (!info) throw new UnreadableFileError('', `${path} does not exist`);
  if (info.isDirectory()) return directorySource(path, limits);
  return zipFileSource(path, limits);
}

export function zipBufferSource(buffer: Buffer, limits: UploadLimits = uploadLimitsFromEnv()): Promise<CsvSource> {
  return zipBuffer(buffer, limits);
}

async function directorySource(dir: string, limits: UploadLimits): Promise<CsvSource> {
  const sizes = new Map<string, number>();
  for (const name of (await readdir(dir)).filter((n) => n.endsWith('.csv'))) {
    const info = await stat(join(dir, name)).catch(() => null);
    if (info?.isFile()) sizes.set(name, info.size);
  }
  if (sizes.size > limits.maxEntries)
    throw new UnreadableFileError('', `${dir} has ${sizes.size} CSV files; the limit is ${limits.maxEntries} (${LIMIT_SETTING.maxEntries}), and a OneRoster CSV set has 22 files at most.`);
  const total = [...sizes.values()].reduce((a, b) => a + b, 0);
  if (total > limits.maxBytes) throw new UnreadableFileError('', `the CSV files in ${dir} are ${byteSize(total)} together, past the limit of ${byteSize(limits.maxBytes)} (${LIMIT_SETTING.maxBytes}).`);
  return {
    names: [...sizes.keys()],
    limits,
    size: (n) => sizes.get(n) ?? 0,
    open: (n) => fileBytes(join(dir, n), n, limits.maxBytes),
    close: async () => {},
  };
}
