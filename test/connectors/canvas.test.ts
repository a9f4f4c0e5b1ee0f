import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClientRepository } from '../../src/auth/client-repository.ts';
import { ALL_CANVAS_SCOPES } from '../../src/dialects/canvas/scopes.ts';
import { SourceError } from '../../src/connectors/source-client.ts';
import { SessionRepository } from '../../src/store/session-repository.ts';
import { createTenant, drivers, startApp, type TestApp } from '../harness.ts';
import { startFaultProxy, type FaultProxy } from './fault-proxy.ts';
import { addConnection, pull, sessionsFingerprint } from './pull-harness.ts';
import { startSourceApp, type SourceApp } from './source-app.ts';

describe.each(drivers())('Canvas connector against a live Canvas source on %s', (driver) => {
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

  async function setUp(count = 23) {
    proxy.faults.length = 0;
    const src = await createTenant(source, { schools: 0 });
    const repo = new SessionRepository(source.store.db);
    const terms = [];
    for (let i = 0; i < count; i++)
      terms.push(
        await repo.insert(src.tenantId, {
          schoolOrgId: null,
          schoolYear: null,
          name: `Term ${String(i).padStart(2, '0')}`,
          type: 'term',
          beginDate: `2025-${String((i % 12) + 1).padStart(2, '0')}-01`,
          endDate: `2025-${String((i % 12) + 1).padStart(2, '0')}-28`,
          parentId: null,
          termDescriptor: null,
          gradingPeriodDescriptor: null,
          periodSequence: null,
          totalInstructionalDays: null,
        }),
      );
    const clients = new ClientRepository(source.store.db);
    const { client } = await clients.create(src.tenantId, 'lms connector', ALL_CANVAS_SCOPES);
    const { token } = await clients.issueToken(client, ALL_CANVAS_SCOPES);
    const tgt = await createTenant(target, { schools: 0 });
    const id = `canvas-${tgt.tenantId}`;
    await addConnection(target, { tenantId: tgt.tenantId, id, kind: 'canvas', url: proxy.url, secret: token });
    return { src, tgt, id, terms, repo };
  }

  const liveTerms = async (tenantId: string) =>
    (await new SessionRepository(target.store.db).find(tenantId, { where: { field: 'status', op: 'eq', value: 'active' }, sort: [{ field: 'name', direction: 'asc' }], page: { kind: 'all' } })).rows.filter(
      (s) => !s.properties.canvasDefaultTerm,
    );

  it('follows Link rel="next" across pages, keeps the days, skips the default term, and re-pulls without writing', async () => {
    const { tgt, id, terms } = await setUp();
    const first = await pull(target, tgt.tenantId, id, { pageSize: 5 });
    expect(first.summary).toMatchObject({ created: 23, updated: 0, deleted: 0, failed: 0 });
    expect(first.pages).toBeGreaterThanOrEqual(5);
    const stored = await liveTerms(tgt.tenantId);
    expect(stored.map((s) => [s.name, s.beginDate, s.endDate])).toEqual(terms.map((t) => [t.name, t.beginDate, t.endDate]));
    expect(stored[0]!.identifiers).toEqual({ [`canvas@${id}`]: String(terms[0]!.canvasId) });
    const before = await sessionsFingerprint(target, tgt.tenantId);
    const again = await pull(target, tgt.tenantId, id, { pageSize: 5 });
    expect(again.summary).toMatchObject({ created: 0, updated: 0, deleted: 0, failed: 0, unchanged: 23 });
    expect(await sessionsFingerprint(target, tgt.tenantId)).toBe(before);
  });

  it('marks terms deleted at the source as deleted and applies renames to the same session', async () => {
    const { src, tgt, id, terms, repo } = await setUp(6);
    await pull(target, tgt.tenantId, id);
    const local = await liveTerms(tgt.tenantId);
    const base = (t: (typeof terms)[number]) => ({ ...t, identifiers: undefined, properties: undefined });
    await repo.markDeleted(src.tenantId, terms[0]!.id);
    await repo.update(src.tenantId, terms[1]!.id, { ...base(terms[1]!), name: 'Winter Term' });
    const second = await pull(target, tgt.tenantId, id);
    expect(second.summary).toMatchObject({ created: 0, updated: 1, deleted: 1, unchanged: 4, failed: 0 });
    const after = await new SessionRepository(target.store.db).get(tgt.tenantId, local.find((s) => s.name === 'Term 01')!.id);
    expect(after!.name).toBe('Winter Term');
    expect((await new SessionRepository(target.store.db).get(tgt.tenantId, local.find((s) => s.name === 'Term 00')!.id))!.status).toBe('deleted');
  });

  it('keeps two source terms with the same name as two sessions, adopting a local one first', async () => {
    const { src, tgt, id, repo, terms } = await setUp(1);
    await repo.insert(src.tenantId, { ...terms[0]!, id: undefined, identifiers: undefined, properties: undefined, beginDate: '2026-01-05', endDate: '2026-05-29' });
    const mine = await new SessionRepository(target.store.db).insert(tgt.tenantId, { ...terms[0]!, id: undefined, identifiers: undefined, properties: undefined });
    const first = await pull(target, tgt.tenantId, id);
    expect(first.summary).toMatchObject({ created: 1, updated: 1, failed: 0 });
    const again = await pull(target, tgt.tenantId, id);
    expect(again.summary).toMatchObject({ created: 0, updated: 0, unchanged: 2 });
    const named = (await liveTerms(tgt.tenantId)).filter((s) => s.name === 'Term 00');
    expect(named.map((s) => s.beginDate).sort()).toEqual(['2025-01-01', '2026-01-05']);
    expect(named.some((s) => s.id === mine.id)).toBe(true);
    void src;
  });

  it('retries a 429, and after a 500 mid-run leaves the store unchanged and resumes', async () => {
    const { tgt, id } = await setUp(12);
    proxy.faults.push({ match: (l) => l.includes('/terms?'), status: 429, headers: { 'retry-after': '0' }, times: 1 });
    let pages = 0;
    proxy.faults.push({ match: (l) => l.includes('/terms?') && l.includes('page=') && ++pages >= 2, status: 503, times: Infinity });
    const before = await sessionsFingerprint(target, tgt.tenantId);
    const err = (await pull(target, tgt.tenantId, id, { pageSize: 3 }).catch((e: unknown) => e)) as Error;
    expect(err).toBeInstanceOf(SourceError);
    expect(err.message).toMatch(new RegExp(`connection ${id}: HTTP 503`));
    expect(await sessionsFingerprint(target, tgt.tenantId)).toBe(before);
    proxy.faults.length = 0;
    const resumed = await pull(target, tgt.tenantId, id, { pageSize: 3 });
    expect(resumed.resumed).toBe(true);
    expect(resumed.summary).toMatchObject({ created: 12, failed: 0 });
    expect(await liveTerms(tgt.tenantId)).toHaveLength(12);
  });
});
