// Every native connector against a fake of its platform (documented shapes, paging, credential):
// a first pull through a 429 and a refused token, a second pull that writes nothing, a term
// changed and one removed, a 500 mid-run that leaves the store unchanged and a pull that resumes,
// and the result read back through Ed-Fi, OneRoster, Canvas and Edlink.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SourceError } from '../../../src/connectors/source-client.ts';
import { createTenant, drivers, startApp, type TestApp } from '../../harness.ts';
import { addConnection, pull, sessionsFingerprint } from '../pull-harness.ts';
import { namesThroughEveryApi } from '../read-back.ts';
import { startFakePlatform, type FakeTerm } from './fake-platform.ts';
import { PLATFORMS, type PlatformCase } from './platforms.ts';

const TERMS: FakeTerm[] = [
  { id: 't101', name: 'Fall Semester', begin: '2025-08-13', end: '2025-12-19' },
  { id: 't102', name: 'Spring Semester', begin: '2026-01-06', end: '2026-05-29' },
  { id: 't103', name: 'Quarter 1', begin: '2025-08-13', end: '2025-10-10' },
  { id: 't104', name: 'Quarter 2', begin: '2025-10-13', end: '2025-12-19' },
  { id: 't105', name: 'Summer Session', begin: '2026-06-08', end: '2026-07-17' },
];

describe.each(drivers())('native connectors against fakes of their platforms on %s', (driver) => {
  let target: TestApp;
  beforeAll(async () => {
    target = await startApp(driver);
  });
  afterAll(async () => {
    await target.close();
  });

  it.each(PLATFORMS.map((p) => [p.kind, p] as [string, PlatformCase]))('%s: pulls through a 429 and a token refresh, writes nothing unchanged, follows a change and a removal, resumes after a 500', async (_kind, platform) => {
    const tenant = await createTenant(target, { schools: 1 });
    const fake = await startFakePlatform(platform.behaviour, TERMS);
    try {
      fake.upsert({ ...fake.terms[0]! }); // history before the first pull (a change feed's starting point)
      const c = platform.connection(fake);
      const id = `${platform.kind}-${tenant.tenantId}`;
      await addConnection(target, {
        tenantId: tenant.tenantId,
        id,
        kind: platform.kind,
        url: c.url,
        tokenUrl: c.tokenUrl ?? null,
        clientId: c.clientId ?? null,
        secret: c.secret,
        settings: { ...c.settings, ...(platform.placesInSchools ? {} : { school: tenant.schools[0]!.schoolId! }) },
      });

      fake.faults.push({ match: (_l, n) => n === 1, status: 429, headers: platform.rateLimited, times: 1 });
      if (platform.refreshes) fake.revokeAfter = 2;
      const first = await pull(target, tenant.tenantId, id, { pageSize: 2 });
      expect(first.summary).toMatchObject({ created: TERMS.length + platform.extraSessions, updated: 0, failed: 0 });
      expect(first.requests!.retries).toBeGreaterThanOrEqual(1);
      // Five terms at two a page: the connector followed the platform's paging to the end.
      if (platform.paged) expect(first.pages).toBeGreaterThanOrEqual(3);
      if (platform.refreshes) expect(first.requests!.tokens).toBe(2);

      const unchanged = await sessionsFingerprint(target, tenant.tenantId);
      const second = await pull(target, tenant.tenantId, id, { pageSize: 2 });
      expect(second.summary).toMatchObject({ created: 0, updated: 0, deleted: 0, failed: 0 });
      expect(await sessionsFingerprint(target, tenant.tenantId)).toBe(unchanged);

      fake.upsert({ ...fake.terms[1]!, name: 'Spring Semester (revised)', end: '2026-05-22' });
      fake.remove('t103');
      const before = fake.dataRequests;
      fake.faults.push({ match: (_l, n) => n > before + (platform.singleRequestDelta ? 0 : 1), status: 500, times: Infinity });
      const failed = await pull(target, tenant.tenantId, id, { pageSize: 2 }).catch((e: unknown) => e);
      expect(failed).toBeInstanceOf(SourceError);
      expect((failed as Error).message).toContain(`connection ${id}: HTTP 500`);
      expect(await sessionsFingerprint(target, tenant.tenantId)).toBe(unchanged);
      fake.faults.length = 0;
      const resumed = await pull(target, tenant.tenantId, id, { pageSize: 2 });
      if (!platform.singleRequestDelta) expect(resumed.resumed).toBe(true);
      expect(resumed.summary).toMatchObject({ created: 0, updated: 1, deleted: 1, failed: 0 });

      const names = await namesThroughEveryApi(target, tenant);
      const expected = ['Fall Semester', 'Quarter 2', 'Spring Semester (revised)', 'Summer Session'];
      // Ed-Fi and OneRoster list only sessions with dates (both require them).
      const apis = platform.dateless ? (['canvas', 'edlink'] as const) : (['edfi', 'oneRoster', 'canvas', 'edlink'] as const);
      for (const api of apis) expect(names[api], api).toEqual(expect.arrayContaining(expected));
      for (const api of ['edfi', 'oneRoster', 'canvas', 'edlink'] as const) expect(names[api], api).not.toContain('Quarter 1');
    } finally {
      await fake.close();
    }
  });
});
