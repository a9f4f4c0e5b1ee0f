// A PostgreSQL schema of a test's own on the shared test database: for tests that act on every
// tenant at once (key rotation, a server's sync worker, re-running a migration), which must not
// touch the rows other test files are using at the same time.
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { openStore } from '../src/store/database.ts';

export interface IsolatedSchema {
  /** TEST_DATABASE_URL with the schema as its search_path. */
  url: string;
  drop(): Promise<void>;
}

export async function isolatedSchema(): Promise<IsolatedSchema> {
  const schema = `iso_${randomBytes(6).toString('hex')}`;
  const admin = await openStore({ databaseUrl: process.env.TEST_DATABASE_URL, poolSize: 1 });
  await sql`CREATE SCHEMA ${sql.id(schema)}`.execute(admin.db);
  const url = new URL(process.env.TEST_DATABASE_URL!);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return {
    url: url.toString(),
    async drop() {
      await sql`DROP SCHEMA ${sql.id(schema)} CASCADE`.execute(admin.db);
      await admin.close();
    },
  };
}
