// An app for the auth tests with the knobs the shared harness does not turn: a low rate limit,
// a tight failed-attempt policy, the admin key.
import type { FastifyInstance } from 'fastify';
import { ClientRepository } from '../../src/auth/client-repository.ts';
import { buildApp, type AppOptions } from '../../src/server.ts';
import type { Store } from '../../src/store/database.ts';
import { openTestStore, type Driver, type TestTenant } from '../harness.ts';

export interface AuthTestApp {
  app: FastifyInstance;
  store: Store;
  close(): Promise<void>;
}

export async function startAuthApp(driver: Driver, options: Omit<AppOptions, 'store'> = {}): Promise<AuthTestApp> {
  const store = await openTestStore(driver);
  const app = await buildApp({ store, ...options });
  await app.ready();
  return {
    app,
    store,
    async close() {
      await app.close();
      await store.close();
    },
  };
}

/** A client of the tenant with its secret, for token requests. */
export async function newClient(store: Store, tenant: Pick<TestTenant, 'tenantId'>, scopes: string[]) {
  const { client, secret } = await new ClientRepository(store.db).create(tenant.tenantId, 'auth test client', scopes);
  return { id: client.clientId, secret, basic: `Basic ${Buffer.from(`${client.clientId}:${secret}`).toString('base64')}` };
}

/** `/data/v3/ed-fi/x/:id` → a concrete URL: every path parameter gets `value`. */
export function concreteUrl(pattern: string, value = '0123456789abcdef0123456789abcdef'): string {
  return pattern.replace(/:[A-Za-z_][A-Za-z0-9_]*/g, value).replace(/\*$/, 'anything');
}
