// Opens the store: PGlite in a data directory (the embedded default) or a PostgreSQL server
// (DATABASE_URL). Both get the same migrations and return values of the same JS types.
import { mkdirSync } from 'node:fs';
import { PGlite, types as pgliteTypes } from '@electric-sql/pglite';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { PGliteDialect } from './pglite-dialect.ts';
import { migrate } from './migrate.ts';
import type { Tables } from './schema.ts';

export type Db = Kysely<Tables>;

export interface StoreOptions {
  /** postgres://… — use a PostgreSQL server. */
  databaseUrl?: string | undefined;
  /** PGlite data directory; `memory://` for a throwaway store. */
  dataDir?: string | undefined;
  /** Pool size for PostgreSQL. */
  poolSize?: number | undefined;
}

export interface Store {
  db: Db;
  driver: 'pglite' | 'postgres';
  close(): Promise<void>;
}

const DATE_OID = 1082;
const INT8_OID = 20;
const NUMERIC_OID = 1700;

// Dates stay 'YYYY-MM-DD' strings (a school day has no time zone); int8 stays a string so a
// change version never loses precision.
pg.types.setTypeParser(DATE_OID, (v: string) => v);
pg.types.setTypeParser(INT8_OID, (v: string) => v);
pg.types.setTypeParser(NUMERIC_OID, (v: string) => v);

export async function openStore(options: StoreOptions): Promise<Store> {
  if (options.databaseUrl) {
    const pool = new pg.Pool({ connectionString: options.databaseUrl, max: options.poolSize ?? 10 });
    const db = new Kysely<Tables>({ dialect: new PostgresDialect({ pool }) });
    await migrate(db);
    return { db, driver: 'postgres', close: () => db.destroy() };
  }
  const dataDir = options.dataDir ?? './.termbridge';
  if (!dataDir.startsWith('memory://')) mkdirSync(dataDir, { recursive: true });
  const lite = await PGlite.create(dataDir, {
    parsers: {
      [DATE_OID]: (v: string) => v,
      [INT8_OID]: (v: string) => v,
      [NUMERIC_OID]: (v: string) => v,
    },
    serializers: { [INT8_OID]: (v: unknown) => String(v) },
  });
  void pgliteTypes;
  const db = new Kysely<Tables>({ dialect: new PGliteDialect(lite) });
  await migrate(db);
  return { db, driver: 'pglite', close: () => db.destroy() };
}
