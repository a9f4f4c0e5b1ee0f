// The sync end to end: SIS rows in through /sis/v1, the worker, and a second termbridge app
// as the state's Ed-Fi ODS on a real loopback port (OAuth2 client credentials).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enqueueDirty, enqueuePlan } from '../../src/sync/sync-planning.ts';
import { claimOps, outboxCounts, pruneOutbox } from '../../src/sync/outbox.ts';
import { sql } from 'kysely';
import { EdfiClient } from '../../src/sync/edfi-client.ts';
import { checkTarget } from '../../src/sync/target-check.ts';
import { routeTargets } from '../../src/sync/target-router.ts';
import { getTargets, setTarget } from '../../src/sync/target-repository.ts';
import { ClientRepository } from '../../src/auth/client-repository.ts';
import { TenantRepository } from '../../src/store/tenant-repository.ts';
import { createTenant, drivers } from '../harness.ts';
import { drainOutbox } from '../../src/sync/worker.ts';
import { resync } from '../../src/sync/resync.ts';
import { enqueueSchoolDelete, planSchoolDelete } from '../../src/sync/school-delete.ts';
import { districtUpload, newPair, startSyncRig, type SyncPair, type SyncRig } from './sync-rig.ts';

const FAST = { backoffBaseMs: 20, backoffCapMs: 200, deadlineMs: 30_000 };

