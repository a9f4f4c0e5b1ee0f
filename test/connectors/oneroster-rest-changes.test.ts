// The OneRoster REST connector's position while the source changes under a pull: sessions
// changed between two of its pages — one not read yet whose sourcedId sorts first, one already
// read, one whose sourcedId sorts last — must all reach the pull or the next one. Paging by
// offset in sourcedId order lost the first (it slipped in before the offset, and the checkpoint
// moved past its time on the strength of the last one).
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectorRecord } from '../../src/connectors/connector.ts';
import { ONEROSTER_READ_SCOPES } from '../../src/connectors/connector-for.ts';
import { OneRosterRestConnector, type OneRosterState } from '../../src/connectors/oneroster-rest.ts';
import { SourceClient } from '../../src/connectors/source-client.ts';
import { ROSTER_CORE_READONLY } from '../../src/dialects/oneroster/scopes.ts';
import type { SessionInput } from '../../src/domain/session.ts';
import { SessionRepository, type SessionWithSeq } from '../../src/store/session-repository.ts';
import { createTenant, drivers } from '../harness.ts';
import { sourceClient, startSourceApp, type SourceApp } from './source-app.ts';

describe.each(drivers())('OneRoster REST connector while the source changes, on %s', (driver) => {
  let source: SourceApp;
  beforeAll(async () => {
    source = await startSourceApp(driver);
  });
  afterAll(() => source.close());

  const quarter = (name: string, days: number): SessionInput => ({
    schoolOrgId: null, schoolYear: 2026, name, type: 'quarter', beginDate: '2025-08-13', endDate: '2025-10-17',
    parentId: null, termDescriptor: null, gradingPeriodDescriptor: null, periodSequence: null, totalInstructionalDays: days,
  });

  it('delivers every session changed while it pages, and its next position does not pass any of them', async () => {
    const tenant = await createTenant(source, { schools: 0 });
    const repo = new SessionRepository(source.store.db);
    const sessions: SessionWithSeq[] = [];
    for (let i = 0; i < 14; i++) sessions.push(await repo.insert(tenant.tenantId, quarter(`Q${i}`, 45)));
    const credentials = await sourceClient(source, tenant.tenantId, [ROSTER_CORE_READONLY]);
    const client = new SourceClient({
      connectionId: 'changes',
      auth: { clientCredentials: { tokenUrl: `${source.url}/oauth/token`, clientId: credentials.clientId, clientSecret: credentials.secret, scope: ONEROSTER_READ_SCOPES } },
      baseDelayMs: 1,
    });
    const connector = new OneRosterRestConnector(client, source.url, 4);
    const change = async (s: SessionWithSeq, days: number) => {
      await sleep(2); // each change in a millisecond of its own, as writes spread over time are
      await repo.update(tenant.tenantId, s.id, quarter(s.name, days));
    };

    /** One pull; `between` runs after its first page of sessions. */
    async function pullOnce(state: OneRosterState | null, between: () => Promise<void>): Promise<{ records: ConnectorRecord[]; state: OneRosterState }> {
      const pages = connector.pages(state, null);
      const records: ConnectorRecord[] = [];
      let sessionPages = 0;
      for (;;) {
        const next = await pages.next();
        if (next.done) return { records, state: next.value };
        records.push(...next.value.records);
        if (next.value.records.length > 0 && ++sessionPages === 1) await between();
      }
    }
    const days = (records: ConnectorRecord[]) => new Map(records.flatMap((r) => (r.kind === 'session' ? [[r.sourceId, r.session.totalInstructionalDays] as const] : [])));

    const first = await pullOnce(null, async () => {});
    expect(days(first.records).size).toBe(14);

    // Nine changes for the next pull to page through, then three more while it pages.
    const bySourcedId = [...sessions].sort((a, b) => (a.id < b.id ? -1 : 1));
    const [firstId, lastId] = [bySourcedId[0]!, bySourcedId.at(-1)!];
    const middle = bySourcedId.slice(1, -1);
    for (const s of middle.slice(0, 9)) await change(s, 50);
    const second = await pullOnce(first.state, async () => {
      await change(firstId, 60);
      await change(middle[0]!, 60); // already read: it moves behind the pages still to come
      await change(lastId, 60);
    });
    const third = await pullOnce(second.state, async () => {});
    const seen = new Map([...days(second.records), ...days(third.records)]);
    const missed = [firstId, middle[0]!, lastId, ...middle.slice(1, 9)].filter((s) => seen.get(s.id) === undefined || seen.get(s.id) === 45);
    expect(missed.map((s) => s.name)).toEqual([]);
    expect(seen.get(firstId.id)).toBe(60);
    expect(seen.get(middle[0]!.id)).toBe(60);
    expect(seen.get(lastId.id)).toBe(60);
  });
});
