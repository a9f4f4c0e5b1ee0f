// The store a command works on: DATABASE_URL when set, else PGlite in --data-dir.
import { openStore, type Store } from '../store/database.ts';

export const DEFAULT_DATA_DIR = './.termbridge';

export function storeOptions(dataDir: string | undefined) {
  const databaseUrl = process.env.DATABASE_URL;
  return databaseUrl ? { databaseUrl } : { dataDir: dataDir ?? process.env.TERMBRIDGE_DATA_DIR ?? DEFAULT_DATA_DIR };
}

export function openCommandStore(dataDir: string | undefined): Promise<Store> {
  return openStore(storeOptions(dataDir));
}
