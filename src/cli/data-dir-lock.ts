// The embedded database (PGlite) is single-process: two processes opening one data directory
// corrupt it. Whoever opens it takes this lock file first. `serve` also writes its port and a
// random admin key (mode 0600) into it, so other commands can work through the running server's
// loopback admin routes instead of opening the directory. A lock whose pid is dead is stale and
// is taken over.
import { randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const LOCK_FILE = 'termbridge.lock';

export interface LockInfo {
  pid: number;
  /** The command holding the directory, for the message another command shows. */
  command: string;
  startedAt: string;
  /** Set by `serve` once it listens. */
  host?: string;
  port?: number;
  adminKey?: string;
}

export class DataDirBusyError extends Error {
  constructor(
    readonly dataDir: string,
    readonly holder: LockInfo,
  ) {
    super(
      `the data directory ${dataDir} is in use by 'termbridge ${holder.command}' (pid ${holder.pid}, since ${holder.startedAt}); ` +
        `the embedded database allows one process at a time — wait for it to finish or stop it, or use DATABASE_URL with a PostgreSQL server ` +
        `(if pid ${holder.pid} is not termbridge, remove ${lockPath(dataDir)})`,
    );
  }
}

export function lockPath(dataDir: string): string {
  return join(dataDir, LOCK_FILE);
}

export function isProcessAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'; // alive, owned by someone else
  }
}

/**
 * When a process started (ms since epoch), on Linux; undefined elsewhere or if unknown. Lets a
 * lock whose pid was reused by an unrelated, later process count as stale.
 */
export function processStartedAt(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // field 3 onwards; comm may hold spaces
    const ticks = Number(fields[19]); // field 22: starttime, in clock ticks after boot
    const bootTime = Number(/^btime (\d+)$/m.exec(readFileSync('/proc/stat', 'utf8'))?.[1]);
    if (!Number.isFinite(ticks) || !Number.isFinite(bootTime)) return undefined;
    return bootTime * 1000 + (ticks / 100) * 1000; // USER_HZ is 100 on every Linux ABI node runs on
  } catch {
    return undefined;
  }
}

/** Whether the lock's process is still the one that wrote it. */
function holds(info: LockInfo): boolean {
  if (!isProcessAlive(info.pid)) return false;
  const started = processStartedAt(info.pid);
  const locked = Date.parse(info.startedAt);
  // A process that started after the lock was written cannot have written it (2 s for clock granularity).
  return started === undefined || Number.isNaN(locked) || started <= locked + 2000;
}

/** The lock as written, or null if there is none. Unreadable content counts as held by nobody. */
export function readLock(dataDir: string): LockInfo | null {
  let text: string;
  try {
    text = readFileSync(lockPath(dataDir), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  try {
    const info = JSON.parse(text) as LockInfo;
    return typeof info.pid === 'number' ? info : null;
  } catch {
    return null;
  }
}

/** The lock if a live process holds it; a stale lock (dead pid) reads as none. */
export function liveLock(dataDir: string): LockInfo | null {
  const info = readLock(dataDir);
  return info && holds(info) ? info : null;
}

function writeAtomically(path: string, info: LockInfo, exclusive: boolean): void {
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}`;
  writeFileSync(tmp, JSON.stringify(info, null, 2) + '\n', { mode: 0o600 });
  try {
    // link() fails if the lock exists: exclusive creation with the content already in place, so a
    // reader never sees a half-written lock. rename() replaces it atomically for updates.
    if (exclusive) linkSync(tmp, path);
    else renameSync(tmp, path);
  } finally {
    if (exclusive) unlinkSync(tmp);
  }
}

export interface DataDirLock {
  info: LockInfo;
  /** Adds the listening address and admin key (serve, once it listens). */
  update(extra: Pick<LockInfo, 'host' | 'port' | 'adminKey'>): void;
  release(): void;
}

/** Takes the data directory for this process, or throws DataDirBusyError naming the holder. */
export function acquireDataDirLock(dataDir: string, command: string): DataDirLock {
  mkdirSync(dataDir, { recursive: true });
  const path = lockPath(dataDir);
  let info: LockInfo = { pid: process.pid, command, startedAt: new Date().toISOString() };
  for (let attempt = 0; ; attempt++) {
    try {
      writeAtomically(path, info, true);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) {
        const holder = readLock(dataDir);
        if (holder && (err as NodeJS.ErrnoException).code === 'EEXIST') throw new DataDirBusyError(dataDir, holder);
        throw err;
      }
      const holder = readLock(dataDir);
      if (holder && holds(holder)) throw new DataDirBusyError(dataDir, holder);
      unlinkSync(path); // stale: its process is gone (or its pid now belongs to a later process)
    }
  }
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    if (readLock(dataDir)?.pid === process.pid) unlinkSync(path);
  };
  // A crash leaves a stale lock, which the next process takes over; a normal exit removes it.
  process.once('exit', release);
  return {
    get info() {
      return info;
    },
    update(extra) {
      info = { ...info, ...extra };
      writeAtomically(path, info, false);
    },
    release,
  };
}
