// The bytes of a CSV file on their way to the parser: counted, held to a line length, and
// watched for what is not UTF-8 text (NUL bytes, invalid sequences). The guard only raises flags
// for NUL and invalid UTF-8; the record reader then finds the cells that hold them, so the
// problem names the line and the column. Scanning with Buffer#indexOf and buffer.isUtf8 keeps the
// cost to a few percent of parsing.
import { isUtf8 } from 'node:buffer';
import { Transform, type TransformCallback } from 'node:stream';
import { byteSize, LIMIT_SETTING } from './upload-limits.ts';
import { UnreadableFileError } from './unreadable-file.ts';

const LF = 10;
const CR = 13;

/** Bytes at the end of `data` that start a UTF-8 sequence the next chunk completes. */
function incompleteTail(data: Buffer): number {
  const end = data.length;
  let i = end - 1;
  while (i >= 0 && i >= end - 3 && (data[i]! & 0xc0) === 0x80) i--;
  if (i < 0) return 0;
  const lead = data[i]!;
  const need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
  return end - i < need ? end - i : 0;
}

export class TextGuard extends Transform {
  /** Bytes passed so far. */
  bytes = 0;
  /** The line being read (1-based, counting LF, CRLF and lone CR as one break each). */
  lines = 1;
  /** A NUL byte has passed: some cell holds one. */
  sawNul = false;
  /** Bytes that are not UTF-8 have passed: some cell holds U+FFFD where they were. */
  sawInvalidUtf8 = false;
  private lineBytes = 0;
  private lastWasCr = false;
  private pending: Buffer | null = null;
  /** The first two bytes, until the encoding is known: a UTF-16LE BOM is decoded by csv-parse. */
  private head: number[] = [];
  /** The file began with a UTF-16LE byte order mark (csv-parse decodes it as such). */
  utf16 = false;

  constructor(
    private readonly file: string,
    private readonly maxLineBytes: number,
    private readonly onBytes?: (n: number) => void,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.bytes += chunk.length;
    this.onBytes?.(chunk.length);
    if (this.head.length < 2) this.sniff(chunk);
    if (!this.sawNul && chunk.indexOf(0) >= 0) this.sawNul = true;
    if (!this.utf16 && !this.sawInvalidUtf8) this.checkUtf8(chunk);
    const tooLong = this.measureLines(chunk);
    if (tooLong) return done(tooLong);
    done(null, chunk);
  }

  override _flush(done: TransformCallback): void {
    // A sequence cut off by the end of the file is not UTF-8 either.
    if (this.pending && !this.utf16) this.sawInvalidUtf8 = true;
    done();
  }

  private sniff(chunk: Buffer): void {
    for (let i = 0; i < chunk.length && this.head.length < 2; i++) this.head.push(chunk[i]!);
    if (this.head[0] === 0xff && this.head[1] === 0xfe) {
      this.utf16 = true;
      this.sawInvalidUtf8 = false; // the BOM itself was taken for bad UTF-8
      this.pending = null;
    }
  }

  private checkUtf8(chunk: Buffer): void {
    const data = this.pending ? Buffer.concat([this.pending, chunk]) : chunk;
    const tail = incompleteTail(data);
    if (!isUtf8(data.subarray(0, data.length - tail))) this.sawInvalidUtf8 = true;
    this.pending = tail > 0 ? Buffer.from(data.subarray(data.length - tail)) : null;
  }

  /** Counts line breaks; the error when a line grows past the limit. */
  private measureLines(chunk: Buffer): UnreadableFileError | null {
    let pos = 0;
    let nextLf = chunk.indexOf(LF);
    let nextCr = chunk.indexOf(CR);
    while (nextLf >= 0 || nextCr >= 0) {
      const at = nextLf < 0 ? nextCr : nextCr < 0 ? nextLf : Math.min(nextLf, nextCr);
      if (this.lineBytes + (at - pos) > this.maxLineBytes) return this.tooLong();
      if (chunk[at] === CR) {
        this.lines++;
        nextCr = chunk.indexOf(CR, at + 1);
      } else {
        const afterCr = at === 0 ? this.lastWasCr : chunk[at - 1] === CR;
        if (!afterCr) this.lines++;
        nextLf = chunk.indexOf(LF, at + 1);
      }
      this.lineBytes = 0;
      pos = at + 1;
    }
    this.lineBytes += chunk.length - pos;
    if (chunk.length > 0) this.lastWasCr = chunk[chunk.length - 1] === CR;
    return this.lineBytes > this.maxLineBytes ? this.tooLong() : null;
  }

  private tooLong(): UnreadableFileError {
    return new UnreadableFileError(
      this.file,
      `line ${this.lines} is longer than the limit of ${byteSize(this.maxLineBytes)} (${LIMIT_SETTING.maxLineBytes}); is this a CSV file?`,
      this.lines,
    );
  }
}
