// A file that cannot be read (any further): damaged, lying about its size, past a limit, not
// text or not CSV. It names the file and, when known, the line where reading stopped, so the
// refusal can be acted on; it is the caller's 400 (or CLI error), never a crash.
export class UnreadableFileError extends Error {
  constructor(
    /** The file's name; empty when the problem is the whole set (an upload that is not a zip). */
    readonly file: string,
    readonly reason: string,
    /** 1-based line where reading stopped; 0 when the problem is the whole file. */
    readonly line = 0,
  ) {
    super(file ? `${file}${line > 0 ? ` line ${line}` : ''}: ${reason}` : reason);
  }

  at(line: number): UnreadableFileError {
    return this.line > 0 ? this : new UnreadableFileError(this.file, this.reason, line);
  }
}
