import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SessionRepository } from '../../src/store/session-repository.ts';
import { ConnectionRepository } from '../../src/connectors/connection-repository.ts';
import { SourceError } from '../../src/connectors/source-client.ts';
import { createTenant, drivers, startApp, type TestApp } from '../harness.ts';
import { startFaultProxy, type FaultProxy } from './fault-proxy.ts';
import { addConnection, pull, sessionsFingerprint } from './pull-harness.ts';
import { sourceClient, startSourceApp, type SourceApp } from './source-app.ts';

describe.each(drivers())('Ed-Fi connector against a live Ed-Fi source on %s', (driver) => {
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

  /** A source district with 2 schools, 23 sessions and 5 grading periods; a target district with none. */
  async function setUp() {
    proxy.faults.length = 0;
    const src = await createTenant(source, { schools: 2 });
    const repo = new SessionRepository(source.store.db);
    const sessions = [];
    for (let i = 0; i < 23; i++)
      sessions.push(
        await repo.insert(src.tenantId, {
          schoolOrgId: src.schools[i % 2]!.id,
          schoolYear: 2026,
          name: `Session ${String(i).padStart(2, '0')}`,
          type: i % 3 === 0 ? 'semester' : 'quarter',
          beginDate: '2025-08-13',
          endDate: '2025-12-19',
          parentId: null,
          termDescriptor: i % 3 === 0 ? 'uri://ed-fi.org/TermDescriptor#Fall Semester' : 'uri://ed-fi.org/TermDescriptor#First Quarter',
          gradingPeriodDescriptor: null,
          periodSequence: null,
          totalInstructionalDays: 80 + i,
        }),
      );
    for (let i = 0; i < 5; i++)
      await repo.insert(src.tenantId, {
        schoolOrgId: src.schools[0]!.id,
        schoolYear: 2026,
        name: `GP ${i + 1}`,
        type: 'gradingPeriod',
        beginDate: `2025-0${i + 1}-01`,
        endDate: `2025-0${i + 1}-20`,
        parentId: null,
        termDescriptor: null,
        gradingPeriodDescriptor: 'uri://ed-fi.org/GradingPeriodDescriptor#First Six Weeks',
        periodSequence: i + 1,
        totalInstructionalDays: 15,
      });
    // The first session references the first two grading periods (Ed-Fi's SessionGradingPeriod).
    const gps = (await repo.find(src.tenantId, { where: { field: 'type', op: 'eq', value: 'gradingPeriod' }, sort: [{ field: 'name', direction: 'asc' }], page: { kind: 'all' } })).rows;
    await repo.setGradingPeriods(src.tenantId, sessions[0]!.id, [gps[0]!.id, gps[1]!.id]);
    const credentials = await sourceClient(source, src.tenantId, ['edfi:read']);
    const tgt = await createTenant(target, { schools: 0 });
    const id = `edfi-${tgt.tenantId}`;
    await addConnection(target, { tenantId: tgt.tenantId, id, kind: 'edfi', url: `${proxy.url}/data/v3`, clientId: credentials.clientId, secret: credentials.secret });
    return { src, tgt, id, sessions, repo };
  }

  it('pulls every page on the first run, then nothing changes on a re-read, and shows the source id through Edlink', async () => {
    const { src, tgt, id, sessions } = await setUp();
    const first = await pull(target, tgt.tenantId, id, { pageSize: 4 });
    expect(first.summary).toMatchObject({ created: 28, updated: 0, deleted: 0, failed: 0, schoolsCreated: 2 });
    expect(first.pages).toBeGreaterThan(8);
    const stored = await new SessionRepository(target.store.db).find(tgt.tenantId, { where: { field: 'status', op: 'eq', value: 'active' }, sort: [], page: { kind: 'all' } });
    expect(stored.rows.filter((s) => !s.properties.canvasDefaultTerm)).toHaveLength(28);
    const s0 = stored.rows.find((s) => s.name === 'Session 00')!;
    expect(s0).toMatchObject({ type: 'semester', schoolYear: 2026, beginDate: '2025-08-13', endDate: '2025-12-19', totalInstructionalDays: 80 });
    expect(s0.schoolId).toBe(src.schools[0]!.schoolId);
    const links = (await new SessionRepository(target.store.db).gradingPeriodsOf(tgt.tenantId, [s0.id])).get(s0.id) ?? [];
    expect(links.map((g) => g.name).sort()).toEqual(['GP 1', 'GP 2']);
    const edlink = await target.app.inject({ method: 'GET', url: `/api/v2/graph/sessions/${s0.id}`, headers: await tgt.auth(['edlink:read']) });
    expect(edlink.json().$data.identifiers).toContainEqual({ type: 'edfi_id', value: sessions[0]!.id.replace(/-/g, '') });

    // Incremental with no source change: nothing read, nothing written.
    const before = await sessionsFingerprint(target, tgt.tenantId);
    const again = await pull(target, tgt.tenantId, id, { pageSize: 4 });
    expect(again.summary).toMatchObject({ created: 0, updated: 0, deleted: 0, failed: 0 });
    expect(await sessionsFingerprint(target, tgt.tenantId)).toBe(before);

    // A full re-read (state forgotten) compares before writing: all unchanged, still nothing written.
    await target.store.db.updateTable('connections').set({ state: null }).where('id', '=', id).execute();
    const reread = await pull(target, tgt.tenantId, id, { pageSize: 50 });
    expect(reread.summary).toMatchObject({ created: 0, updated: 0, deleted: 0, failed: 0, unchanged: 28 });
    expect(await sessionsFingerprint(target, tgt.tenantId)).toBe(before);

    // A source whose newest change version is below the last one seen was restored: read it all again.
    await target.store.db.updateTable('connections').set({ state: JSON.stringify({ changeVersion: 1e12 }) }).where('id', '=', id).execute();
    expect((await new ConnectionRepository(target.store.db).get(tgt.tenantId, id))!.state).toEqual({ changeVersion: 1e12 });
    const restored = await pull(target, tgt.tenantId, id, { pageSize: 50 });
    expect(restored.summary).toMatchObject({ created: 0, updated: 0, deleted: 0, failed: 0, unchanged: 28 });
    expect(await sessionsFingerprint(target, tgt.tenantId)).toBe(before);
  });

  it('applies key changes, updates and deletes from change queries without re-creating anything', async () => {
    const { src, tgt, id, sessions, repo } = await setUp();
    await pull(target, tgt.tenantId, id, { pageSize: 10 });
    const local = new SessionRepository(target.store.db);
    const system = (await new ConnectionRepository(target.store.db).get(tgt.tenantId, id))!.identifierSystem;
    const renamedLocal = (await local.getByIdentifier(tgt.tenantId, system, sessions[1]!.id.replace(/-/g, '')))!;

    const base = (s: (typeof sessions)[number]) => ({ ...s, identifiers: undefined, properties: undefined });
    await repo.update(src.tenantId, sessions[1]!.id, { ...base(sessions[1]!), name: 'Renamed Quarter' });
    await repo.update(src.tenantId, sessions[2]!.id, { ...base(sessions[2]!), endDate: '2025-12-12' });
    await repo.markDeleted(src.tenantId, sessions[3]!.id);
    await repo.insert(src.tenantId, { ...base(sessions[4]!), id: undefined, name: 'Brand New' });

    const second = await pull(target, tgt.tenantId, id, { pageSize: 10 });
    expect(second.summary).toMatchObject({ created: 1, deleted: 1, failed: 0 });
    expect(second.summary.updated).toBeGreaterThanOrEqual(2);
    const renamed = (await local.get(tgt.tenantId, renamedLocal.id))!;
    expect(renamed.name).toBe('Renamed Quarter');
    const gone = (await local.getByIdentifier(tgt.tenantId, system, sessions[3]!.id.replace(/-/g, '')))!;
    expect(gone.status).toBe('deleted');
    expect((await local.getByIdentifier(tgt.tenantId, system, sessions[2]!.id.replace(/-/g, '')))!.endDate).toBe('2025-12-12');
    const all = await local.find(tgt.tenantId, { sort: [], page: { kind: 'all' } });
    expect(all.rows).toHaveLength(1 + 28 + 1); // default term + first pull + Brand New: nothing duplicated
    expect(all.rows.filter((s) => s.name === 'Session 01')).toHaveLength(0);

    // Deleted and re-created under the same natural key (a new Ed-Fi id; the ODS does not report
    // that delete): the natural key is the identity, so the session passes to the new item.
    const before5 = (await local.getByIdentifier(tgt.tenantId, system, sessions[5]!.id.replace(/-/g, '')))!;
    await repo.markDeleted(src.tenantId, sessions[5]!.id);
    const recreated = await repo.insert(src.tenantId, { ...base(sessions[5]!), id: undefined, totalInstructionalDays: 99 });
    const third = await pull(target, tgt.tenantId, id, { pageSize: 10 });
    expect(third.summary).toMatchObject({ created: 0, updated: 1, failed: 0 });
    const new5 = (await local.getByIdentifier(tgt.tenantId, system, recreated.id.replace(/-/g, '')))!;
    expect(new5).toMatchObject({ id: before5.id, status: 'active', name: sessions[5]!.name, totalInstructionalDays: 99 });
    expect(await local.getByIdentifier(tgt.tenantId, system, sessions[5]!.id.replace(/-/g, ''))).toBeNull();
  });

  it('retries a 429 (honouring Retry-After) and refreshes the token once on a 401', async () => {
    const { tgt, id } = await setUp();
    proxy.faults.push({ match: (l) => l.includes('/ed-fi/sessions?'), status: 429, headers: { 'retry-after': '0' }, times: 1 });
    proxy.faults.push({ match: (l) => l.includes('/ed-fi/gradingPeriods?'), status: 401, times: 1 });
    const tokenCalls = () => proxy.log.filter((l) => l.startsWith('POST /oauth/token')).length;
    const tokensBefore = tokenCalls();
    const result = await pull(target, tgt.tenantId, id, { pageSize: 100 });
    expect(result.summary).toMatchObject({ created: 28, failed: 0 });
    expect(result.requests!.retries).toBe(1);
    expect(tokenCalls() - tokensBefore).toBe(2);
  });

  it('leaves the store unchanged when a page fails mid-run, names the connection and URL, and resumes', async () => {
    const { tgt, id } = await setUp();
    const before = await sessionsFingerprint(target, tgt.tenantId);
    let sessionPages = 0;
    proxy.faults.push({ match: (l) => l.includes('/ed-fi/sessions?pageToken') && ++sessionPages >= 2, status: 500, times: Infinity });
    const failed = await pull(target, tgt.tenantId, id, { pageSize: 5 }).catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(SourceError);
    expect((failed as Error).message).toContain(`connection ${id}`);
    expect((failed as Error).message).toMatch(/HTTP 500.*\(http:\/\/127\.0\.0\.1:\d+\/data\/v3\/ed-fi\/sessions\?pageToken=/);
    expect(await sessionsFingerprint(target, tgt.tenantId)).toBe(before);
    const checkpoint = await new ConnectionRepository(target.store.db).checkpoint(tgt.tenantId, id);
    expect(checkpoint?.pages).toBeGreaterThan(1);

    proxy.faults.length = 0;
    const served = proxy.log.length;
    const resumed = await pull(target, tgt.tenantId, id, { pageSize: 5 });
    expect(resumed.resumed).toBe(true);
    expect(resumed.summary).toMatchObject({ created: 28, failed: 0, schoolsCreated: 2 });
    // It went on from the checkpoint: the schools and the first session pages were not read again.
    expect(proxy.log.slice(served).some((l) => l.includes('/ed-fi/schools'))).toBe(false);
  });

  it('retries a request the source never answers once the timeout passes', async () => {
    const { tgt, id } = await setUp();
    proxy.faults.push({ match: (l) => l.includes('/ed-fi/gradingPeriods?'), status: 200, hang: true, times: 1 });
    const result = await pull(target, tgt.tenantId, id, { pageSize: 100, client: { timeoutMs: 300 } });
    expect(result.summary).toMatchObject({ created: 28, failed: 0 });
    expect(result.requests!.retries).toBe(1);
  });

  it('fails clearly on a refused credential', async () => {
    const { tgt, id } = await setUp();
    proxy.faults.push({ match: (l) => l.startsWith('POST /oauth/token'), status: 401, body: JSON.stringify({ error: 'invalid_client' }), times: 1 });
    const err = (await pull(target, tgt.tenantId, id).catch((e: unknown) => e)) as Error;
    expect(err.message).toMatch(new RegExp(`connection ${id}: token request refused with HTTP 401.*invalid_client.*\\(http://127.0.0.1:\\d+/oauth/token\\)`));
  });
});
