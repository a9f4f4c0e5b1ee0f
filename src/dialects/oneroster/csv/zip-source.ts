// A OneRoster CSV set in a zip (an upload or a file), read with yauzl for the directory and the
// local headers, and inflated here. A zip is taken to be hostile until its entries have passed
// the limits: their count, their declared sizes and compression ratios, files at the root only,
// methods termbridge can read. Each entry's data is then held to the size its header declares,
// so a zip that lies about sizes is caught while inflating, not after filling memory or disk.
//
// Inflating here rather than in yauzl keeps every stream of an entry in one `pipeline` iterated
// by one async generator: an error from the raw bytes or from zlib ends the iteration as an
// UnreadableFileError naming the entry, and there is no stream whose 'error' nobody hears.
import { pipeline, Readable } from 'node:stream';
import { createInflateRaw } from 'node:zlib';
import yauzl from 'yauzl';
import { openZipFile } from '../../../files/file-range-reader.ts';
import { UnreadableFileError } from '../../../files/unreadable-file.ts';
import { byteSize, LIMIT_SETTING, RATIO_FLOOR_BYTES, type UploadLimits } from '../../../files/upload-limits.ts';
import type { CsvSource } from './csv-source.ts';

const STORED = 0;
const DEFLATED = 8;

// Sizes are checked here, against the data as it is inflated (yauzl's own check would be a
// second, later one). Backslashes in names (old Windows tools) are read as folders.
const OPTIONS: yauzl.Options = { lazyEntries: true, autoClose: false, validateEntrySizes: false };

type Opener = (callback: (err: Error | null, zip?: yauzl.ZipFile) => void) => void;

export function zipBufferSource(buffer: Buffer, limits: UploadLimits): Promise<CsvSource> {
  return zipSource((cb) => yauzl.fromBuffer(buffer, OPTIONS, cb), 'the upload', limits);
}

export function zipFileSource(path: string, limits: UploadLimits, what = path): Promise<CsvSource> {
  // Not yauzl.open: see file-range-reader.ts for the crash its shared descriptor allows.
  return zipSource((cb) => void openZipFile(path, OPTIONS, cb), what, limits);
}

async function zipSource(opener: Opener, what: string, limits: UploadLimits): Promise<CsvSource> {
  const zip = await new Promise<yauzl.ZipFile>((ok, fail) =>
    opener((err, z) => (err ? fail(new UnreadableFileError('', `${what} is not a readable zip file: ${err.message}`)) : ok(z!))),
  );
  let entries: Map<string, yauzl.Entry>;
  try {
    entries = await listEntries(zip, limits);
  } catch (err) {
    zip.close();
    throw err;
  }
  return {
    names: [...entries.keys()],
    limits,
    size: (name) => entries.get(name)?.uncompressedSize ?? 0,
    open: (name) => {
      const entry = entries.get(name);
      return Readable.from(entry ? entryBytes(zip, entry) : missing(name), { objectMode: false });
    },
    close: async () => zip.close(),
  };
}

/** Why an entry makes the whole zip unreadable, or null when it may be read. */
function entryProblem(entry: yauzl.Entry, seen: Map<string, yauzl.Entry>, total: number, limits: UploadLimits): UnreadableFileError | null {
  const name = entry.fileName;
  const refuse = (reason: string) => new UnreadableFileError(name, reason);
  if (name.includes('/')) return refuse('is in a folder; a OneRoster CSV set keeps its files at the root of the zip (zip the files themselves, not the folder holding them).');
  if (seen.has(name)) return refuse('is in the zip twice.');
  if (entry.isEncrypted()) return refuse('is encrypted; send the zip without a password.');
  const method = entry.compressionMethod;
  if (method !== STORED && method !== DEFLATED) return refuse(`uses compression method ${method}; termbridge reads stored (0) and deflated (8) entries, the methods every zip tool writes by default.`);
  if (method === STORED && entry.compressedSize !== entry.uncompressedSize)
    return refuse(`is stored uncompressed, yet its header gives two sizes (${entry.compressedSize} and ${entry.uncompressedSize} bytes): the zip is damaged.`);
  if (total + entry.uncompressedSize > limits.maxBytes)
    return refuse(`is ${byteSize(entry.uncompressedSize)} uncompressed, which takes the set past the limit of ${byteSize(limits.maxBytes)} (${LIMIT_SETTING.maxBytes}).`);
  const ratio = entry.uncompressedSize / Math.max(1, entry.compressedSize);
  if (entry.uncompressedSize > RATIO_FLOOR_BYTES && ratio > limits.maxRatio)
    return refuse(`compresses ${Math.round(ratio)}:1, past the compression ratio limit of ${limits.maxRatio}:1 (${LIMIT_SETTING.maxRatio}); a zip bomb looks like this.`);
  return null;
}

