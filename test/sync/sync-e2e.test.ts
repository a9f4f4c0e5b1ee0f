// The sync end to end: SIS rows in through /sis/v1, the worker, and a second termbridge app
// as the state's Ed-Fi ODS on a real loopback port (OAuth2 client credentials).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enqueueDirty, enqueuePlan } from '../../src/sync/sync-planning.ts';
import { drainOutbox } from '../../src/sync/worker.ts';
import { drivers } from '../harness.ts';
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
    const [hs, el] = pair.ods.schools.map((s) => s.schoolId) as [number, number];
    const res = await rig.source.app.inject({ method: 'POST', url: '/sis/v1/uploads', headers: pair.sisHeaders, payload: districtUpload([hs, el]) });
    expect(res.statusCode).toBe(200);
    return { ...pair, hs, el };
  }
  const sis = (pair: SyncPair, method: 'PUT' | 'DELETE', url: string, payload?: object) =>
    rig.source.app.inject({ method, url, headers: pair.sisHeaders, ...(payload ? { payload } : {}) });
  const db = () => rig.source.store.db;
  const writesFor = (schoolId: number, since: number) =>
    rig.proxy.log.slice(since).filter((r) => JSON.stringify(r.body ?? '').includes(String(schoolId)) || r.method === 'DELETE');

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
});
