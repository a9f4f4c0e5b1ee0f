// Reads a zip on disk for yauzl one byte range at a time, each range its own fs read stream.
//
// yauzl's own file reader (yauzl.open → FdSlicer) shares one descriptor between an entry's
// streams and queues their reads; destroying a stream while one of its reads waits in that
// queue makes the queued read dereference the stream's cleared context, a TypeError thrown
// from an fs callback that no handler can catch, and the process dies (the OneRoster CSV fuzz
// found it: a damaged entry ends its read early and another entry's read is still queued).
// A stream per range has nothing shared to clear: Node's fs streams may be destroyed mid-read.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import yauzl from 'yauzl';

export class FileRangeReader extends yauzl.RandomAccessReader {
  constructor(private readonly path: string) {
    super();
  }

  override _readStreamForRange(start: number, end: number): Readable {
    // yauzl's end is exclusive; fs's is inclusive.
    return createReadStream(this.path, { start, end: end - 1 });
  }
}

/** Opens the zip at `path` through a FileRangeReader, with yauzl's options. */
export async function openZipFile(path: string, options: yauzl.Options, callback: (err: Error | null, zip?: yauzl.ZipFile) => void): Promise<void> {
  let size: number;
  try {
    size = (await stat(path)).size;
  } catch (err) {
    return callback(err as Error);
  }
  yauzl.fromRandomAccessReader(new FileRangeReader(path), size, options, callback);
}
