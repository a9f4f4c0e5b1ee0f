// One file on disk as a stream of its bytes, refused past a size limit. Every failure (missing,
// a folder, unreadable, too big) arrives as one UnreadableFileError on the returned stream: the
// file stream is only ever iterated, which listens for its errors for as long as it is open.
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { UnreadableFileError } from './unreadable-file.ts';
import { byteSize, LIMIT_SETTING } from './upload-limits.ts';

async function* bytesOf(path: string, name: string, maxBytes: number): AsyncGenerator<Buffer> {
  const file = createReadStream(path);
  let bytes = 0;
  try {
    for await (const chunk of file as AsyncIterable<Buffer>) {
      bytes += chunk.length;
      if (bytes > maxBytes) throw new UnreadableFileError(name, `is larger than the limit of ${byteSize(maxBytes)} (${LIMIT_SETTING.maxBytes})`);
      yield chunk;
    }
  } catch (err) {
    if (err instanceof UnreadableFileError) throw err;
    throw new UnreadableFileError(name, `could not be read: ${(err as Error).message}`);
  } finally {
    file.destroy();
  }
}

export function fileBytes(path: string, name: string, maxBytes: number): Readable {
  return Readable.from(bytesOf(path, name, maxBytes), { objectMode: false });
}