describe.each(drivers())('SIS -> Ed-Fi sync end to end on %s', (driver) => {
  let rig: SyncRig;
  beforeAll(async () => {
    rig = await startSyncRig(driver);
  });
  afterAll(() => rig.close());

  async function loaded(): Promise<SyncPair & { hs: number; el: number }> {
    const pair = await newPair(rig);
    const [hs, el] = pair.ods.schools.map((s) => s.schoolId!) as [number, number];
    const res = await rig.source.app.inject({ method: 'POST', url: '/sis/v1/uploads', headers: pair.sisHeaders, payload: districtUpload([hs, el]) });
    expect(res.statusCode).toBe(200);
    return { ...pair, hs, el };
  }
  const sis = (pair: SyncPair, method: 'PUT' | 'DELETE', url: string, payload?: object) =>
    rig.source.app.inject({ method, url, headers: pair.sisHeaders, ...(payload ? { payload } : {}) });
  const db = () => rig.source.store.db;

  it('initial sync: school years, grading periods and sessions arrive with the Kansas names, dates and days; a second run sends nothing', async () => {
    const p = await loaded();
    const client = p.newClient();
    const planned = await enqueueDirty(db(), p.district.tenantId);
    expect(planned.ops).toBe(6); // 1 school year, 2 grading periods, 3 sessions
    const stats = await drainOutbox(db(), p.district.tenantId, client, FAST);
    expect(stats).toMatchObject({ sent: 6, failed: 0, blocked: 0 });
    const sessions = await p.odsGet(`/data/v3/ed-fi/sessions?schoolId=${p.hs}`);
    expect(sessions.map((s: any) => s.sessionName).sort()).toEqual(['2026 First Semester', '2026 Second Semester']);
    const fall = sessions.find((s: any) => s.sessionName === '2026 First Semester');
    expect(fall).toMatchObject({
      schoolReference: { schoolId: p.hs },
      schoolYearTypeReference: { schoolYear: 2026 },
      beginDate: '2025-08-20',
      endDate: '2025-12-19',
      termDescriptor: 'uri://ed-fi.org/TermDescriptor#Fall Semester',
      totalInstructionalDays: 88,
    });
    expect(fall.gradingPeriods.map((g: any) => g.gradingPeriodReference.gradingPeriodName).sort()).toEqual(['First Six Weeks', 'Second Six Weeks']);
    expect((await p.odsGet(`/data/v3/ed-fi/sessions?schoolId=${p.el}`)).map((s: any) => s.sessionName)).toEqual(['2026 School Year']);
    expect((await enqueuePlan(db(), p.district.tenantId, { mode: 'incremental', schools: null })).ops).toBe(0);
    expect(client.tokenRequests).toBe(1);
  });

  async function synced() {
    const p = await loaded();
    const client = p.newClient();
    await enqueueDirty(db(), p.district.tenantId);
    expect(await drainOutbox(db(), p.district.tenantId, client, FAST)).toMatchObject({ failed: 0, blocked: 0 });
    return { ...p, client };
  }
  const sync = async (p: SyncPair & { client: ReturnType<SyncPair['newClient']> }) => {
    const planned = await enqueueDirty(db(), p.district.tenantId);
    const stats = await drainOutbox(db(), p.district.tenantId, p.client, FAST);
    return { planned: planned.ops, ...stats };
  };

  it('pruning drops sent operations older than the kept days and nothing else', async () => {
    const p = await synced();
    expect(await pruneOutbox(db(), p.district.tenantId, 7)).toBe(0);
    await sql`UPDATE sync_outbox SET updated_at = now() - interval '8 days' WHERE tenant_id = ${p.district.tenantId}`.execute(db());
    expect(await pruneOutbox(db(), p.district.tenantId, 7)).toBe(6);
    expect(await outboxCounts(db(), p.district.tenantId)).toMatchObject({ sent: 0, pending: 0 });
    expect((await enqueuePlan(db(), p.district.tenantId, { mode: 'incremental', schools: null })).ops).toBe(0); // the identity map is untouched
  });

  it('a term date change is sent as exactly one PUT', async () => {
    const p = await synced();
    const before = (await p.odsGet(`/data/v3/ed-fi/sessions?schoolId=${p.hs}&sessionName=2026 Second Semester`))[0];
    const mark = rig.proxy.log.length;
    expect((await sis(p, 'PUT', '/sis/v1/terms/hs-s2', { calendarId: 'hs', name: 'Semester 2', termTypeCode: 'S2', startDate: '2026-01-05', endDate: '2026-05-29' })).statusCode).toBe(200);
    expect(await sync(p)).toMatchObject({ planned: 1, sent: 1 });
    const writes = rig.proxy.log.slice(mark);
    expect(writes.map((w) => `${w.method} ${w.path.replace(/[0-9a-f]{32}$/, ':id')}`)).toEqual(['PUT /data/v3/ed-fi/sessions/:id']);
    const after = (await p.odsGet(`/data/v3/ed-fi/sessions?schoolId=${p.hs}&sessionName=2026 Second Semester`))[0];
    expect(after.id).toBe(before.id);
    expect(after.endDate).toBe('2026-05-29');
  });

  it('a new session name is one key-change PUT: same Ed-Fi id, new name, a keyChanges row', async () => {
    const p = await synced();
    const before = (await p.odsGet(`/data/v3/ed-fi/sessions?schoolId=${p.hs}&sessionName=2026 First Semester`))[0];
    const mark = rig.proxy.log.length;
    await sis(p, 'PUT', '/sis/v1/terms/hs-s1', { calendarId: 'hs', name: 'Q1', termTypeCode: 'Q1', startDate: '2025-08-20', endDate: '2025-10-17' });
    expect(await sync(p)).toMatchObject({ planned: 1, sent: 1, failed: 0 });
    expect(rig.proxy.log.slice(mark).map((w) => w.method)).toEqual(['PUT']);
    const renamed = await p.odsGet(`/data/v3/ed-fi/sessions?schoolId=${p.hs}&sessionName=2026 Quarter 1`);
    expect(renamed).toHaveLength(1);
    expect(renamed[0]).toMatchObject({ id: before.id, termDescriptor: 'uri://ed-fi.org/TermDescriptor#First Quarter', endDate: '2025-10-17' });
    expect(renamed[0].gradingPeriods.map((g: any) => g.gradingPeriodReference.gradingPeriodName)).toEqual(['First Six Weeks']);
    expect(await p.odsGet(`/data/v3/ed-fi/sessions?schoolId=${p.hs}&sessionName=2026 First Semester`)).toEqual([]);
    const keyChanges = await p.odsGet('/data/v3/ed-fi/sessions/keyChanges');
    expect(keyChanges).toEqual([expect.objectContaining({ id: before.id, oldKeyValues: expect.objectContaining({ sessionName: '2026 First Semester' }), newKeyValues: expect.objectContaining({ sessionName: '2026 Quarter 1' }) })]);
  });

  it('a target that refuses key changes gets delete + post of the renamed session instead', async () => {
    const p = await synced();
    const before = (await p.odsGet(`/data/v3/ed-fi/sessions?schoolId=${p.el}`))[0];
    rig.proxy.faults = ['key-change-not-supported'];
    const mark = rig.proxy.log.length;
    await sis(p, 'PUT', '/sis/v1/terms/el-yr', { calendarId: 'el', name: 'Year', termTypeCode: 'S1', startDate: '2025-08-20', endDate: '2026-05-22' });
    expect(await sync(p)).toMatchObject({ planned: 1, sent: 1, failed: 0 });
    expect(rig.proxy.log.slice(mark).map((w) => w.method)).toEqual(['DELETE', 'POST']);
    const after = await p.odsGet(`/data/v3/ed-fi/sessions?schoolId=${p.el}`);
    expect(after.map((s: any) => s.sessionName)).toEqual(['2026 First Semester']);
    expect(after[0].id).not.toBe(before.id);
    expect((await enqueuePlan(db(), p.district.tenantId, { mode: 'incremental', schools: null })).ops).toBe(0);
  });

  it('a changed school id is a new school (seed 002): the sync sends it nothing, a resync posts it under the new id, the old id keeps its items until sync delete', async () => {
    const pair = await newPair(rig, 3);
    const [hs, el, renumbered] = pair.ods.schools.map((s) => s.schoolId!) as [number, number, number];
    expect((await rig.source.app.inject({ method: 'POST', url: '/sis/v1/uploads', headers: pair.sisHeaders, payload: districtUpload([hs, el]) })).statusCode).toBe(200);
    const p = { ...pair, client: pair.newClient() };
    expect(await sync(p)).toMatchObject({ planned: 6, sent: 6, failed: 0 });
    // The SIS renumbers the high school: its calendar and grading periods now belong to the new id.
    const upload = districtUpload([renumbered, el]);
    const moved = { ...upload, schools: [upload.schools[0]!], calendars: [upload.calendars[0]!], terms: [], calendarDays: [], termTypeMappings: [], syncYears: [] };
    expect((await rig.source.app.inject({ method: 'POST', url: '/sis/v1/uploads', headers: pair.sisHeaders, payload: moved })).statusCode).toBe(200);
    expect((await sis(p, 'DELETE', `/sis/v1/schools/${hs}`)).statusCode).toBe(204);
    const mark = rig.proxy.log.length;
    expect(await sync(p)).toMatchObject({ planned: 0, sent: 0, failed: 0 });
    expect(rig.proxy.log.slice(mark)).toEqual([]);
    const names = async (schoolId: number) => (await p.odsGet(`/data/v3/ed-fi/sessions?schoolId=${schoolId}`)).map((x: any) => x.sessionName).sort();
    const periods = async (schoolId: number) => (await p.odsGet(`/data/v3/ed-fi/gradingPeriods?schoolId=${schoolId}`)).length;
    expect(await names(hs)).toEqual(['2026 First Semester', '2026 Second Semester']);
    expect(await names(renumbered)).toEqual([]);
    const status = async () => (await rig.source.app.inject({ method: 'GET', url: '/sis/v1/sync/status', headers: p.sisHeaders })).json();
    expect((await status()).schoolChanges).toEqual([expect.objectContaining({ oldSchoolId: hs, newSchoolId: renumbered, resyncedAt: null, itemsUnderOld: 4 })]);
    // Nothing again on the next run, and nothing after another SIS change of that school either.
    await sis(p, 'PUT', '/sis/v1/terms/hs-s2', { calendarId: 'hs', name: 'Semester 2', termTypeCode: 'S2', startDate: '2026-01-05', endDate: '2026-05-29' });
    expect(await sync(p)).toMatchObject({ planned: 0, sent: 0 });

    // A resync of the new id posts its sessions there; the old id's stay.
    const report = await resync(db(), p.district.tenantId, p.client, { schools: [renumbered] });
    expect(report.enqueued.ops).toBe(4);
    expect(await drainOutbox(db(), p.district.tenantId, p.client, FAST)).toMatchObject({ sent: 4, failed: 0 });
    expect(await names(renumbered)).toEqual(['2026 First Semester', '2026 Second Semester']);
    expect(await periods(renumbered)).toBe(2);
    expect(await names(hs)).toEqual(['2026 First Semester', '2026 Second Semester']);
    expect(await periods(hs)).toBe(2);
    expect((await status()).schoolChanges).toEqual([expect.objectContaining({ resyncedAt: expect.any(String), itemsUnderOld: 4 })]);
    expect((await enqueuePlan(db(), p.district.tenantId, { mode: 'incremental', schools: null })).ops).toBe(0);
    // A full resync does not delete them either.
    await resync(db(), p.district.tenantId, p.client, {});
    await drainOutbox(db(), p.district.tenantId, p.client, FAST);
    expect(await names(hs)).toHaveLength(2);

    // The delete tool: its plan first, then the deletes (sessions before the periods they list).
    await expect(planSchoolDelete(db(), p.district.tenantId, el)).rejects.toThrow(/still has SIS data that derives 1 item/);
    const plan = await planSchoolDelete(db(), p.district.tenantId, hs);
    expect(plan.map((o) => `${o.action} ${o.resource}`)).toEqual(['delete sessions', 'delete sessions', 'delete gradingPeriods', 'delete gradingPeriods']);
    expect(await names(hs)).toHaveLength(2); // a plan sends nothing
    expect(await enqueueSchoolDelete(db(), p.district.tenantId, hs)).toHaveLength(4);
    expect(await drainOutbox(db(), p.district.tenantId, p.client, FAST)).toMatchObject({ sent: 4, failed: 0 });
    expect(await names(hs)).toEqual([]);
    expect(await periods(hs)).toBe(0);
    expect(await names(renumbered)).toHaveLength(2);
    expect((await status()).schoolChanges).toEqual([expect.objectContaining({ itemsUnderOld: 0, deletedAt: expect.any(String) })]);
    expect((await enqueuePlan(db(), p.district.tenantId, { mode: 'incremental', schools: null })).ops).toBe(0);
  });

  it('operations claimed by a worker that died are taken over once its claim expires', async () => {
    const p = await loaded();
    await enqueueDirty(db(), p.district.tenantId);
    const dead = await claimOps(db(), p.district.tenantId, 'dead-worker', 10, 0.2);
    expect(dead.map((o) => o.resource)).toEqual(['schoolYearTypes']); // only rank 0 is ready
    expect(await drainOutbox(db(), p.district.tenantId, p.newClient(), FAST)).toMatchObject({ sent: 6, failed: 0 });
  });

  it('a grading period rename: new period posted, the session reference follows, the old period deleted after', async () => {
    const p = await synced();
    const mark = rig.proxy.log.length;
    await sis(p, 'PUT', '/sis/v1/gradingPeriods/gp1', { schoolId: p.hs, schoolYear: 2026, name: 'Six Weeks One', descriptor: 'uri://ed-fi.org/GradingPeriodDescriptor#First Six Weeks', periodSequence: 1, beginDate: '2025-08-20', endDate: '2025-10-03' });
    expect(await sync(p)).toMatchObject({ planned: 3, sent: 3, failed: 0 });
    expect(rig.proxy.log.slice(mark).map((w) => `${w.method} ${w.path.split('/')[4]}`)).toEqual(['POST gradingPeriods', 'PUT sessions', 'DELETE gradingPeriods']);
    const fall = (await p.odsGet(`/data/v3/ed-fi/sessions?schoolId=${p.hs}&sessionName=2026 First Semester`))[0];
    expect(fall.gradingPeriods.map((g: any) => g.gradingPeriodReference.gradingPeriodName).sort()).toEqual(['Second Six Weeks', 'Six Weeks One']);
    expect((await p.odsGet(`/data/v3/ed-fi/gradingPeriods?schoolId=${p.hs}`)).map((g: any) => g.gradingPeriodName).sort()).toEqual(['Second Six Weeks', 'Six Weeks One']);
  });

  it('a deleted term deletes its session; an excluded calendar deletes nothing until a resync', async () => {
    const p = await synced();
    expect((await sis(p, 'DELETE', '/sis/v1/terms/hs-s2')).statusCode).toBe(204);
    expect(await sync(p)).toMatchObject({ planned: 1, sent: 1 });
    expect((await p.odsGet(`/data/v3/ed-fi/sessions?schoolId=${p.hs}`)).map((s: any) => s.sessionName)).toEqual(['2026 First Semester']);
    await sis(p, 'PUT', '/sis/v1/calendars/el', { schoolId: p.el, schoolYear: 2026, name: 'EL', exclude: true });
    expect(await sync(p)).toMatchObject({ planned: 0, sent: 0 });
    expect(await p.odsGet(`/data/v3/ed-fi/sessions?schoolId=${p.el}`)).toHaveLength(1);
    const report = await resync(db(), p.district.tenantId, p.client, { schools: [p.el] });
    expect(report.enqueued.ops).toBe(1);
    expect(await drainOutbox(db(), p.district.tenantId, p.client, FAST)).toMatchObject({ sent: 1, failed: 0 });
    expect(await p.odsGet(`/data/v3/ed-fi/sessions?schoolId=${p.el}`)).toEqual([]);
  });

  it('a Sessions toggle turned off sends nothing new and deletes nothing; resync --resource sessions then deletes only sessions', async () => {
    const p = await synced();
    await sis(p, 'PUT', '/sis/v1/syncYears/2026', { stateCode: 'KS', sessionsEnabled: false });
    await sis(p, 'PUT', '/sis/v1/terms/hs-s1', { calendarId: 'hs', name: 'Semester 1', termTypeCode: 'S1', startDate: '2025-08-20', endDate: '2025-12-22' });
    await sis(p, 'DELETE', '/sis/v1/terms/hs-s2');
    await sis(p, 'DELETE', '/sis/v1/gradingPeriods/gp2');
    expect(await sync(p)).toMatchObject({ planned: 0, sent: 0 }); // gp2 is still referenced by the kept First Semester
    expect((await p.odsGet(`/data/v3/ed-fi/sessions?schoolId=${p.hs}`)).map((s: any) => s.endDate).sort()).toEqual(['2025-12-19', '2026-05-22']);
    const report = await resync(db(), p.district.tenantId, p.client, { schools: [p.hs], resources: ['sessions'] });
    expect(report.enqueued.ops).toBe(1);
    expect(await drainOutbox(db(), p.district.tenantId, p.client, FAST)).toMatchObject({ sent: 1, failed: 0 });
    expect((await p.odsGet(`/data/v3/ed-fi/sessions?schoolId=${p.hs}`)).map((s: any) => s.sessionName)).toEqual(['2026 First Semester']);
    expect(await p.odsGet(`/data/v3/ed-fi/gradingPeriods?schoolId=${p.hs}`)).toHaveLength(2);
  });

  it('resync after hand edits in the ODS: a session deleted by hand comes back, one added by hand goes', async () => {
    const p = await synced();
    const writer = await p.ods.auth(['edfi:read', 'edfi:write']);
    const fall = (await p.odsGet(`/data/v3/ed-fi/sessions?schoolId=${p.hs}&sessionName=2026 First Semester`))[0];
    expect((await rig.target.app.inject({ method: 'DELETE', url: `/data/v3/ed-fi/sessions/${fall.id}`, headers: writer })).statusCode).toBe(204);
    const extra = await rig.target.app.inject({
      method: 'POST',
      url: '/data/v3/ed-fi/sessions',
      headers: writer,
      payload: { sessionName: 'Hand made', schoolReference: { schoolId: p.hs }, schoolYearTypeReference: { schoolYear: 2026 }, beginDate: '2025-09-01', endDate: '2025-09-30', termDescriptor: 'uri://ed-fi.org/TermDescriptor#Other', totalInstructionalDays: 20 },
    });
    expect(extra.statusCode).toBe(201);
    const report = await resync(db(), p.district.tenantId, p.client, {});
    expect(report).toMatchObject({ forgotten: 1, orphans: 1 });
    expect(await drainOutbox(db(), p.district.tenantId, p.client, FAST)).toMatchObject({ sent: 2, failed: 0 });
    expect((await p.odsGet(`/data/v3/ed-fi/sessions?schoolId=${p.hs}`)).map((s: any) => s.sessionName).sort()).toEqual(['2026 First Semester', '2026 Second Semester']);
    expect((await enqueuePlan(db(), p.district.tenantId, { mode: 'incremental', schools: null })).ops).toBe(0);
  });

  it('the target failing with 500s, 429s, hangs and lost answers mid-run: everything arrives once it recovers, nothing duplicated', async () => {
    const p = await loaded();
    // The client gives up on a hung request after 1 s (the proxy holds it for 3 s).
    const client = p.newClient({ timeoutMs: 1000 });
    rig.proxy.faults = ['500', 'hang', '503', 'lose-answer', '429', '500', 'lose-answer', 'hang', '500'];
    await enqueueDirty(db(), p.district.tenantId);
    const stats = await drainOutbox(db(), p.district.tenantId, client, { ...FAST, maxAttempts: 20 });
    rig.proxy.faults = [];
    expect(stats).toMatchObject({ sent: 6, failed: 0, blocked: 0 });
    expect(stats.retried).toBeGreaterThanOrEqual(7);
    const hs = await p.odsGet(`/data/v3/ed-fi/sessions?schoolId=${p.hs}`);
    expect(hs.map((s: any) => s.sessionName).sort()).toEqual(['2026 First Semester', '2026 Second Semester']);
    expect((await p.odsGet(`/data/v3/ed-fi/gradingPeriods?schoolId=${p.hs}`)).length).toBe(2);
    expect(await p.odsGet(`/data/v3/ed-fi/sessions?schoolId=${p.el}`)).toHaveLength(1);
    expect((await enqueuePlan(db(), p.district.tenantId, { mode: 'incremental', schools: null })).ops).toBe(0);
  });

  it('two workers at once: every operation is sent exactly once', async () => {
    const p = await newPair(rig, 6);
    const ids = p.ods.schools.map((s) => s.schoolId!);
    const upload = districtUpload(ids.slice(0, 2));
    // Four more high schools with the same calendar shape.
    for (const id of ids.slice(2)) {
      upload.schools.push({ schoolId: id, name: `HS ${id}` });
      upload.calendars.push({ calendarId: `c${id}`, schoolId: id, schoolYear: 2026, name: 'C' });
      upload.terms.push(
        { termId: `${id}-s1`, calendarId: `c${id}`, name: 'S1', termTypeCode: 'S1', startDate: '2025-08-20', endDate: '2025-12-19' },
        { termId: `${id}-s2`, calendarId: `c${id}`, name: 'S2', termTypeCode: 'S2', startDate: '2026-01-05', endDate: '2026-05-22' },
        { termId: `${id}-q1`, calendarId: `c${id}`, name: 'Q1', termTypeCode: 'Q1', startDate: '2025-08-20', endDate: '2025-10-17' },
      );
    }
    expect((await rig.source.app.inject({ method: 'POST', url: '/sis/v1/uploads', headers: p.sisHeaders, payload: upload })).statusCode).toBe(200);
    const planned = await enqueueDirty(db(), p.district.tenantId);
    expect(planned.ops).toBe(1 + 2 + 3 + 4 * 3);
    const mark = rig.proxy.log.length;
    const handled: Array<{ worker: string; opId: number; outcome: string }> = [];
    const worker = (id: string) =>
      drainOutbox(db(), p.district.tenantId, p.newClient({ timeoutMs: 20_000 }), { ...FAST, workerId: id, concurrency: 3, onOutcome: (op, outcome) => handled.push({ worker: id, opId: op.opId, outcome }) });
    const [a, b] = await Promise.all([worker('w1'), worker('w2')]);
    expect(a.sent + b.sent).toBe(planned.ops);
    expect(a.sent).toBeGreaterThan(0);
    expect(b.sent).toBeGreaterThan(0);
    // No operation was claimed by both workers, and each was acknowledged once.
    const sentIds = handled.filter((h) => h.outcome === 'sent').map((h) => h.opId);
    expect(new Set(sentIds).size).toBe(planned.ops);
    expect(sentIds.length).toBe(planned.ops);
    const posts = rig.proxy.log.slice(mark).filter((w) => w.method === 'POST').map((w) => JSON.stringify(w.body));
    // A request that outlives the client timeout is retried (at least once delivery); without retries every POST is unique.
    if (a.retried + b.retried === 0) {
      expect(new Set(posts).size).toBe(posts.length);
      expect(posts.length).toBe(planned.ops - 1); // the school year already exists in the ODS: found, not posted
    }
    expect(await p.odsGet(`/data/v3/ed-fi/sessions?schoolId=${ids[2]}`)).toHaveLength(3);
  });

  it('a target per school year: each year goes to its own ODS, with its own token', async () => {
    const p = await newPair(rig);
    const [hs] = p.ods.schools.map((s) => s.schoolId!) as [number];
    // Last year's ODS is another tenant of the target app, with its own client.
    const lastYear = await createTenant(rig.target, { schools: 0, schoolYears: [2025] });
    await new TenantRepository(rig.target.store.db).addSchool(lastYear.tenantId, { name: 'High', schoolId: hs });
    const { client, secret } = await new ClientRepository(rig.target.store.db).create(lastYear.tenantId, 'sync', ['edfi:read', 'edfi:write']);
    const upload = districtUpload(p.ods.schools.map((s) => s.schoolId!));
    upload.calendars.push({ calendarId: 'hs-2025', schoolId: hs, schoolYear: 2025, name: 'HS 24-25' });
    upload.terms.push({ termId: 'old-s1', calendarId: 'hs-2025', name: 'Semester 1', termTypeCode: 'S1', startDate: '2024-08-21', endDate: '2024-12-20' });
    upload.termTypeMappings.push({ schoolYear: 2025, termTypeCode: 'S1', termDescriptor: 'uri://ed-fi.org/TermDescriptor#Fall Semester' });
    upload.syncYears.push({ schoolYear: 2025, stateCode: 'KS', sessionsEnabled: true });
    expect((await rig.source.app.inject({ method: 'POST', url: '/sis/v1/uploads', headers: p.sisHeaders, payload: upload })).statusCode).toBe(200);
    // Configured as an operator would: the default target and one for 2025.
    const current = await new ClientRepository(rig.target.store.db).create(p.ods.tenantId, 'sync-current', ['edfi:read', 'edfi:write']);
    await setTarget(db(), p.district.tenantId, { baseUrl: rig.proxy.url, key: current.client.clientId, secret: current.secret });
    await setTarget(db(), p.district.tenantId, { baseUrl: rig.proxy.url, key: client.clientId, secret }, 2025);
    const byYear = routeTargets(p.district.tenantId, await getTargets(db(), p.district.tenantId));
    await enqueueDirty(db(), p.district.tenantId);
    expect(await drainOutbox(db(), p.district.tenantId, byYear, FAST)).toMatchObject({ sent: 8, failed: 0 });
    const lastYearHeaders = await lastYear.auth(['edfi:read']);
    const old = (await rig.target.app.inject({ method: 'GET', url: `/data/v3/ed-fi/sessions?schoolId=${hs}`, headers: lastYearHeaders })).json();
    expect(old.map((s: any) => `${s.schoolYearTypeReference.schoolYear} ${s.sessionName}`)).toEqual(['2025 2025 First Semester']);
    expect((await p.odsGet(`/data/v3/ed-fi/sessions?schoolId=${hs}`)).map((s: any) => s.schoolYearTypeReference.schoolYear)).toEqual([2026, 2026]);
    expect(byYear(2025)).not.toBe(byYear(2026));
    expect(byYear(2025).tokenRequests).toBe(1);
    expect(byYear(2026).tokenRequests).toBe(1);
    // With no target for a year, the run stops and says which year needs one; nothing is lost.
    await sis(p, 'PUT', '/sis/v1/terms/old-s1', { calendarId: 'hs-2025', name: 'Semester 1', termTypeCode: 'S1', startDate: '2024-08-21', endDate: '2024-12-19' });
    await enqueueDirty(db(), p.district.tenantId);
    const only2026 = routeTargets(p.district.tenantId, { default: null, byYear: new Map([[2026, { baseUrl: rig.proxy.url, key: 'k', secret: 's' }]]) });
    await expect(drainOutbox(db(), p.district.tenantId, only2026, FAST)).rejects.toThrow(/no Ed-Fi target for tenant '.*' and school year 2025/);
    expect(await drainOutbox(db(), p.district.tenantId, byYear, FAST)).toMatchObject({ sent: 1 });
  });

  it('wrong target credentials stop the run with an actionable message and send nothing; the claims go back to the queue', async () => {
    const p = await loaded();
    const wrong = new EdfiClient({ baseUrl: rig.proxy.url, key: 'nobody', secret: 'nothing' });
    await enqueueDirty(db(), p.district.tenantId);
    await expect(drainOutbox(db(), p.district.tenantId, wrong, FAST)).rejects.toThrow(/refused the client credentials \(401\).*sync target set/);
    expect(await outboxCounts(db(), p.district.tenantId)).toMatchObject({ pending: 6, inFlight: 0, sent: 0 });
    expect(await drainOutbox(db(), p.district.tenantId, p.newClient(), FAST)).toMatchObject({ sent: 6 });
  });

  it('an expired token is refreshed once on 401 and the call repeated', async () => {
    const p = await loaded();
    const client = p.newClient();
    rig.proxy.faults = ['401'];
    await enqueueDirty(db(), p.district.tenantId);
    expect(await drainOutbox(db(), p.district.tenantId, client, FAST)).toMatchObject({ sent: 6, failed: 0 });
    expect(client.tokenRequests).toBe(2);
  });

  it('a payload the target refuses goes to the error log with request and response, is not re-sent unchanged, and its children are held', async () => {
    const p = await loaded();
    await sis(p, 'PUT', '/sis/v1/gradingPeriods/gp2', { schoolId: p.hs, schoolYear: 2026, name: 'Second Six Weeks', descriptor: 'uri://ed-fi.org/GradingPeriodDescriptor#No Such Period', periodSequence: 2, beginDate: '2025-10-06', endDate: '2025-11-14' });
    await enqueueDirty(db(), p.district.tenantId);
    const stats = await drainOutbox(db(), p.district.tenantId, p.newClient(), FAST);
    expect(stats).toMatchObject({ sent: 4, failed: 1, blocked: 1 }); // First Semester references the refused period
    const errors = (await rig.source.app.inject({ method: 'GET', url: '/sis/v1/sync/errors', headers: p.sisHeaders })).json().errors;
    expect(errors.map((e: any) => `${e.kind} ${e.action} ${e.resource}`).sort()).toEqual(['blocked post sessions', 'send post gradingPeriods']);
    const refused = errors.find((e: any) => e.kind === 'send');
    const onlySends = (await rig.source.app.inject({ method: 'GET', url: `/sis/v1/sync/errors?kind=send&resource=gradingPeriods&schoolId=${p.hs}`, headers: p.sisHeaders })).json().errors;
    expect(onlySends.map((e: any) => e.errorId)).toEqual([refused.errorId]);
    expect((await rig.source.app.inject({ method: 'GET', url: '/sis/v1/sync/errors?kind=oops', headers: p.sisHeaders })).statusCode).toBe(400);
    expect(refused.responseStatus).toBe(400);
    expect(refused.actions).toEqual({ retry: `POST /sis/v1/sync/errors/${refused.errorId}/retry`, archive: `POST /sis/v1/sync/errors/${refused.errorId}/archive` });
    expect(refused.requestBody).toMatchObject({ gradingPeriodName: 'Second Six Weeks' });
    expect(JSON.stringify(refused.responseBody)).toContain('No Such Period');
    expect(await p.odsGet(`/data/v3/ed-fi/sessions?schoolId=${p.hs}&sessionName=2026 First Semester`)).toEqual([]);
    // Unchanged: not re-sent on the next run (only the held session is re-planned, and held again).
    expect((await enqueuePlan(db(), p.district.tenantId, { mode: 'incremental', schools: null })).ops).toBe(1);
    await drainOutbox(db(), p.district.tenantId, p.newClient(), FAST);
    // Fixed in the SIS: both go, and the log entries close.
    await sis(p, 'PUT', '/sis/v1/gradingPeriods/gp2', { schoolId: p.hs, schoolYear: 2026, name: 'Second Six Weeks', descriptor: 'uri://ed-fi.org/GradingPeriodDescriptor#Second Six Weeks', periodSequence: 2, beginDate: '2025-10-06', endDate: '2025-11-14' });
    await enqueueDirty(db(), p.district.tenantId);
    expect(await drainOutbox(db(), p.district.tenantId, p.newClient(), FAST)).toMatchObject({ sent: 2, failed: 0, blocked: 0 });
    expect((await rig.source.app.inject({ method: 'GET', url: '/sis/v1/sync/errors', headers: p.sisHeaders })).json().errors).toEqual([]);
  });

  it('the target check names descriptors the target lacks before anything is sent', async () => {
    const p = await loaded();
    await sis(p, 'PUT', '/sis/v1/termTypeMappings/2026/YR', { termDescriptor: 'uri://ed-fi.org/TermDescriptor#Bogus' });
    const report = await checkTarget(db(), p.district.tenantId, p.newClient());
    expect(report.ok).toBe(false);
    expect(report.lines).toContain("FAIL 2026: term descriptor 'uri://ed-fi.org/TermDescriptor#Bogus' is not in the target; map the term type to one it has");
    const unreachable = await checkTarget(db(), p.district.tenantId, new EdfiClient({ baseUrl: 'http://127.0.0.1:9', key: 'k', secret: 's' }, { timeoutMs: 500 }));
    expect(unreachable.lines[0]).toMatch(/^FAIL 2026: cannot reach the target/);
  });

  it('retry from the error log re-plans the item; archive hides it', async () => {
    const p = await loaded();
    await sis(p, 'PUT', '/sis/v1/termTypeMappings/2026/YR', { termDescriptor: 'uri://ed-fi.org/TermDescriptor#Bogus' });
    await enqueueDirty(db(), p.district.tenantId);
    expect(await drainOutbox(db(), p.district.tenantId, p.newClient(), FAST)).toMatchObject({ failed: 1 });
    const [e] = (await rig.source.app.inject({ method: 'GET', url: '/sis/v1/sync/errors', headers: p.sisHeaders })).json().errors;
    const retried = await rig.source.app.inject({ method: 'POST', url: `/sis/v1/sync/errors/${e.errorId}/retry`, headers: p.sisHeaders });
    expect(retried.json()).toEqual({ retried: 1 });
    expect((await enqueueDirty(db(), p.district.tenantId)).ops).toBe(1);
    expect(await drainOutbox(db(), p.district.tenantId, p.newClient(), FAST)).toMatchObject({ failed: 1 });
    const [again] = (await rig.source.app.inject({ method: 'GET', url: '/sis/v1/sync/errors', headers: p.sisHeaders })).json().errors;
    expect((await rig.source.app.inject({ method: 'POST', url: `/sis/v1/sync/errors/${again.errorId}/archive`, headers: p.sisHeaders })).statusCode).toBe(200);
    expect((await rig.source.app.inject({ method: 'GET', url: '/sis/v1/sync/errors', headers: p.sisHeaders })).json().errors).toEqual([]);
    expect((await rig.source.app.inject({ method: 'GET', url: '/sis/v1/sync/errors?state=archived', headers: p.sisHeaders })).json().errors).toHaveLength(1);
    expect((await rig.source.app.inject({ method: 'POST', url: '/sis/v1/sync/errors/999999/retry', headers: p.sisHeaders })).statusCode).toBe(404);
  });

  it('missing term dates: the seed error is logged, nothing is sent, and what was sent stays', async () => {
    const p = await synced();
    await sis(p, 'PUT', '/sis/v1/terms/hs-s2', { calendarId: 'hs', name: 'Semester 2', termTypeCode: 'S2', startDate: '2026-01-05' });
    expect(await sync(p)).toMatchObject({ planned: 0, sent: 0 });
    const errors = (await rig.source.app.inject({ method: 'GET', url: '/sis/v1/sync/errors', headers: p.sisHeaders })).json().errors;
    expect(errors).toEqual([expect.objectContaining({ kind: 'derive', schoolId: p.hs, message: expect.stringContaining("Validation of 'Session' failed. EndDate is required.") })]);
    expect(await p.odsGet(`/data/v3/ed-fi/sessions?schoolId=${p.hs}`)).toHaveLength(2);
    await sis(p, 'PUT', '/sis/v1/terms/hs-s2', { calendarId: 'hs', name: 'Semester 2', termTypeCode: 'S2', startDate: '2026-01-05', endDate: '2026-05-22' });
    expect(await sync(p)).toMatchObject({ planned: 0 });
    expect((await rig.source.app.inject({ method: 'GET', url: '/sis/v1/sync/errors', headers: p.sisHeaders })).json().errors).toEqual([]);
  });
});
