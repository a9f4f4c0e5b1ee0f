import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROSTER_CORE_READONLY, ROSTER_READONLY } from '../../src/dialects/oneroster/scopes.ts';
import { SourceError } from '../../src/connectors/source-client.ts';
import { SessionRepository } from '../../src/store/session-repository.ts';
import { createTenant, drivers, startApp, type TestApp } from '../harness.ts';
import { startFaultProxy, type FaultProxy } from './fault-proxy.ts';
import { addConnection, pull, sessionsFingerprint } from './pull-harness.ts';
import { sourceClient, startSourceApp, type SourceApp } from './source-app.ts';

describe.each(drivers())('OneRoster REST connector against a live OneRoster source on %s', (driver) => {
  let source: SourceApp;
  let target: TestApp;
  let proxy: FaultProxy;
  beforeAll(async () => {
    source = await startSourceApp(driver);
    target = await startApp(driver);
    proxy = await startFaultProxy(source.url);
  });
  afterAll(async () => {
    await proxy.close();
    await source.close();
    await target.close();
  });

  async function setUp(count: number, scopes = [ROSTER_READONLY, ROSTER_CORE_READONLY]) {
    proxy.faults.length = 0;
    const src = await createTenant(source, { schools: 0 });
    const repo = new SessionRepository(source.store.db);
    const year = await repo.insert(src.tenantId, {
      schoolOrgId: null, schoolYear: 2026, name: 'SY 2025-26', type: 'schoolYear', beginDate: '2025-08-01', endDate: '2026-06-30',
      parentId: null, termDescriptor: null, gradingPeriodDescriptor: null, periodSequence: null, totalInstructionalDays: 175,
    });
    const terms = [];
    for (let i = 0; i < count; i++)
      terms.push(
        await repo.insert(src.tenantId, {
          schoolOrgId: null,
          schoolYear: 2026,
          name: `Quarter ${String(i).padStart(2, '0')}`,
          type: 'quarter',
          beginDate: '2025-08-13',
          endDate: '2025-10-17',
          parentId: year.id,
          termDescriptor: null,
          gradingPeriodDescriptor: null,
          periodSequence: null,
          totalInstructionalDays: 45,
        }),
      );
    const credentials = await sourceClient(source, src.tenantId, scopes);
    const tgt = await createTenant(target, { schools: 0 });
    const id = `or-${tgt.tenantId}`;
    await addConnection(target, { tenantId: tgt.tenantId, id, kind: 'oneroster-rest', url: proxy.url, clientId: credentials.clientId, secret: credentials.secret });
    return { src, tgt, id, terms, year, repo };
  }

  const live = async (tenantId: string) =>
    (await new SessionRepository(target.store.db).find(tenantId, { where: { field: 'status', op: 'eq', value: 'active' }, sort: [{ field: 'name', direction: 'asc' }], page: { kind: 'all' } })).rows.filter(
      (s) => !s.properties.canvasDefaultTerm,
    );

  it('pages through academicSessions, converts the exclusive endDate and the ext: type, links parents, and re-pulls only what changed', async () => {
    const { src, tgt, id, terms, year, repo } = await setUp(17);
    const first = await pull(target, tgt.tenantId, id, { pageSize: 4 });
    expect(first.summary).toMatchObject({ created: 18, updated: 0, failed: 0 });
    expect(first.pages).toBeGreaterThanOrEqual(5);
    const stored = await live(tgt.tenantId);
    const q0 = stored.find((s) => s.name === 'Quarter 00')!;
    const sy = stored.find((s) => s.type === 'schoolYear')!;
    expect(q0).toMatchObject({ type: 'quarter', beginDate: '2025-08-13', endDate: '2025-10-17', schoolYear: 2026, totalInstructionalDays: 45, parentId: sy.id });
    expect(q0.identifiers).toEqual({ [`oneroster@${id}`]: terms[0]!.id });
    expect(sy.identifiers[`oneroster@${id}`]).toBe(year.id);

    const before = await sessionsFingerprint(target, tgt.tenantId);
    const again = await pull(target, tgt.tenantId, id, { pageSize: 4 });
    expect(again.summary).toMatchObject({ created: 0, updated: 0, deleted: 0, failed: 0 });
    expect(again.records).toBeLessThan(18); // only the boundary of dateLastModified is re-read
    expect(await sessionsFingerprint(target, tgt.tenantId)).toBe(before);

    const base = (t: (typeof terms)[number]) => ({ ...t, identifiers: undefined, properties: undefined });
    await repo.update(src.tenantId, terms[3]!.id, { ...base(terms[3]!), name: 'Quarter Three', endDate: '2025-10-10' });
    await repo.markDeleted(src.tenantId, terms[4]!.id);
    const third = await pull(target, tgt.tenantId, id, { pageSize: 4 });
    expect(third.summary).toMatchObject({ created: 0, updated: 1, deleted: 1, failed: 0 });
    expect(third.records).toBeLessThan(6);
    const renamed = (await live(tgt.tenantId)).find((s) => s.identifiers[`oneroster@${id}`] === terms[3]!.id)!;
    expect(renamed).toMatchObject({ name: 'Quarter Three', endDate: '2025-10-10' });
    expect((await live(tgt.tenantId)).some((s) => s.identifiers[`oneroster@${id}`] === terms[4]!.id)).toBe(false);
    expect(await live(tgt.tenantId)).toHaveLength(17);
  });

  it('falls back to the broader read scope when the client does not hold roster-core.readonly', async () => {
    const { tgt, id } = await setUp(2, [ROSTER_READONLY]);
    const before = proxy.log.length;
    const result = await pull(target, tgt.tenantId, id);
    expect(result.summary).toMatchObject({ created: 3, failed: 0 });
    // roster-core.readonly refused (invalid_scope), then roster.readonly granted.
    expect(proxy.log.slice(before).filter((l) => l.startsWith('POST /oauth/token'))).toHaveLength(2);
  });

  it('matches an existing session by natural key instead of duplicating it', async () => {
    const { tgt, id } = await setUp(2);
    const mine = await new SessionRepository(target.store.db).insert(tgt.tenantId, {
      schoolOrgId: null, schoolYear: 2026, name: 'Quarter 01', type: 'quarter', beginDate: '2025-08-13', endDate: '2025-10-17',
      parentId: null, termDescriptor: null, gradingPeriodDescriptor: null, periodSequence: null, totalInstructionalDays: 45,
    });
    const result = await pull(target, tgt.tenantId, id);
    expect(result.summary).toMatchObject({ created: 2, updated: 1, failed: 0 });
    const after = await new SessionRepository(target.store.db).get(tgt.tenantId, mine.id);
    expect(Object.keys(after!.identifiers)).toEqual([`oneroster@${id}`]);
    expect((await live(tgt.tenantId)).filter((s) => s.name === 'Quarter 01')).toHaveLength(1);
  });

  it('retries a 429 on the token endpoint and a 500, and resumes after a failure mid-run without changing the store', async () => {
    const { tgt, id } = await setUp(10);
    proxy.faults.push({ match: (l) => l.startsWith('POST /oauth/token'), status: 429, headers: { 'retry-after': '0' }, times: 1 });
    proxy.faults.push({ match: (l) => l.includes('/academicSessions?') && l.includes('offset=0'), status: 500, times: 1 });
    let n = 0;
    proxy.faults.push({ match: (l) => l.includes('/academicSessions?') && ++n >= 3, status: 500, times: Infinity });
    const before = await sessionsFingerprint(target, tgt.tenantId);
    const err = (await pull(target, tgt.tenantId, id, { pageSize: 3 }).catch((e: unknown) => e)) as Error;
    expect(err).toBeInstanceOf(SourceError);
    expect(err.message).toContain('/ims/oneroster/rostering/v1p2/academicSessions?limit=3&offset=');
    expect(await sessionsFingerprint(target, tgt.tenantId)).toBe(before);
    proxy.faults.length = 0;
    const resumed = await pull(target, tgt.tenantId, id, { pageSize: 3 });
    expect(resumed.resumed).toBe(true);
    expect(resumed.summary).toMatchObject({ created: 11, failed: 0 });
  });
});
