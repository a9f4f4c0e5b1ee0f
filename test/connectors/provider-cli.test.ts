// Black box through the commands a district admin runs: `connect add --provider` for a OneRoster
// 1.1 provider (ClassLink, every request signed with OAuth 1.0a HMAC-SHA256 and checked by the
// fake) and a native one (Clever), secrets from the environment, `connect list`,
// `pull`, then the sessions read through Ed-Fi, OneRoster, Canvas and Edlink on the same store.
// The commands run in this process on PostgreSQL when TEST_DATABASE_URL is set (DATABASE_URL, as
// a district runs them next to a server), else on an embedded data directory.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ClientRepository } from '../../src/auth/client-repository.ts';
import { connectCommand } from '../../src/cli/connect.ts';
import { pullCommand } from '../../src/cli/pull.ts';
import { tenantsCommand } from '../../src/cli/tenants.ts';
import { ROSTER_CORE_READONLY } from '../../src/dialects/oneroster/scopes.ts';
import { buildApp } from '../../src/server.ts';
import { openStore } from '../../src/store/database.ts';
import { TenantRepository } from '../../src/store/tenant-repository.ts';
import { startFakePlatform, type FakePlatform } from './native/fake-platform.ts';
import { PLATFORMS } from './native/platforms.ts';
import { EXAMPLE_SESSIONS, startOneRosterFake, type OneRosterFake } from './oneroster-fake.ts';

async function run(command: (argv: string[]) => Promise<void>, argv: string[], env: Record<string, string> = {}): Promise<string> {
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  let out = '';
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  });
  try {
    await command(argv);
    return out;
  } finally {
    spy.mockRestore();
    for (const [k, v] of Object.entries(saved)) if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
}

