// An upload written to a temporary file as it arrives, instead of held in memory whole (issue
// 17: five 90 MiB CSV uploads in a row took the server to 1.2 GiB). The file is private to the
// server (mode 0600 in its own 0700 directory) and removed once the request is answered.
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

export class SpooledUpload {
  constructor(
    readonly path: string,
    readonly bytes: number,
  ) {}

  /** Removes the file and its directory; safe to call more than once. */
  async discard(): Promise<void> {
    await rm(join(this.path, '..'), { recursive: true, force: true });
  }
}

export class UploadTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`The upload is larger than the ${limit} bytes allowed.`);
  }
}

/** Writes the stream to a new temporary file, refusing it past `limit` bytes. */
export async function spoolToDisk(body: Readable, limit: number): Promise<SpooledUpload> {
  const dir = await mkdtemp(join(tmpdir(), 'termbridge-upload-'));
  const path = join(dir, 'upload');
  let bytes = 0;
  const counted = new Transform({
    transform(chunk: Buffer, _enc, next) {
      bytes += chunk.length;
      next(bytes > limit ? new UploadTooLargeError(limit) : null, chunk);
    },
  });
  try {
    await pipeline(body, counted, createWriteStream(path, { mode: 0o600 }));
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
  return new SpooledUpload(path, bytes);
}
