// Opens the store: PGlite in a data directory (the embedded default) or a PostgreSQL server
// (DATABASE_URL). Both get the same migrations and return values of the same JS types.
import { mkdirSync } from 'node:fs';
import { PGlite, types as pgliteTypes } from '@electric-sql/pglite';
import { CompiledQuery, Kysely, PostgresDialect } from 'kysely';
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

/**
 * A statement run on the hottest path (every authenticated request). On PostgreSQL it is
 * prepared once per connection under its name, which halves the server's cost of a short query
 * (parse and plan are skipped); PGlite runs it as any other query.
 */
export type NamedQuery = <R>(name: string, text: string, values: unknown[]) => Promise<R[]>;

/** A NamedQuery run as an ordinary query through Kysely (PGlite, or a bare Kysely in a CLI). */
export function unpreparedQuery(db: Db): NamedQuery {
  return async <R>(_name: string, text: string, values: unknown[]) => (await db.executeQuery<R>(CompiledQuery.raw(text, values))).rows as R[];
}

export interface Store {
  db: Db;
  driver: 'pglite' | 'postgres';
  namedQuery: NamedQuery;
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
    const namedQuery: NamedQuery = async <R>(name: string, text: string, values: unknown[]) => (await pool.query({ name, text, values })).rows as R[];
    return { db, driver: 'postgres', namedQuery, close: () => db.destroy() };
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
  return { db, driver: 'pglite', namedQuery: unpreparedQuery(db), close: () => db.destroy() };
}