/** The entries that are files at the root; refuses the zip at the first entry past a limit. */
function listEntries(zip: yauzl.ZipFile, limits: UploadLimits): Promise<Map<string, yauzl.Entry>> {
  if (zip.entryCount > limits.maxEntries)
    return Promise.reject(
      new UnreadableFileError('', `the zip has ${zip.entryCount.toLocaleString('en-US')} entries; the limit is ${limits.maxEntries} (${LIMIT_SETTING.maxEntries}), and a OneRoster CSV set has 22 files at most.`),
    );
  return new Promise((ok, fail) => {
    const entries = new Map<string, yauzl.Entry>();
    let total = 0;
    let settled = false;
    const settle = (err: Error | null) => {
      if (settled) return;
      settled = true;
      if (err) fail(err);
      else ok(entries);
    };
    // Stays for the zip's life: yauzl reports a damaged directory (or a failed read) here.
    zip.on('error', (err: Error) => settle(new UnreadableFileError('', `the zip file is damaged: ${err.message}`)));
    zip.on('end', () => settle(null));
    zip.on('entry', (entry: yauzl.Entry) => {
      if (settled) return;
      // Folders, and the resource forks macOS's Archive Utility adds, hold nothing to read.
      if (!entry.fileName.endsWith('/') && !entry.fileName.startsWith('__MACOSX/')) {
        const problem = entryProblem(entry, entries, total, limits);
        if (problem) return settle(problem);
        entries.set(entry.fileName, entry);
        total += entry.uncompressedSize;
      }
      zip.readEntry();
    });
    zip.readEntry();
  });
}

function damaged(name: string, err: unknown): UnreadableFileError {
  const message = (err as Error).message;
  const zlib = typeof (err as { code?: unknown }).code === 'string' && (err as { code: string }).code.startsWith('Z_');
  return new UnreadableFileError(name, zlib ? `the compressed data is damaged (${message}).` : `the zip entry is damaged (${message}).`);
}

function openRaw(zip: yauzl.ZipFile, entry: yauzl.Entry): Promise<Readable> {
  return new Promise((ok, fail) => {
    try {
      zip.openReadStream(entry, { decodeFileData: false }, (err, stream) => (err ? fail(err) : ok(stream!)));
    } catch (err) {
      fail(err);
    }
  });
}

async function* entryBytes(zip: yauzl.ZipFile, entry: yauzl.Entry): AsyncGenerator<Buffer> {
  const name = entry.fileName;
  let raw: Readable;
  try {
    raw = await openRaw(zip, entry);
  } catch (err) {
    throw damaged(name, err);
  }
  // yauzl passes errors between its own streams on a later tick; after the pipeline below has
  // finished with `raw`, such a late one is heard here instead of crashing the process.
  raw.on('error', () => {});
  const data = entry.compressionMethod === DEFLATED ? pipeline(raw, createInflateRaw(), () => {}) : raw;
  let bytes = 0;
  try {
    for await (const chunk of data as AsyncIterable<Buffer>) {
      bytes += chunk.length;
      if (bytes > entry.uncompressedSize)
        throw new UnreadableFileError(name, `holds more than the ${entry.uncompressedSize} bytes its header declares: the zip is damaged or lies about its size.`);
      yield chunk;
    }
  } catch (err) {
    throw err instanceof UnreadableFileError ? err : damaged(name, err);
  } finally {
    data.destroy();
    raw.destroy();
  }
  if (bytes !== entry.uncompressedSize) throw new UnreadableFileError(name, `holds ${bytes} bytes where its header declares ${entry.uncompressedSize}: the zip is damaged.`);
}

async function* missing(name: string): AsyncGenerator<Buffer> {
  throw new UnreadableFileError(name, 'is not in the zip file.');
}
