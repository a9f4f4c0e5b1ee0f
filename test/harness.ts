// Test set-up shared by every suite: an app on PGlite (always) and on PostgreSQL (when
// TEST_DATABASE_URL is set), tenants to isolate tests, and bearer tokens with chosen scopes.
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { ClientRepository } from '../src/auth/client-repository.ts';
import { buildApp } from '../src/server.ts';
import { openStore, type Store } from '../src/store/database.ts';
import { TenantRepository, type Org } from '../src/store/tenant-repository.ts';

export type Driver = 'pglite' | 'postgres';

/** The drivers this run tests: PGlite always, PostgreSQL when TEST_DATABASE_URL is set. */
export function drivers(): Driver[] {
  return process.env.TEST_DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];
}

export interface TestApp {
  app: FastifyInstance;
  store: Store;
  driver: Driver;
  close(): Promise<void>;
}

export async function openTestStore(driver: Driver): Promise<Store> {
  return driver === 'postgres'
    ? openStore({ databaseUrl: process.env.TEST_DATABASE_URL, poolSize: 5 })
    : openStore({ dataDir: 'memory://' });
}

export async function startApp(driver: Driver, options: { now?: () => Date } = {}): Promise<TestApp> {
  const store = await openTestStore(driver);
  const app = await buildApp({ store, ...(options.now ? { now: options.now } : {}) });
  await app.ready();
  return {
    app,
    store,
    driver,
    async close() {
      await app.close();
      await store.close();
    },
  };
}

export interface TestTenant {
  tenantId: string;
  districtId: string;
  schools: Org[];
  /** Authorization headers for a fresh client holding exactly these scopes. */
  auth(scopes: string[]): Promise<{ authorization: string }>;
}

let schoolCounter = Math.floor(Math.random() * 1_000_000) * 1000;

/** A new tenant with `schools` schools (Ed-Fi schoolIds unique within it) and school years. */
export async function createTenant(
  t: Pick<TestApp, 'store'>,
  options: { schools?: number; schoolYears?: number[]; name?: string } = {},
): Promise<TestTenant> {
  const tenantId = `t_${randomUUID().slice(0, 12)}`;
  const tenants = new TenantRepository(t.store.db);
  const tenant = await tenants.create({ tenantId, name: options.name ?? `District ${tenantId}` });
  for (const y of options.schoolYears ?? [2025, 2026]) await tenants.addSchoolYear(tenantId, y);
  const schools: Org[] = [];
  for (let i = 0; i < (options.schools ?? 2); i++)
    schools.push(await tenants.addSchool(tenantId, { name: `School ${i + 1}`, schoolId: 255_000_000 + (schoolCounter++ % 1_000_000) }));
  const clients = new ClientRepository(t.store.db);
  return {
    tenantId,
    districtId: tenant.districtId,
    schools,
    async auth(scopes) {
      const { client } = await clients.create(tenantId, 'test client', scopes);
      const { token } = await clients.issueToken(client, scopes);
      return { authorization: `Bearer ${token}` };
    },
  };
}
