// OneRoster 1.1 beside 1.2: a 1.1 REST provider written from the binding (not termbridge), its
// CSV set, the provider profiles that speak it (each pulled and read back through the four
// APIs), ClassLink's OAuth 1.0a HMAC-SHA256 signatures checked by the fake, and a district
// moving from 1.1 to 1.2.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectionRepository } from '../../src/connectors/connection-repository.ts';
import { applyProfile, providerProfile, providerProfiles, type ProviderProfile } from '../../src/connectors/providers/provider-profiles.ts';
import { SourceError } from '../../src/connectors/source-client.ts';
import { SessionRepository } from '../../src/store/session-repository.ts';
import { createTenant, drivers, startApp, type TestApp } from '../harness.ts';
import { EXAMPLE_SESSIONS, startOneRosterFake, type OneRosterFake } from './oneroster-fake.ts';
import { addConnection, pull, sessionsFingerprint } from './pull-harness.ts';
import { expectEveryApiShows } from './read-back.ts';

const V1P1 = '/ims/oneroster/v1p1';
const credentials = { clientId: 'or-client', secret: 'or-secret' };

async function live(target: TestApp, tenantId: string) {
  const all = await new SessionRepository(target.store.db).find(tenantId, { where: { field: 'status', op: 'eq', value: 'active' }, sort: [{ field: 'name', direction: 'asc' }], page: { kind: 'all' } });
  return all.rows.filter((s) => !s.properties.canvasDefaultTerm);
}

