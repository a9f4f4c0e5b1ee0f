// `serve --sync-worker`: the in-process worker keeps a tenant's Ed-Fi target in step on its own.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { ClientRepository } from '../../src/auth/client-repository.ts';
import { startBackgroundSync } from '../../src/sync/background-sync.ts';
import { setTarget } from '../../src/sync/target-repository.ts';
import { drivers } from '../harness.ts';
import { districtUpload, newPair, startSyncRig, type SyncRig } from './sync-rig.ts';

async function until<T>(probe: () => Promise<T | undefined>, what: string, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe.each(drivers())('background sync worker on %s', (driver) => {
  let rig: SyncRig;
  beforeAll(async () => {
    rig = await startSyncRig(driver);
  });
  afterAll(() => rig.close());

  it('sends what the SIS pushes, round after round, without being asked, and stops cleanly', async () => {
    const pair = await newPair(rig);
    const [hs, el] = pair.ods.schools.map((s) => s.schoolId!) as [number, number];
    const { client, secret } = await new ClientRepository(rig.target.store.db).create(pair.ods.tenantId, 'background sync', ['edfi:read', 'edfi:write']);
    await setTarget(rig.source.store.db, pair.district.tenantId, { baseUrl: rig.proxy.url, key: client.clientId, secret });
    const worker = startBackgroundSync(rig.source.store.db, pino({ level: 'silent' }), { intervalMs: 100, backoffBaseMs: 20, backoffCapMs: 200 });
    try {
      const upload = await rig.source.app.inject({ method: 'POST', url: '/sis/v1/uploads', headers: pair.sisHeaders, payload: districtUpload([hs, el]) });
      expect(upload.statusCode).toBe(200);
      const sent = await until(async () => {
        const sessions = (await pair.odsGet('/data/v3/ed-fi/sessions?limit=100')) as { sessionName: string; endDate: string; schoolReference: { schoolId: number } }[];
        return sessions.length > 0 ? sessions : undefined;
      }, 'the first sessions to reach the target');
      expect(sent.every((s) => s.schoolReference.schoolId === hs || s.schoolReference.schoolId === el)).toBe(true);

      // A later SIS change goes out in a later round with nobody running `sync run`.
      const changed = await rig.source.app.inject({
        method: 'PUT',
        url: '/sis/v1/terms/hs-s2',
        headers: pair.sisHeaders,
        payload: { calendarId: 'hs', name: 'Semester 2', termTypeCode: 'S2', startDate: '2026-01-05', endDate: '2026-05-29' },
      });
      expect(changed.statusCode).toBe(200);
      const moved = await until(async () => {
        const [s2] = (await pair.odsGet(`/data/v3/ed-fi/sessions?schoolId=${hs}&sessionName=2026 Second Semester`)) as { endDate: string }[];
        return s2?.endDate === '2026-05-29' ? s2 : undefined;
      }, 'the date change to reach the target');
      expect(moved.endDate).toBe('2026-05-29');
    } finally {
      await worker.stop();
    }
  });
});
