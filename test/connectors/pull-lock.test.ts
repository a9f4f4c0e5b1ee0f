// On a PostgreSQL server two processes could pull one connection at once; only one may.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connector, PullPage } from '../../src/connectors/connector.ts';
import { ConnectionRepository } from '../../src/connectors/connection-repository.ts';
import { PullInProgressError, runPull } from '../../src/connectors/pull.ts';
import { createTenant, startApp, type TestApp } from '../harness.ts';

class GatedConnector implements Connector {
  open!: () => void;
  readonly gate = new Promise<void>((resolve) => (this.open = resolve));
  async *pages(): AsyncGenerator<PullPage, null, void> {
    await this.gate;
    yield { records: [], resume: null };
    return null;
  }
}

describe.skipIf(!process.env.TEST_DATABASE_URL)('pulling one connection twice at once on postgres', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp('postgres');
  });
  afterAll(() => t?.close());

  it('refuses the second pull while the first runs, and allows it afterwards', async () => {
    const tenant = await createTenant(t, { schools: 0 });
    const connection = await new ConnectionRepository(t.store.db).add({ tenantId: tenant.tenantId, id: `lock-${tenant.tenantId}`, kind: 'canvas', url: 'http://source.invalid' }, null);
    const slow = new GatedConnector();
    const first = runPull(t.store, connection, slow);
    await new Promise((r) => setTimeout(r, 200));
    await expect(runPull(t.store, connection, new GatedConnector())).rejects.toBeInstanceOf(PullInProgressError);
    slow.open();
    await first;
    const again = new GatedConnector();
    again.open();
    await expect(runPull(t.store, connection, again)).resolves.toMatchObject({ pages: 1 });
  });
});
