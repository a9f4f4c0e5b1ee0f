// How much termbridge reads from one upload or file set before refusing it: entries in a zip,
// bytes once uncompressed, the compression ratio (a zip bomb's tell), one line's length and one
// row's columns. A limit passed is a 400 (or a CLI error) naming the file, never a crash or a
// server that stalls. Each is an environment variable with a default well above any real
// district's calendar files.

export interface UploadLimits {
  /** Entries (files and folders) in a zip. */
  maxEntries: number;
  /** Bytes of all the files together, uncompressed. */
  maxBytes: number;
  /** Uncompressed bytes per compressed byte, for any entry larger than RATIO_FLOOR_BYTES. */
  maxRatio: number;
  /** Bytes in one line of a CSV file, and characters in one record. */
  maxLineBytes: number;
  /** Columns in one row of a CSV file. */
  maxColumns: number;
  /** Bytes of the files `sis load` reads, which it holds in memory whole (about 20 times their size). */
  maxLoadBytes: number;
}

/** Small entries are not held to the ratio: a short repetitive file compresses well and is harmless. */
export const RATIO_FLOOR_BYTES = 1024 * 1024;

export const DEFAULT_UPLOAD_LIMITS: UploadLimits = {
  maxEntries: 100,
  maxBytes: 1024 * 1024 * 1024,
  maxRatio: 200,
  maxLineBytes: 1024 * 1024,
  maxColumns: 1000,
  maxLoadBytes: 64 * 1024 * 1024,
};

/** The environment variable behind each limit, named in every refusal so an operator can raise it. */
export const LIMIT_SETTING: Record<keyof UploadLimits, string> = {
  maxEntries: 'TERMBRIDGE_UPLOAD_MAX_ENTRIES',
  maxBytes: 'TERMBRIDGE_UPLOAD_MAX_MB',
  maxRatio: 'TERMBRIDGE_UPLOAD_MAX_RATIO',
  maxLineBytes: 'TERMBRIDGE_UPLOAD_MAX_LINE_KB',
  maxColumns: 'TERMBRIDGE_UPLOAD_MAX_COLUMNS',
  maxLoadBytes: 'TERMBRIDGE_SIS_LOAD_MAX_MB',
};

/** Each variable's unit in bytes (MB and KB settings) or 1 (counts). */
const UNIT: Record<keyof UploadLimits, number> = { maxEntries: 1, maxBytes: 1024 * 1024, maxRatio: 1, maxLineBytes: 1024, maxColumns: 1, maxLoadBytes: 1024 * 1024 };

export function uploadLimitsFromEnv(env: NodeJS.ProcessEnv = process.env): UploadLimits {
  const limits = { ...DEFAULT_UPLOAD_LIMITS };
  for (const key of Object.keys(LIMIT_SETTING) as (keyof UploadLimits)[]) {
    const raw = env[LIMIT_SETTING[key]];
    if (raw === undefined || raw.trim() === '') continue;
    const n = Number(raw);
    const value = Math.floor(n * UNIT[key]);
    if (!Number.isFinite(n) || value < 1) throw new Error(`${LIMIT_SETTING[key]} must be a positive number, not '${raw}'`);
    limits[key] = value;
  }
  return limits;
}

/** A byte count as a person reads it: 1 GiB, 3.5 MiB, 812 bytes. */
export function byteSize(n: number): string {
  if (n >= 1024 * 1024 * 1024) return `${+(n / (1024 * 1024 * 1024)).toFixed(1)} GiB`;
  if (n >= 1024 * 1024) return `${+(n / (1024 * 1024)).toFixed(1)} MiB`;
  if (n >= 1024) return `${+(n / 1024).toFixed(1)} KiB`;
  return `${n} bytes`;
}
