// Whatever sequence of snapshots a source goes through, after each pull the store holds exactly
// the source's live records (no duplicates, deletes marked), and pulling the same snapshot again
// writes nothing.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from '../../src/domain/calendar-date.ts';
import type { Connector, ConnectorRecord, PullPage } from '../../src/connectors/connector.ts';
import { ConnectionRepository } from '../../src/connectors/connection-repository.ts';
import { runPull } from '../../src/connectors/pull.ts';
import { SessionRepository } from '../../src/store/session-repository.ts';
import { createTenant, drivers, startApp, type TestApp } from '../harness.ts';
import { sessionsFingerprint } from './pull-harness.ts';

type SourceRow = { sourceId: string; school: 0 | 1 | null; name: string; type: 'term' | 'semester' | 'gradingPeriod'; begin: number; length: number };

class SnapshotConnector implements Connector {
  constructor(private readonly records: ConnectorRecord[]) {}
  async *pages(): AsyncGenerator<PullPage, null, void> {
    for (let i = 0; i < this.records.length; i += 3) yield { records: this.records.slice(i, i + 3), resume: { i } };
    return null;
  }
}

describe.each(drivers())('merging pulled snapshots on %s', (driver) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp(driver);
  });
  afterAll(() => t.close());

  // Each source id keeps its school and year (so no two live records ever share a unique key);
  // its name suffix, type, dates and presence change from snapshot to snapshot.
  const row = (id: number): fc.Arbitrary<SourceRow> =>
    fc.record({
      sourceId: fc.constant(`src-${id}`),
      school: fc.constant<0 | 1 | null>(([0, 1, null] as const)[id % 3]!),
      name: fc.constantFrom('', ' (rev)', ' B').map((suffix) => `Session ${id}${suffix}`),
      type: fc.constantFrom('term' as const, 'semester' as const, 'gradingPeriod' as const),
      begin: fc.integer({ min: 0, max: 300 }),
      length: fc.integer({ min: 0, max: 120 }),
    });
  const snapshot: fc.Arbitrary<SourceRow[]> = fc
    .uniqueArray(fc.integer({ min: 0, max: 11 }), { maxLength: 10 })
    .chain((ids) => (ids.length === 0 ? fc.constant<SourceRow[]>([]) : fc.tuple(...ids.map(row)).map((rows) => [...rows])));

  it('mirrors every snapshot and re-pulls without writing', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(snapshot, { minLength: 1, maxLength: 4 }), async (snapshots) => {
        const tenant = await createTenant(t, { schools: 2 });
        const id = `merge-${tenant.tenantId}`;
        const connection = await new ConnectionRepository(t.store.db).add({ tenantId: tenant.tenantId, id, kind: 'canvas', url: 'http://source.invalid' }, null);
        const system = connection.identifierSystem;
        const records = (rows: SourceRow[]): ConnectorRecord[] => [
          ...rows.map((r): ConnectorRecord => ({
            kind: 'session',
            sourceId: r.sourceId,
            session: {
              school: r.school === null ? null : { schoolId: tenant.schools[r.school]!.schoolId },
              schoolYear: r.school === null ? null : 2026,
              name: r.name,
              type: r.type,
              beginDate: addDays('2025-08-01', r.begin),
              endDate: addDays('2025-08-01', r.begin + r.length),
              parentSourceId: null,
              termDescriptor: null,
              gradingPeriodDescriptor: r.type === 'gradingPeriod' ? 'uri://ed-fi.org/GradingPeriodDescriptor#First Six Weeks' : null,
              periodSequence: null,
              totalInstructionalDays: null,
              properties: {},
            },
          })),
          { kind: 'absentAreDeleted' },
        ];
        const repo = new SessionRepository(t.store.db);
        for (const rows of snapshots) {
          const first = await runPull(t.store, (await new ConnectionRepository(t.store.db).get(tenant.tenantId, id))!, new SnapshotConnector(records(rows)));
          expect(first.summary.failed).toBe(0);
          const all = (await repo.find(tenant.tenantId, { sort: [], page: { kind: 'all' } })).rows.filter((s) => system in s.identifiers);
          const live = all.filter((s) => s.status === 'active');
          expect(live.map((s) => s.identifiers[system]).sort()).toEqual(rows.map((r) => r.sourceId).sort());
          for (const r of rows) {
            const s = live.find((x) => x.identifiers[system] === r.sourceId)!;
            expect([s.name, s.type, s.beginDate, s.endDate, s.schoolOrgId]).toEqual([
              r.name,
              r.type,
              addDays('2025-08-01', r.begin),
              addDays('2025-08-01', r.begin + r.length),
              r.school === null ? null : tenant.schools[r.school]!.id,
            ]);
          }
          // Every source id ever pulled has exactly one session: nothing was duplicated.
          expect(new Set(all.map((s) => s.identifiers[system])).size).toBe(all.length);
          const before = await sessionsFingerprint(t, tenant.tenantId);
          const again = await runPull(t.store, (await new ConnectionRepository(t.store.db).get(tenant.tenantId, id))!, new SnapshotConnector(records(rows)));
          expect(again.summary).toMatchObject({ created: 0, updated: 0, deleted: 0, failed: 0, unchanged: rows.length });
          expect(await sessionsFingerprint(t, tenant.tenantId)).toBe(before);
        }
      }),
      { numRuns: 25 },
    );
  });
});
