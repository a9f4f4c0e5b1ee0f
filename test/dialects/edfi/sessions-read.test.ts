// GET /data/v3/ed-fi/sessions: visibility, filters, paging (offset and cursor), Total-Count,
// change windows, partitions, GET by id with ETags and links. Black-box over HTTP.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SessionRepository } from '../../../src/store/session-repository.ts';
import { createTenant, drivers, startApp, type TestApp, type TestTenant } from '../../harness.ts';
import { DATA, edfiClient, FALL, sessionBody, type EdfiClient } from './edfi-fixtures.ts';

describe.each(drivers())('Ed-Fi sessions reads on %s', (driver) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp(driver);
  });
  afterAll(() => t.close());

  const canonical = (schoolOrgId: string | null, overrides: Record<string, unknown> = {}) => ({
    schoolOrgId,
    schoolYear: 2026,
    name: 'S',
    type: 'semester' as const,
    beginDate: '2025-08-13',
    endDate: '2025-12-19',
    parentId: null,
    termDescriptor: FALL,
    gradingPeriodDescriptor: null,
    periodSequence: null,
    totalInstructionalDays: 80,
    ...overrides,
  });

  async function setup(): Promise<{ tenant: TestTenant; c: EdfiClient; repo: SessionRepository }> {
    const tenant = await createTenant(t);
    return { tenant, c: await edfiClient(t.app, tenant), repo: new SessionRepository(t.store.db) };
  }

  it('lists only complete, live, non-grading-period sessions; a missing term descriptor shows the type default', async () => {
    const { tenant, c, repo } = await setup();
    const school = tenant.schools[0]!;
    await repo.insert(tenant.tenantId, canonical(null, { name: 'District-wide' }));
    await repo.insert(tenant.tenantId, canonical(school.id, { name: 'No dates', beginDate: null, endDate: null }));
    await repo.insert(tenant.tenantId, canonical(school.id, { name: 'No year', schoolYear: null }));
    await repo.insert(tenant.tenantId, canonical(school.id, { name: 'GP', type: 'gradingPeriod', gradingPeriodDescriptor: 'uri://ed-fi.org/GradingPeriodDescriptor#First Six Weeks' }));
    const gone = await repo.insert(tenant.tenantId, canonical(school.id, { name: 'Gone' }));
    await repo.markDeleted(tenant.tenantId, gone.id);
    await repo.insert(tenant.tenantId, canonical(school.id, { name: 'Q1', type: 'quarter', termDescriptor: null }));
    await repo.insert(tenant.tenantId, canonical(school.id, { name: 'Fall' }));

    const res = await c.get(`${DATA}/sessions?totalCount=true`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['total-count']).toBe('2');
    const body = res.json() as { sessionName: string; termDescriptor: string }[];
    expect(body.map((s) => s.sessionName)).toEqual(['Q1', 'Fall']); // insertion order; Default Term never listed
    expect(body[0]!.termDescriptor).toBe('uri://ed-fi.org/TermDescriptor#Quarter');

    const byDefault = await c.get(`${DATA}/sessions?termDescriptor=uri://ed-fi.org/TermDescriptor%23Quarter`);
    expect((byDefault.json() as { sessionName: string }[]).map((s) => s.sessionName)).toEqual(['Q1']);
  });

  it('filters by exact match on every property, ANDed', async () => {
    const { tenant, c } = await setup();
    const [a, b] = tenant.schools.map((s) => s.schoolId!);
    const fall = await c.create(`${DATA}/sessions`, sessionBody(a!));
    await c.create(`${DATA}/sessions`, sessionBody(b!));
    await c.create(`${DATA}/sessions`, sessionBody(a!, { sessionName: 'Spring Semester', beginDate: '2026-01-05', endDate: '2026-05-22', termDescriptor: 'uri://ed-fi.org/TermDescriptor#Spring Semester', totalInstructionalDays: 90 }));
    await c.create(`${DATA}/sessions`, sessionBody(a!, { sessionName: 'Fall 2025', schoolYearTypeReference: { schoolYear: 2025 }, beginDate: '2024-08-13', endDate: '2024-12-19' }));
    const names = async (query: string) => ((await c.get(`${DATA}/sessions?${query}`)).json() as { sessionName: string; schoolReference: { schoolId: number } }[]).map((s) => `${s.sessionName}@${s.schoolReference.schoolId}`);

    expect(await names(`schoolId=${a}`)).toEqual([`Fall Semester@${a}`, `Spring Semester@${a}`, `Fall 2025@${a}`]);
    expect(await names(`sessionName=Fall%20Semester`)).toEqual([`Fall Semester@${a}`, `Fall Semester@${b}`]);
    expect(await names(`schoolYear=2025`)).toEqual([`Fall 2025@${a}`]);
    expect(await names(`termDescriptor=uri://ed-fi.org/TermDescriptor%23Spring%20Semester`)).toEqual([`Spring Semester@${a}`]);
    expect(await names(`beginDate=2026-01-05`)).toEqual([`Spring Semester@${a}`]);
    expect(await names(`endDate=2024-12-19`)).toEqual([`Fall 2025@${a}`]);
    expect(await names(`totalInstructionalDays=90`)).toEqual([`Spring Semester@${a}`]);
    expect(await names(`id=${fall.id}`)).toEqual([`Fall Semester@${a}`]);
    expect(await names(`id=not-a-guid`)).toEqual([]);
    expect(await names(`schoolId=${a}&schoolYear=2026&sessionName=Fall%20Semester`)).toEqual([`Fall Semester@${a}`]);
    expect(await names(`schoolId=${b}&totalInstructionalDays=90`)).toEqual([]);
    expect(await names(`someUnknownParameter=1`)).toHaveLength(4);
  });

  it('pages with offset/limit (default 25, max 500) in stable insertion order; Total-Count ignores paging', async () => {
    const { tenant, c, repo } = await setup();
    const school = tenant.schools[0]!.id;
    for (let i = 0; i < 30; i++) await repo.insert(tenant.tenantId, canonical(school, { name: `S${String(i).padStart(2, '0')}` }));
    const first = await c.get(`${DATA}/sessions`);
    expect(first.json()).toHaveLength(25);
    expect(first.headers['total-count']).toBeUndefined();
    const all = (await c.get(`${DATA}/sessions?limit=500`)).json() as { sessionName: string }[];
    expect(all.map((s) => s.sessionName)).toEqual(Array.from({ length: 30 }, (_, i) => `S${String(i).padStart(2, '0')}`));
    const page = await c.get(`${DATA}/sessions?offset=10&limit=5&totalCount=true`);
    expect((page.json() as { sessionName: string }[]).map((s) => s.sessionName)).toEqual(['S10', 'S11', 'S12', 'S13', 'S14']);
    expect(page.headers['total-count']).toBe('30');
    const count = await c.get(`${DATA}/sessions?limit=0&totalCount=true`);
    expect(count.json()).toEqual([]);
    expect(count.headers['total-count']).toBe('30');

    const bad = await c.get(`${DATA}/sessions?limit=501`);
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({
      type: 'urn:ed-fi:api:bad-request:parameter-validation-failed',
      title: 'Parameter Validation Failed',
      status: 400,
      detail: 'The request construction was invalid.',
      errors: ['Limit must be a value between 0 and 500.'],
    });
  });

  it('walks cursor pages via Next-Page-Token until an empty page without the header', async () => {
    const { tenant, c, repo } = await setup();
    const school = tenant.schools[0]!.id;
    for (let i = 0; i < 7; i++) await repo.insert(tenant.tenantId, canonical(school, { name: `C${i}` }));
    const first = await c.get(`${DATA}/sessions?limit=3`);
    let token = first.headers['next-page-token'] as string | undefined;
    expect(token).toBeTruthy();
    const seen = (first.json() as { sessionName: string }[]).map((s) => s.sessionName);
    let requests = 0;
    while (token && requests++ < 10) {
      const page = await c.get(`${DATA}/sessions?pageToken=${encodeURIComponent(token)}&pageSize=3`);
      expect(page.statusCode).toBe(200);
      const rows = page.json() as { sessionName: string }[];
      if (rows.length === 0) expect(page.headers['next-page-token']).toBeUndefined();
      seen.push(...rows.map((s) => s.sessionName));
      token = page.headers['next-page-token'] as string | undefined;
    }
    expect(seen).toEqual(['C0', 'C1', 'C2', 'C3', 'C4', 'C5', 'C6']);

    const withTotal = await c.get(`${DATA}/sessions?pageToken=${encodeURIComponent(first.headers['next-page-token'] as string)}&totalCount=true`);
    expect(withTotal.statusCode).toBe(400);
    expect(withTotal.json().errors).toEqual(['Total count cannot be determined while using cursor paging (when pageToken is specified).']);
    expect((await c.get(`${DATA}/sessions?pageToken=garbage!`)).json().errors).toEqual(['The page token provided was invalid.']);
  });

  it('splits into partitions whose tokens page through every row once', async () => {
    const { tenant, c, repo } = await setup();
    const school = tenant.schools[0]!.id;
    for (let i = 0; i < 10; i++) await repo.insert(tenant.tenantId, canonical(school, { name: `P${i}` }));
    const one = await c.get(`${DATA}/sessions/partitions?number=3`);
    expect(one.statusCode).toBe(200);
    expect((one.json() as { pageTokens: string[] }).pageTokens).toHaveLength(1); // below ODS's 2500-row minimum
    const res = await c.get(`${DATA}/sessions/partitions?number=3&allowSmallPartitions=true`);
    const tokens = (res.json() as { pageTokens: string[] }).pageTokens;
    expect(tokens).toHaveLength(3);
    const seen: string[] = [];
    for (const token of tokens) {
      const rows = (await c.get(`${DATA}/sessions?pageToken=${encodeURIComponent(token)}&pageSize=100`)).json() as { sessionName: string }[];
      seen.push(...rows.map((s) => s.sessionName));
    }
    expect(seen).toEqual(Array.from({ length: 10 }, (_, i) => `P${i}`));
    expect((await c.get(`${DATA}/sessions/partitions?sessionName=none`)).json()).toEqual({ pageTokens: [] });
    const bad = await c.get(`${DATA}/sessions/partitions?number=0`);
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors).toEqual(['Number of partitions must be between 1 and 200.']);
  });

  it('filters by inclusive minChangeVersion and maxChangeVersion', async () => {
    const { tenant, c } = await setup();
    const school = tenant.schools[0]!.schoolId!;
    const etags: number[] = [];
    for (const name of ['V1', 'V2', 'V3']) etags.push(Number(JSON.parse((await c.create(`${DATA}/sessions`, sessionBody(school, { sessionName: name }))).etag)));
    const names = async (q: string) => ((await c.get(`${DATA}/sessions?${q}`)).json() as { sessionName: string }[]).map((s) => s.sessionName);
    expect(await names(`minChangeVersion=${etags[1]}`)).toEqual(['V2', 'V3']);
    expect(await names(`maxChangeVersion=${etags[1]}`)).toEqual(['V1', 'V2']);
    expect(await names(`minChangeVersion=${etags[1]}&maxChangeVersion=${etags[1]}`)).toEqual(['V2']);
  });

  it('gets by 32-hex id with a quoted ETag equal to _etag, links, and 304 on If-None-Match quoted or not', async () => {
    const { tenant, c } = await setup();
    const school = tenant.schools[0]!;
    const { id, etag } = await c.create(`${DATA}/sessions`, sessionBody(school.schoolId!));
    expect(id).toMatch(/^[0-9a-f]{32}$/);
    const res = await c.get(`${DATA}/sessions/${id}`);
    expect(res.statusCode).toBe(200);
    const s = res.json();
    expect(res.headers.etag).toBe(`"${s._etag}"`);
    expect(res.headers.etag).toBe(etag);
    expect(s._lastModifiedDate).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/);
    expect(s).toMatchObject({
      id,
      sessionName: 'Fall Semester',
      beginDate: '2025-08-13',
      endDate: '2025-12-19',
      termDescriptor: FALL,
      totalInstructionalDays: 80,
      schoolReference: { schoolId: school.schoolId, link: { rel: 'School', href: `/ed-fi/schools/${school.id.replace(/-/g, '')}` } },
      schoolYearTypeReference: { schoolYear: 2026, link: { rel: 'SchoolYearType' } },
    });
    expect(s.schoolYearTypeReference.link.href).toMatch(/^\/ed-fi\/schoolYearTypes\/[0-9a-f]{32}$/);
    for (const v of [etag, etag.replace(/"/g, '')]) {
      const again = await c.get(`${DATA}/sessions/${id}`, { 'if-none-match': v });
      expect(again.statusCode).toBe(304);
      expect(again.body).toBe('');
    }
    expect((await c.get(`${DATA}/sessions/${id}`, { 'if-none-match': '"1"' })).statusCode).toBe(200);
  });

  it('answers 404 for unknown ids, malformed ids and another tenant’s sessions alike', async () => {
    const { c } = await setup();
    const other = await setup();
    const { id } = await other.c.create(`${DATA}/sessions`, sessionBody(other.tenant.schools[0]!.schoolId!));
    for (const path of [id, '00000000000000000000000000000000', 'nope']) {
      const res = await c.get(`${DATA}/sessions/${path}`);
      expect(res.statusCode).toBe(404);
      expect(res.json()).toMatchObject({ type: 'urn:ed-fi:api:not-found', title: 'Not Found', status: 404, detail: 'The specified item could not be found.' });
    }
  });

  it('has no snapshot: Use-Snapshot: true on a read answers 404 Snapshot not found', async () => {
    const { c } = await setup();
    const res = await c.get(`${DATA}/sessions`, { 'use-snapshot': 'true' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ type: 'urn:ed-fi:api:not-found', detail: 'Snapshot not found.', errors: ['The snapshot connection for the ODS has not been configured.'] });
    expect((await c.get(`${DATA}/sessions`, { 'use-snapshot': 'false' })).statusCode).toBe(200);
  });

  it('requires a token with an Ed-Fi read scope', async () => {
    const { tenant } = await setup();
    const anonymous = await t.app.inject({ method: 'GET', url: `${DATA}/sessions` });
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.json()).toMatchObject({ type: 'urn:ed-fi:api:security:authentication', errors: ['Authorization header is missing.'] });
    const writeOnly = await t.app.inject({ method: 'GET', url: `${DATA}/sessions`, headers: await tenant.auth(['edfi:write']) });
    expect(writeOnly.statusCode).toBe(403);
    expect(writeOnly.json().type).toMatch(/^urn:ed-fi:api:security:authorization/);
  });

  it('never answers 500 to a random query string on any GET-many route', async () => {
    const { c, tenant } = await setup();
    await c.create(`${DATA}/sessions`, sessionBody(tenant.schools[0]!.schoolId!));
    const names = ['offset', 'limit', 'pageToken', 'pageSize', 'totalCount', 'minChangeVersion', 'maxChangeVersion', 'number', 'schoolId', 'schoolYear', 'termDescriptor', 'beginDate', 'id', 'sessionName', 'x'];
    const pair = fc.tuple(fc.constantFrom(...names), fc.oneof(fc.string(), fc.integer().map(String), fc.constantFrom('-1', '0', '500', '501', 'true', '2025-08-13', '%23', '%', '%zz')));
    await fc.assert(
      fc.asyncProperty(fc.array(pair, { maxLength: 5 }), fc.constantFrom('sessions', 'sessions/partitions', 'sessions/deletes', 'sessions/keyChanges', 'gradingPeriods', 'schools'), async (pairs, resource) => {
        const query = pairs.map(([k, v]) => `${k}=${/^%/.test(v) ? v : encodeURIComponent(v)}`).join('&');
        const res = await c.get(`${DATA}/${resource}?${query}`);
        expect([200, 400], `${resource}?${query}: ${res.body}`).toContain(res.statusCode);
        if (res.statusCode === 400) expect(res.json().type).toMatch(/^urn:ed-fi:api:bad-request/);
      }),
      { numRuns: 60 },
    );
  });
});
