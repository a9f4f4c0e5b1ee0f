// A second termbridge app listening on loopback: the "other system" a connector pulls from.
import type { AddressInfo } from 'node:net';
import { ClientRepository } from '../../src/auth/client-repository.ts';
import { startApp, type Driver, type TestApp } from '../harness.ts';

export interface SourceApp extends TestApp {
  url: string;
}

export async function startSourceApp(driver: Driver): Promise<SourceApp> {
  const t = await startApp(driver);
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  const port = (t.app.server.address() as AddressInfo).port;
  return { ...t, url: `http://127.0.0.1:${port}` };
}

/** An API client of the source tenant: what a district admin gives the connection. */
export async function sourceClient(t: TestApp, tenantId: string, scopes: string[]): Promise<{ clientId: string; secret: string }> {
  const { client, secret } = await new ClientRepository(t.store.db).create(tenantId, 'termbridge connector', scopes);
  return { clientId: client.clientId, secret };
}