describe.each(drivers())('OneRoster 1.1 and the OneRoster provider profiles on %s', (driver) => {
  let target: TestApp;
  const fakes: OneRosterFake[] = [];
  const start = async (o: Parameters<typeof startOneRosterFake>[0]) => {
    const f = await startOneRosterFake(o);
    fakes.push(f);
    return f;
  };
  beforeAll(async () => {
    target = await startApp(driver);
  });
  afterAll(async () => {
    for (const f of fakes) await f.platform.close();
    await target.close();
  });

  it('reads the 1.1 example chain with its last days, parents and types; deletes tobedeleted and 1.0 inactive; re-pulls only what changed', async () => {
    const fake = await start({ basePath: V1P1, tokenPath: '/oauth/token', version: '1.1', sessions: EXAMPLE_SESSIONS });
    const tenant = await createTenant(target, { schools: 0, schoolYears: [2020] });
    const id = `or11-${tenant.tenantId}`;
    await addConnection(target, { tenantId: tenant.tenantId, id, kind: 'oneroster-rest', url: fake.platform.url, ...credentials, settings: { oneRosterVersion: '1.1' } });
    const first = await pull(target, tenant.tenantId, id, { pageSize: 2 });
    expect(first.summary).toMatchObject({ created: 5, failed: 0 });
    expect(fake.scopes[0]).toBe('https://purl.imsglobal.org/spec/or/v1p1/scope/roster-core.readonly');
    const sessions = await live(target, tenant.tenantId);
    const by = (name: string) => sessions.find((s) => s.name === name)!;
    expect(by('Fall Term')).toMatchObject({ type: 'term', beginDate: '2019-09-01', endDate: '2019-12-20', schoolYear: 2020, parentId: by('2019-2020 School Year').id });
    expect(by('Q1 Grading Period')).toMatchObject({ type: 'gradingPeriod', endDate: '2019-10-31', parentId: by('Fall Term').id });
    expect(by('In-service Day')).toMatchObject({ beginDate: '2020-02-14', endDate: '2020-02-14' });
    expect(fake.platform.log.some((l) => l.startsWith(`GET ${V1P1}/academicSessions?`) && l.includes('sort=dateLastModified'))).toBe(true);

    const unchanged = await sessionsFingerprint(target, tenant.tenantId);
    expect((await pull(target, tenant.tenantId, id, { pageSize: 2 })).summary).toMatchObject({ created: 0, updated: 0, deleted: 0 });
    expect(await sessionsFingerprint(target, tenant.tenantId)).toBe(unchanged);

    const s = (sid: string) => fake.sessions.find((x) => x.sourcedId === sid)!;
    Object.assign(s('as-q1'), { status: 'tobedeleted', dateLastModified: '2019-09-01T00:00:00.000Z' });
    Object.assign(s('as-inservice'), { status: 'inactive', dateLastModified: '2019-09-01T00:00:01.000Z' });
    Object.assign(s('as-spring'), { title: 'Spring Term (revised)', lastDay: '2020-06-30', dateLastModified: '2019-09-02T00:00:00.000Z' });
    const third = await pull(target, tenant.tenantId, id, { pageSize: 2 });
    expect(third.summary).toMatchObject({ created: 0, updated: 1, deleted: 2, failed: 0 });
    expect((await live(target, tenant.tenantId)).map((x) => x.name)).toEqual(['2019-2020 School Year', 'Fall Term', 'Spring Term (revised)']);
  });

  it('reads a source that ignores sort by offset, following Link rel="next" to X-Total-Count; a session it stops listing is deleted; a 500 mid-run leaves the store and resumes', async () => {
    const fake = await start({ basePath: V1P1, tokenPath: '/oauth/token', version: '1.1', sessions: EXAMPLE_SESSIONS, honoursSort: false });
    const tenant = await createTenant(target, { schools: 0, schoolYears: [2020] });
    const id = `or11o-${tenant.tenantId}`;
    await addConnection(target, { tenantId: tenant.tenantId, id, kind: 'oneroster-rest', url: `${fake.platform.url}${V1P1}`, ...credentials, settings: { oneRosterVersion: '1.1', paging: 'offset' } });
    expect((await pull(target, tenant.tenantId, id, { pageSize: 2 })).summary).toMatchObject({ created: 5, failed: 0 });
    expect(fake.platform.log.filter((l) => l.includes('/academicSessions?'))).toEqual([
      `GET ${V1P1}/academicSessions?limit=2&offset=0`,
      `GET ${V1P1}/academicSessions?limit=2&offset=2`,
      `GET ${V1P1}/academicSessions?limit=2&offset=4`,
    ]);

    fake.sessions = fake.sessions.filter((x) => x.sourcedId !== 'as-spring');
    const before = await sessionsFingerprint(target, tenant.tenantId);
    fake.platform.faults.push({ match: (l) => l.includes('academicSessions?limit=2&offset=2'), status: 500, times: Infinity });
    expect(await pull(target, tenant.tenantId, id, { pageSize: 2 }).catch((e: unknown) => e)).toBeInstanceOf(SourceError);
    expect(await sessionsFingerprint(target, tenant.tenantId)).toBe(before);
    fake.platform.faults.length = 0;
    const resumed = await pull(target, tenant.tenantId, id, { pageSize: 2 });
    expect(resumed).toMatchObject({ resumed: true, summary: { deleted: 1, created: 0, failed: 0 } });
  });

  it('signs every request with OAuth 1.0a HMAC-SHA256 for ClassLink (checked by the server, no token endpoint), HMAC-SHA1 on request, and names a refused signature', async () => {
    const fake = await start({ basePath: V1P1, tokenPath: '/oauth/token', version: '1.1', sessions: EXAMPLE_SESSIONS, oauth1: ['HMAC-SHA256', 'HMAC-SHA1'] });
    const tenant = await createTenant(target, { schools: 1, schoolYears: [2020] });
    const made = applyProfile(providerProfile('classlink')!, { url: fake.platform.url, settings: { school: tenant.schools[0]!.schoolId! } });
    expect(made).toMatchObject({ url: `${fake.platform.url}${V1P1}`, tokenUrl: null, settings: { auth: 'oauth1-hmac-sha256' } });
    const id = `classlink-${tenant.tenantId}`;
    await addConnection(target, { tenantId: tenant.tenantId, id, kind: made.kind, url: made.url, tokenUrl: made.tokenUrl, clientId: 'or-client', secret: 'or-secret', provider: 'classlink', settings: made.settings });
    // A 429 and a 500 on the way: each retry is signed again (the server refuses a nonce it has seen).
    fake.platform.faults.push({ match: (_l, n) => n === 2, status: 429, headers: { 'retry-after': '0' }, times: 1 }, { match: (_l, n) => n === 4, status: 500, times: 1 });
    const first = await pull(target, tenant.tenantId, id, { pageSize: 2 });
    expect(first.summary).toMatchObject({ created: 5, failed: 0 });
    expect(first.requests).toMatchObject({ tokens: 0, retries: 2 });
    expect(fake.refusals).toEqual([]);
    expect(fake.platform.log.filter((l) => l.startsWith('POST'))).toEqual([]);
    expect(fake.platform.log.filter((l) => l.includes('/academicSessions?')).length).toBeGreaterThanOrEqual(3); // several pages, each signed over its own query
    expect(fake.oauth1!.nonces.size).toBe(fake.platform.dataRequests - 2);
    expect([...fake.oauth1!.methods]).toEqual(['HMAC-SHA256']);
    await expectEveryApiShows(target, tenant, ['Fall Term', 'Spring Term', 'In-service Day']);
    expect((await pull(target, tenant.tenantId, id, { pageSize: 2 })).summary).toMatchObject({ created: 0, updated: 0, deleted: 0, failed: 0 });

    const sha1 = `classlink-sha1-${tenant.tenantId}`;
    await addConnection(target, { tenantId: tenant.tenantId, id: sha1, kind: made.kind, url: made.url, clientId: 'or-client', secret: 'or-secret', settings: { ...made.settings, auth: 'oauth1-hmac-sha1' } });
    expect((await pull(target, tenant.tenantId, sha1)).summary).toMatchObject({ created: 0, failed: 0 });
    expect(fake.oauth1!.methods.has('HMAC-SHA1')).toBe(true);

    const wrong = `classlink-wrong-${tenant.tenantId}`;
    await addConnection(target, { tenantId: tenant.tenantId, id: wrong, kind: made.kind, url: made.url, clientId: 'or-client', secret: 'not-the-secret', settings: made.settings });
    const refused = await pull(target, tenant.tenantId, wrong).catch((e: unknown) => e as Error);
    expect(refused).toBeInstanceOf(SourceError);
    expect((refused as Error).message).toContain(`connection ${wrong}: HTTP 401`);
    expect(fake.refusals).toEqual(['signature does not match']);
  });

  it("reaches ClassLink's OneRoster proxy with its fixed access token (--auth bearer) at the app's own path", async () => {
    const appPath = '/a1b2c3d4/ims/oneroster/v1p1';
    const fake = await start({ basePath: appPath, tokenPath: '/oauth/token', version: '1.1', sessions: EXAMPLE_SESSIONS, accessToken: 'console-access-token' });
    const tenant = await createTenant(target, { schools: 1, schoolYears: [2020] });
    const made = applyProfile(providerProfile('classlink')!, { url: `${fake.platform.url}${appPath}`, settings: { auth: 'bearer', school: tenant.schools[0]!.schoolId! } });
    expect(made).toMatchObject({ url: `${fake.platform.url}${appPath}`, tokenUrl: null, settings: { auth: 'bearer' } });
    const id = `classlink-proxy-${tenant.tenantId}`;
    await addConnection(target, { tenantId: tenant.tenantId, id, kind: made.kind, url: made.url, secret: 'console-access-token', provider: 'classlink', settings: made.settings });
    const first = await pull(target, tenant.tenantId, id, { pageSize: 2 });
    expect(first.summary).toMatchObject({ created: 5, failed: 0 });
    expect(first.requests).toMatchObject({ tokens: 0 });
    expect(fake.platform.log.filter((l) => l.startsWith('POST'))).toEqual([]);
    await expectEveryApiShows(target, tenant, ['Fall Term', 'Spring Term']);
  });

  it('a district moving from 1.1 to 1.2 keeps its sessions: matched by sourcedId, not duplicated', async () => {
    const v11 = await start({ basePath: V1P1, tokenPath: '/oauth/token', version: '1.1', sessions: EXAMPLE_SESSIONS });
    const v12 = await start({ basePath: '/ims/oneroster/rostering/v1p2', tokenPath: '/oauth/token', version: '1.2', sessions: EXAMPLE_SESSIONS });
    const tenant = await createTenant(target, { schools: 0, schoolYears: [2020] });
    const id = `district-or-${tenant.tenantId}`;
    await addConnection(target, { tenantId: tenant.tenantId, id, kind: 'oneroster-rest', url: v11.platform.url, ...credentials, settings: { oneRosterVersion: '1.1' } });
    await pull(target, tenant.tenantId, id);
    const before = await live(target, tenant.tenantId);
    // The documented move: remove the connection, add it again under the same name with 1.2.
    await new ConnectionRepository(target.store.db).remove(tenant.tenantId, id);
    await addConnection(target, { tenantId: tenant.tenantId, id, kind: 'oneroster-rest', url: v12.platform.url, ...credentials, settings: { oneRosterVersion: '1.2' } });
    const moved = await pull(target, tenant.tenantId, id);
    expect(moved.summary).toMatchObject({ created: 0, updated: 0, deleted: 0, failed: 0 });
    expect(v12.platform.log.some((l) => l.startsWith('GET /ims/oneroster/rostering/v1p2/academicSessions?'))).toBe(true);
    const after = await live(target, tenant.tenantId);
    expect(after.map((s) => [s.id, s.endDate, s.identifiers])).toEqual(before.map((s) => [s.id, s.endDate, s.identifiers]));
  });

  it('reads a 1.1 CSV set (manifest oneroster.version 1.1) with the last day as endDate', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'or11-csv-'));
    try {
      writeFileSync(join(dir, 'manifest.csv'), 'propertyName,value\nmanifest.version,1.0\noneroster.version,1.1\nfile.academicSessions,bulk\nfile.orgs,absent\nsource.systemName,Example SIS\n');
      const rows = EXAMPLE_SESSIONS.map((s) => [s.sourcedId, '', '', s.title, s.type, s.startDate, s.lastDay, s.parent ?? '', s.schoolYear].join(','));
      writeFileSync(join(dir, 'academicSessions.csv'), `sourcedId,status,dateLastModified,title,type,startDate,endDate,parentSourcedId,schoolYear\n${rows.join('\n')}\n`);
      const tenant = await createTenant(target, { schools: 0, schoolYears: [2020] });
      const id = `csv11-${tenant.tenantId}`;
      await addConnection(target, { tenantId: tenant.tenantId, id, kind: 'oneroster-csv', url: dir });
      expect((await pull(target, tenant.tenantId, id)).summary).toMatchObject({ created: 5, failed: 0 });
      const sessions = await live(target, tenant.tenantId);
      expect(sessions.find((s) => s.name === 'Fall Term')).toMatchObject({ endDate: '2019-12-20' });
      expect(sessions.find((s) => s.name === 'In-service Day')).toMatchObject({ beginDate: '2020-02-14', endDate: '2020-02-14' });
      // The 1.2 binding still refuses the same one-day row (its endDate is the day after).
      writeFileSync(join(dir, 'manifest.csv'), 'propertyName,value\nmanifest.version,1.0\noneroster.version,1.2\nfile.academicSessions,bulk\nfile.orgs,absent\n');
      const refused = await pull(target, tenant.tenantId, id).catch((e: unknown) => e as Error);
      expect((refused as Error).message).toContain('must be after startDate 2020-02-14');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  // Profiles that share paths, version and paging reach a provider the same way: one pull each.
  const groups = new Map<string, ProviderProfile[]>();
  for (const p of providerProfiles().filter((x) => x.kind === 'oneroster-rest')) {
    const key = JSON.stringify([p.basePath, p.tokenPath, p.settings]);
    groups.set(key, [...(groups.get(key) ?? []), p]);
  }
  it.each([...groups.values()].map((g) => [g.map((p) => p.id).join(', '), g] as const))('profile %s reaches a provider at its usual paths', async (_ids, group) => {
    const profile = group[0]!;
    const version = profile.settings?.oneRosterVersion ?? '1.2';
    const signed = String(profile.settings?.auth ?? '').startsWith('oauth1');
    const fake = await startOneRosterFake({
      basePath: profile.basePath!,
      tokenPath: profile.tokenPath!,
      version,
      sessions: EXAMPLE_SESSIONS,
      honoursSort: profile.settings?.paging !== 'offset',
      ...(signed ? { oauth1: ['HMAC-SHA256'] } : {}),
    });
    try {
      const tenant = await createTenant(target, { schools: 1, schoolYears: [2020] });
      const school = { school: tenant.schools[0]!.schoolId! };
      const made = applyProfile(profile, { url: fake.platform.url, settings: school });
      expect(made.url).toBe(`${fake.platform.url}${profile.basePath}`);
      for (const other of group) expect(applyProfile(other, { url: fake.platform.url, settings: school })).toEqual(made);
      await addConnection(target, { tenantId: tenant.tenantId, id: `${profile.id}-${tenant.tenantId}`, kind: made.kind, url: made.url, tokenUrl: made.tokenUrl, ...credentials, provider: profile.id, settings: made.settings });
      expect((await pull(target, tenant.tenantId, `${profile.id}-${tenant.tenantId}`)).summary).toMatchObject({ created: 5, failed: 0 });
      expect((await live(target, tenant.tenantId)).find((s) => s.name === 'Fall Term')).toMatchObject({ endDate: '2019-12-20' });
      if (signed) expect(fake.platform.log.filter((l) => l.startsWith('POST'))).toEqual([]);
      else expect(fake.platform.log[0]).toBe(`POST ${profile.tokenPath}`);
      await expectEveryApiShows(target, tenant, ['Fall Term', 'Spring Term', 'In-service Day']);
    } finally {
      await fake.platform.close();
    }
  });
});