describe('connect add --provider, pull, and the four APIs', () => {
  let dataDir: string;
  let classlink: OneRosterFake;
  let clever: FakePlatform;
  const savedDatabaseUrl = process.env.DATABASE_URL;
  const databaseUrl = process.env.TEST_DATABASE_URL;
  const open = () => (databaseUrl ? openStore({ databaseUrl }) : openStore({ dataDir }));
  const tenant = `district-${randomBytes(4).toString('hex')}`;
  const name = (n: string) => `${n}-${tenant}`;
  beforeAll(async () => {
    if (databaseUrl) process.env.DATABASE_URL = databaseUrl;
    else delete process.env.DATABASE_URL;
    dataDir = mkdtempSync(join(tmpdir(), 'termbridge-providers-'));
    classlink = await startOneRosterFake({ basePath: '/ims/oneroster/v1p1', tokenPath: '/oauth/token', version: '1.1', sessions: EXAMPLE_SESSIONS, oauth1: ['HMAC-SHA256'] });
    clever = await startFakePlatform(PLATFORMS.find((p) => p.kind === 'clever')!.behaviour, [{ id: 'c1', name: 'Fall 2025', begin: '2025-08-13', end: '2025-12-19' }]);
  });
  afterAll(async () => {
    if (savedDatabaseUrl !== undefined) process.env.DATABASE_URL = savedDatabaseUrl;
    else delete process.env.DATABASE_URL;
    await classlink.platform.close();
    await clever.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('fills the store from both providers and shows the sessions through Ed-Fi, OneRoster, Canvas and Edlink', async () => {
    const common = ['--data-dir', dataDir];
    const key = randomBytes(32).toString('hex');
    await run(tenantsCommand, ['create', '--id', tenant, '--name', 'District P', ...common]);
    // The district's school and years (what `import` or the Ed-Fi API would have brought).
    let store = await open();
    const schoolId = 255_000_000 + Math.floor(Math.random() * 900_000);
    const school = await new TenantRepository(store.db).addSchool(tenant, { name: 'Central High', schoolId });
    for (const y of [2020, 2026]) await new TenantRepository(store.db).addSchoolYear(tenant, y);
    await store.close();

    const added = await run(
      connectCommand,
      ['add', '--provider', 'classlink', '--tenant', tenant, '--url', classlink.platform.url, '--client-id', 'or-client', '--school', String(schoolId), '--id', name('classlink'), ...common],
      { TERMBRIDGE_SECRET_KEY: key, TERMBRIDGE_CLIENT_SECRET: 'or-secret' },
    );
    expect(added).toContain(`added connection ${name('classlink')}: classlink (oneroster-rest) ${classlink.platform.url}/ims/oneroster/v1p1 for tenant`);
    await run(connectCommand, ['add', '--provider', 'clever', '--tenant', tenant, '--url', clever.url, '--school', String(schoolId), '--id', name('clever'), ...common], {
      TERMBRIDGE_SECRET_KEY: key,
      TERMBRIDGE_SOURCE_TOKEN: 'DEMO_TOKEN',
    });
    const listed = JSON.parse(await run(connectCommand, ['list', '--tenant', tenant, '--json', ...common])) as Record<string, unknown>[];
    expect(listed.map((c) => [c.id, c.kind, c.provider, c.settings, c.hasSecret])).toEqual([
      [name('classlink'), 'oneroster-rest', 'classlink', { oneRosterVersion: '1.1', paging: 'keyset', auth: 'oauth1-hmac-sha256', school: schoolId }, true],
      [name('clever'), 'clever', 'clever', { school: schoolId }, true],
    ]);

    const pulled = [
      await run(pullCommand, ['--connection', name('classlink'), ...common], { TERMBRIDGE_SECRET_KEY: key }),
      await run(pullCommand, ['--connection', name('clever'), ...common], { TERMBRIDGE_SECRET_KEY: key }),
    ].join('');
    expect(pulled).toContain(`${name('classlink')} (oneroster-rest, tenant ${tenant}): created 5, updated 0, deleted 0, unchanged 0, failed 0`);
    expect(pulled).toContain(`${name('clever')} (clever, tenant ${tenant}): created 1, updated 0, deleted 0, unchanged 0, failed 0`);
    expect(classlink.refusals).toEqual([]);
    expect(classlink.oauth1!.nonces.size).toBeGreaterThanOrEqual(2); // orgs and academicSessions, each signed
    expect(classlink.platform.log.filter((l) => l.startsWith('POST'))).toEqual([]);

    store = await open();
    const app = await buildApp({ store });
    try {
      const clients = new ClientRepository(store.db);
      const get = async (url: string, scopes: string[]) => {
        const { client } = await clients.create(tenant, 'reader', scopes);
        const { token } = await clients.issueToken(client, scopes);
        const res = await app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });
        expect(res.statusCode, res.body.slice(0, 200)).toBe(200);
        return res.json();
      };
      const wanted = ['2019-2020 School Year', 'Fall Term', 'Q1 Grading Period', 'Spring Term', 'In-service Day', 'Fall 2025'];
      const edfiSessions = (await get(`/data/v3/ed-fi/sessions?schoolId=${school.schoolId}&limit=100`, ['edfi:read'])) as { sessionName: string; endDate: string }[];
      const edfiGradingPeriods = (await get('/data/v3/ed-fi/gradingPeriods?limit=100', ['edfi:read'])) as { gradingPeriodName: string }[];
      expect([...edfiSessions.map((s) => s.sessionName), ...edfiGradingPeriods.map((g) => g.gradingPeriodName)].sort()).toEqual(expect.arrayContaining([...wanted.filter((n) => n !== 'Q1 Grading Period').sort()]));
      expect(edfiSessions.find((s) => s.sessionName === 'Fall Term')!.endDate).toBe('2019-12-20');
      const oneRoster = (await get('/ims/oneroster/rostering/v1p2/academicSessions?limit=100', [ROSTER_CORE_READONLY])) as { academicSessions: { title: string; endDate: string }[] };
      expect(oneRoster.academicSessions.map((s) => s.title)).toEqual(expect.arrayContaining(wanted));
      expect(oneRoster.academicSessions.find((s) => s.title === 'Fall Term')!.endDate).toBe('2019-12-21'); // 1.2's exclusive end
      const canvas = (await get('/api/v1/accounts/self/terms?per_page=100', ['url:GET|/api/v1/accounts/:account_id/terms'])) as { enrollment_terms: { name: string }[] };
      expect(canvas.enrollment_terms.map((t) => t.name)).toEqual(expect.arrayContaining(['Fall Term', 'Fall 2025']));
      const edlink = (await get('/api/v2/graph/sessions?$first=100', ['edlink:read'])) as { $data: { name: string; identifiers: { type: string; value: string }[] }[] };
      expect(edlink.$data.map((s) => s.name)).toEqual(expect.arrayContaining(wanted));
    } finally {
      await app.close();
      await store.close();
    }
  }, 120_000);
});
