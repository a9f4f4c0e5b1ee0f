// Resuming never merges a record twice: a connector that finished reading reads nothing more,
// and one that cannot resume starts over on a clean stage.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CanvasConnector } from '../../src/connectors/canvas.ts';
import type { Connector, ConnectorRecord, PullPage } from '../../src/connectors/connector.ts';
import { ConnectionRepository } from '../../src/connectors/connection-repository.ts';
import { runPull } from '../../src/connectors/pull.ts';
import type { SourceClient } from '../../src/connectors/source-client.ts';
import { createTenant, drivers, startApp, type TestApp } from '../harness.ts';

const term = (sourceId: string): ConnectorRecord => ({
  kind: 'session',
  sourceId,
  session: {
    school: null, schoolYear: null, name: `Term ${sourceId}`, type: 'term', beginDate: '2025-08-01', endDate: '2025-12-19',
    parentSourceId: null, termDescriptor: null, gradingPeriodDescriptor: null, periodSequence: null, totalInstructionalDays: null, properties: {},
  },
});

class FromStart implements Connector {
  async *pages(): AsyncGenerator<PullPage, null, void> {
    yield { records: [term('a'), term('b')], resume: null };
    return null;
  }
}

describe('Canvas connector resuming after its last page', () => {
  it('reads nothing more', async () => {
    const client = { getJson: async () => { throw new Error('no request expected'); } } as unknown as SourceClient;
    const pager = new CanvasConnector(client, 'http://canvas.invalid', 'UTC').pages(null, { next: null });
    expect(await pager.next()).toEqual({ done: true, value: null });
  });
});

describe.each(drivers())('a pull that cannot resume on %s', (driver) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp(driver);
  });
  afterAll(() => t.close());

  it('drops what an interrupted run staged instead of merging it twice', async () => {
    const tenant = await createTenant(t, { schools: 0 });
    const repo = new ConnectionRepository(t.store.db);
    const connection = await repo.add({ tenantId: tenant.tenantId, id: `start-${tenant.tenantId}`, kind: 'oneroster-csv', url: '/nowhere' }, null);
    await repo.stagePage(tenant.tenantId, connection.id, [term('a'), term('b')], null); // an interrupted run's page
    const result = await runPull(t.store, connection, new FromStart());
    expect(result.resumed).toBe(false);
    expect(result.summary).toMatchObject({ created: 2, unchanged: 0, failed: 0 });
    expect(await repo.stagedRecords(tenant.tenantId, connection.id)).toEqual([]);
  });
});
