// The store a command works on: DATABASE_URL when set, else PGlite in --data-dir.
import { sealAtStart, unsealedWarning } from '../secrets/seal-at-rest.ts';
import { openStore, type Store, type StoreOptions } from '../store/database.ts';

export const DEFAULT_DATA_DIR = './.termbridge';

export function storeOptions(dataDir: string | undefined) {
  const databaseUrl = process.env.DATABASE_URL;
  return databaseUrl ? { databaseUrl } : { dataDir: dataDir ?? process.env.TERMBRIDGE_DATA_DIR ?? DEFAULT_DATA_DIR };
}

export function openCommandStore(dataDir: string | undefined): Promise<Store> {
  return openSealedStore(storeOptions(dataDir));
}

/** Opens the store and seals sync target secrets still in the clear (migration 014), if the key is set. */
export async function openSealedStore(options: StoreOptions): Promise<Store> {
  const store = await openStore(options);
  try {
    const warning = unsealedWarning(await sealAtStart(store.db));
    if (warning) process.stderr.write(`${warning}\n`);
  } catch (err) {
    await store.close();
    throw err;
  }
  return store;
}
