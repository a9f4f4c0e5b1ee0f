// Opens the store for a command that works on the database itself: with DATABASE_URL directly;
// with the embedded database only after taking the data directory's lock, so it can never open
// a directory a running server (or another command) holds. Closing the store releases the lock.
import type { Store } from '../store/database.ts';
import { acquireDataDirLock } from './data-dir-lock.ts';
import { openSealedStore, storeOptions } from './open-store.ts';

export async function openExclusiveStore(dataDir: string | undefined, command: string): Promise<Store> {
  const options = storeOptions(dataDir);
  const dir = options.dataDir;
  if (dir === undefined || dir.startsWith('memory://')) return openSealedStore(options);
  const lock = acquireDataDirLock(dir, command); // throws DataDirBusyError with the holder
  try {
    const store = await openSealedStore(options);
    return {
      ...store,
      async close() {
        try {
          await store.close();
        } finally {
          lock.release();
        }
      },
    };
  } catch (err) {
    lock.release();
    throw err;
  }
}
