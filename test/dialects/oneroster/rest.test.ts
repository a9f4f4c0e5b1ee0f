// OneRoster 1.2 academicSessions / terms / gradingPeriods over HTTP, on every driver.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SessionRepository } from '../../../src/store/session-repository.ts';
import { ROSTER_CORE_READONLY, ROSTER_CREATEPUT, ROSTER_READONLY } from '../../../src/dialects/oneroster/scopes.ts';
import { createTenant, drivers, startApp, type TestApp, type TestTenant } from '../../harness.ts';
import { ALL_SCOPES, P, put, seedCalendar, type SessionBody } from './fixtures.ts';
import { expectValid } from './openapi-schema.ts';

type Json = Record<string, any>;

describe.each(drivers())('OneRoster REST on %s', (driver) => {
  let t: TestApp;
  let tenant: TestTenant;
  let h: Record<string, string>;
  const get = async (url: string, headers = h) => t.app.inject({ method: 'GET', url, headers });
  const ids = async (url: string) => ((await get(url)).json().academicSessions as Json[]).map((s) => s.sourcedId);

  beforeAll(async () => {
    t = await startApp(driver);
    tenant = await createTenant(t);
    h = await tenant.auth(ALL_SCOPES);
    await seedCalendar(t, tenant, h);
    // A session without dates (a Canvas term) is not an academic session.
    await new SessionRepository(t.store.db).insert(tenant.tenantId, {
      schoolOrgId: null, schoolYear: null, name: 'Undated', type: 'term', beginDate: null, endDate: null, parentId: null,
      termDescriptor: null, gradingPeriodDescriptor: null, periodSequence: null, totalInstructionalDays: null,
    });
  });
  afterAll(async () => t?.close());

  describe('reads', () => {
    it('lists every dated session in sourcedId order, valid against the 1.2 schema, without the default term', async () => {
      const r = await get(`${P}/academicSessions`);
      expect(r.statusCode).toBe(200);
      expect(r.headers['content-type']).toContain('application/json');
      const body = r.json();
      expectValid('collection', body);
      expect(body.academicSessions.map((s: Json) => s.sourcedId)).toEqual(['fall', 'gp1', 'gp2', 'q3', 'spring', 'sy26', 't1']);
      expect(r.headers['x-total-count']).toBe('7');
    });

    it('writes the exclusive endDate, the ext: type, schoolYear as a string and absolute GUIDRefs', async () => {
      const r = await get(`${P}/academicSessions/t1`);
      expect(r.statusCode).toBe(200);
      expectValid('single', r.json());
      const s = r.json().academicSession;
      expect(s).toMatchObject({ sourcedId: 't1', status: 'active', title: 'Term 1', type: 'term', startDate: '2025-08-15', endDate: '2025-12-20', schoolYear: '2026' });
      expect(s.parent).toEqual({ href: `http://localhost:80${P}/academicSessions/fall`, sourcedId: 'fall', type: 'academicSession' });
      expect(s.children.map((c: Json) => c.sourcedId)).toEqual(['gp1', 'gp2']);
      expect(s.org).toEqual({ href: `http://localhost:80${P}/orgs/${tenant.schools[0]!.id}`, sourcedId: tenant.schools[0]!.id, type: 'org' });
      expect(s.dateLastModified).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
      expect((await get(`${P}/academicSessions/q3`)).json().academicSession.type).toBe('ext:quarter');
      // The canonical end date is the last day.
      const stored = await new SessionRepository(t.store.db).getByIdentifier(tenant.tenantId, 'oneroster', 't1');
      expect(stored!.endDate).toBe('2025-12-19');
    });

    it('finds a session by its uuid too', async () => {
      const stored = await new SessionRepository(t.store.db).getByIdentifier(tenant.tenantId, 'oneroster', 'fall');
      const r = await get(`${P}/academicSessions/${stored!.id}`);
      expect(r.json().academicSession.sourcedId).toBe('fall');
    });

    it('answers unknownobject 404 for an unknown sourcedId, the default term, and another tenant', async () => {
      const r = await get(`${P}/academicSessions/nope`);
      expect(r.statusCode).toBe(404);
      expectValid('statusInfo', r.json());
      expect(r.json()).toMatchObject({ imsx_codeMajor: 'failure', imsx_severity: 'error', imsx_CodeMinor: { imsx_codeMinorField: [{ imsx_codeMinorFieldName: 'TargetEndSystem', imsx_codeMinorFieldValue: 'unknownobject' }] } });
      const defaultTerm = (await new SessionRepository(t.store.db).find(tenant.tenantId, { where: { field: 'isDefaultTerm', op: 'eq', value: true }, sort: [], page: { kind: 'all' } })).rows[0]!;
      expect((await get(`${P}/academicSessions/${defaultTerm.id}`)).statusCode).toBe(404);
      const other = await createTenant(t);
      const oh = await other.auth(ALL_SCOPES);
      expect((await get(`${P}/academicSessions/fall`, oh)).statusCode).toBe(404);
      expect((await get(`${P}/academicSessions`, oh)).json()).toEqual({ academicSessions: [] });
    });

    it('/terms and /gradingPeriods list and fetch only their type', async () => {
      expect(await ids(`${P}/terms`)).toEqual(['t1']);
      expect(await ids(`${P}/gradingPeriods`)).toEqual(['gp1', 'gp2']);
      expect((await get(`${P}/terms/t1`)).json().academicSession.sourcedId).toBe('t1');
      expect((await get(`${P}/terms/fall`)).statusCode).toBe(404);
      const gp = await get(`${P}/gradingPeriods/gp2`);
      expectValid('single', gp.json());
      expect((await get(`${P}/gradingPeriods/t1`)).statusCode).toBe(404);
    });

    it("/schools/{id}/terms lists the school's terms; an unknown school or the district is unknownobject", async () => {
      const r = await get(`${P}/schools/${tenant.schools[0]!.id}/terms`);
      expect(r.statusCode).toBe(200);
      expectValid('collection', r.json());
      expect(r.json().academicSessions.map((s: Json) => s.sourcedId)).toEqual(['t1']);
      expect(await ids(`${P}/schools/${tenant.schools[1]!.id}/terms`)).toEqual([]);
      for (const id of ['nope', tenant.districtId]) {
        const miss = await get(`${P}/schools/${id}/terms`);
        expect(miss.statusCode).toBe(404);
        expect(miss.json().imsx_CodeMinor.imsx_codeMinorField[0].imsx_codeMinorFieldValue).toBe('unknownobject');
      }
    });

    it("/terms/{id}/gradingPeriods lists the term's grading periods; a non-term is unknownobject", async () => {
      const r = await get(`${P}/terms/t1/gradingPeriods?sort=startDate&orderBy=desc`);
      expectValid('collection', r.json());
      expect(r.json().academicSessions.map((s: Json) => s.sourcedId)).toEqual(['gp2', 'gp1']);
      expect((await get(`${P}/terms/fall/gradingPeriods`)).statusCode).toBe(404);
      expect((await get(`${P}/terms/nope/gradingPeriods`)).statusCode).toBe(404);
    });
  });

  describe('collection parameters', () => {
    it('pages with limit/offset, X-Total-Count and first/prev/next/last links', async () => {
      const r = await get(`${P}/academicSessions?limit=2&offset=2&filter=${encodeURIComponent("status='active'")}`);
      expect(r.json().academicSessions.map((s: Json) => s.sourcedId)).toEqual(['gp2', 'q3']);
      expect(r.headers['x-total-count']).toBe('7');
      const link = String(r.headers.link);
      const q = `filter=status%3D%27active%27`;
      expect(link).toContain(`<http://localhost:80${P}/academicSessions?limit=2&offset=0&${q}>; rel="first"`);
      expect(link).toContain(`offset=0&${q}>; rel="prev"`);
      expect(link).toContain(`offset=4&${q}>; rel="next"`);
      expect(link).toContain(`offset=6&${q}>; rel="last"`);
      const last = await get(`${P}/academicSessions?limit=2&offset=6`);
      expect(last.json().academicSessions.map((s: Json) => s.sourcedId)).toEqual(['t1']);
      expect(String(last.headers.link)).not.toContain('rel="next"');
    });

    it('walks every record exactly once, and clamps an oversized limit', async () => {
      const seen: string[] = [];
      for (let offset = 0; offset < 7; offset += 3) seen.push(...(await ids(`${P}/academicSessions?limit=3&offset=${offset}`)));
      expect(seen).toEqual(['fall', 'gp1', 'gp2', 'q3', 'spring', 'sy26', 't1']);
      expect((await get(`${P}/academicSessions?limit=100000`)).json().academicSessions).toHaveLength(7);
    });

    it.each(['limit=0', 'limit=-1', 'limit=abc', 'limit=1e3', 'limit=9223372036854775808', 'limit=1&limit=2', 'offset=-1', 'offset=abc', 'orderBy=up'])(
      'answers invaliddata 400 for %s',
      async (q) => {
        const r = await get(`${P}/academicSessions?${q}`);
        expect(r.statusCode).toBe(400);
        expectValid('statusInfo', r.json());
        expect(r.json().imsx_CodeMinor.imsx_codeMinorField[0].imsx_codeMinorFieldValue).toBe('invaliddata');
      },
    );

    it('sorts by any field, either way; an unknown sort field is invalid_selection_field', async () => {
      expect(await ids(`${P}/academicSessions?sort=endDate&orderBy=desc&limit=2`)).toEqual(['sy26', 'spring']);
      expect(await ids(`${P}/academicSessions?sort=title`)).toEqual(['sy26', 'fall', 'gp1', 'gp2', 'q3', 'spring', 't1']);
      const r = await get(`${P}/academicSessions?sort=familyName`);
      expect(r.statusCode).toBe(400);
      expect(r.json().imsx_CodeMinor.imsx_codeMinorField[0].imsx_codeMinorFieldValue).toBe('invalid_selection_field');
      expect(r.json().imsx_description).toContain('familyName');
    });

    it('returns only the selected fields, comma separated or repeated; a bad field is invalid_selection_field', async () => {
      expect((await get(`${P}/academicSessions?fields=sourcedId,endDate&limit=1`)).json()).toEqual({ academicSessions: [{ sourcedId: 'fall', endDate: '2025-12-20' }] });
      expect((await get(`${P}/academicSessions/t1?fields=title&fields=schoolYear`)).json()).toEqual({ academicSession: { title: 'Term 1', schoolYear: '2026' } });
      for (const q of ['fields=familyName', 'fields=title,,type']) {
        const r = await get(`${P}/academicSessions?${q}`);
        expect(r.statusCode).toBe(400);
        expect(r.json().imsx_CodeMinor.imsx_codeMinorField[0].imsx_codeMinorFieldValue).toBe('invalid_selection_field');
      }
      expect((await get(`${P}/academicSessions/t1?fields=nope`)).statusCode).toBe(400);
    });

    it.each([
      ["type='semester'", ['fall', 'spring']],
      ["type='ext:quarter'", ['q3']],
      ["type!='gradingPeriod' AND schoolYear='2026' AND startDate>='2025-09-01'", ['q3', 'spring']],
      ["title~'gp' OR type='term' AND title='Term 1'", ['gp1', 'gp2', 't1']],
      ["(title='Fall' OR title='Spring') AND type='semester'", ['fall', 'spring']],
      ["endDate='2025-12-20'", ['fall', 't1', 'gp2']],
      ["endDate>'2026-06-01'", ['sy26']],
      ["endDate<='2025-10-15'", ['gp1']],
      ["startDate<'2025-08-15'", ['sy26']],
      ["parent.sourcedId='t1'", ['gp1', 'gp2']],
      ["parent.sourcedId!='sy26' AND parent.sourcedId!='t1'", ['q3', 't1', 'sy26']],
      ["parent.sourcedId!='nope' AND type='semester'", ['fall', 'spring']],
      ["parent.sourcedId='nope'", []],
      ['sourcedId>"x"', []],
      ["sourcedId>='q3'", ['q3', 'spring', 'sy26', 't1']],
      ["title='Fall", null],
      ["schoolYear>'2026'", []],
      ["status='tobedeleted'", []],
    ])('filters %s', async (filter, expected) => {
      const r = await get(`${P}/academicSessions?filter=${encodeURIComponent(filter)}`);
      if (expected === null) {
        expect(r.statusCode).toBe(400);
        return;
      }
      expect(r.statusCode).toBe(200);
      expect(r.json().academicSessions.map((s: Json) => s.sourcedId).sort()).toEqual([...expected].sort());
    });

    it('filters on org.sourcedId: the school, or the district for district-wide sessions', async () => {
      expect(await ids(`${P}/academicSessions?filter=${encodeURIComponent(`org.sourcedId='${tenant.schools[0]!.id}'`)}&limit=3`)).toEqual(['fall', 'gp1', 'gp2']);
      expect(await ids(`${P}/academicSessions?filter=${encodeURIComponent(`org.sourcedId='${tenant.districtId}'`)}`)).toEqual([]);
    });

    it('answers invalid_filter_field 400 naming the position and what was expected', async () => {
      const r = await get(`${P}/academicSessions?filter=${encodeURIComponent("title='a' titel='b'")}`);
      expect(r.statusCode).toBe(400);
      expectValid('statusInfo', r.json());
      expect(r.json().imsx_CodeMinor.imsx_codeMinorField[0].imsx_codeMinorFieldValue).toBe('invalid_filter_field');
      expect(r.json().imsx_description).toBe("filter: at position 10, expected AND, OR or the end of the filter but found 'titel='b''.");
      const unknown = await get(`${P}/academicSessions?filter=${encodeURIComponent("familyName='x'")}`);
      expect(unknown.json().imsx_description).toContain("'familyName' is not a field");
    });

    it('never answers 500 to a random filter, sort, fields or paging value', async () => {
      const junk = fc.oneof(fc.string({ maxLength: 30 }), fc.constantFrom("'", "title='", '((', 'endDate>', "a.b.c='x'", '\u0000', '%'));
      await fc.assert(
        fc.asyncProperty(fc.constantFrom('filter', 'sort', 'fields', 'limit', 'offset', 'orderBy'), junk, async (param, value) => {
          const r = await get(`${P}/academicSessions?${param}=${encodeURIComponent(value)}`);
          expect([200, 400]).toContain(r.statusCode);
        }),
        { numRuns: 60 },
      );
    });
  });

  describe('scopes and authentication', () => {
    it('answers unauthorisedrequest 401 without a token, forbidden 403 without the scope', async () => {
      const none = await t.app.inject({ url: `${P}/academicSessions` });
      expect(none.statusCode).toBe(401);
      expectValid('statusInfo', none.json());
      expect(none.json().imsx_CodeMinor.imsx_codeMinorField[0].imsx_codeMinorFieldValue).toBe('unauthorisedrequest');
      const core = await tenant.auth([ROSTER_CORE_READONLY]);
      expect((await get(`${P}/terms`, core)).statusCode).toBe(200);
      const forbidden = await get(`${P}/schools/${tenant.schools[0]!.id}/terms`, core);
      expect(forbidden.statusCode).toBe(403);
      expect(forbidden.json().imsx_CodeMinor.imsx_codeMinorField[0].imsx_codeMinorFieldValue).toBe('forbidden');
      expect((await get(`${P}/terms/t1/gradingPeriods`, core)).statusCode).toBe(403);
      const reader = await tenant.auth([ROSTER_READONLY]);
      expect((await get(`${P}/terms/t1/gradingPeriods`, reader)).statusCode).toBe(200);
      expect((await put(t, reader, 'x', { title: 'x', type: 'term', startDate: '2025-01-01', endDate: '2025-02-01', schoolYear: '2025' })).statusCode).toBe(403);
      const writer = await tenant.auth([ROSTER_CREATEPUT]);
      expect((await t.app.inject({ method: 'DELETE', url: `${P}/academicSessions/gp1`, headers: writer })).statusCode).toBe(403);
    });

    it('has a scope entry for every OneRoster route', () => {
      const routes = t.app.ctx.registry.routes().filter((r) => r.includes('/ims/oneroster') && !r.startsWith('HEAD '));
      expect(routes.length).toBeGreaterThanOrEqual(17);
      for (const r of routes) expect(t.app.ctx.registry.scopesFor(r), r).toBeDefined();
    });
  });
});

describe.each(drivers())('OneRoster writes and delta on %s', (driver) => {
  let t: TestApp;
  beforeAll(async () => { t = await startApp(driver); });
  afterAll(async () => t?.close());

  async function fresh() {
    const tenant = await createTenant(t);
    const h = await tenant.auth(ALL_SCOPES);
    return { tenant, h };
  }
  const year = (org: string): SessionBody => ({ title: '2025-2026', type: 'schoolYear', startDate: '2025-08-01', endDate: '2026-07-01', schoolYear: '2026', org: { sourcedId: org } });

  it('PUT creates (201) then updates (200), answering the stored object unwrapped', async () => {
    const { tenant, h } = await fresh();
    const created = await put(t, h, 'y1', year(tenant.schools[0]!.id));
    expect(created.statusCode).toBe(201);
    expectValid('session', created.json());
    expect(created.json()).toMatchObject({ sourcedId: 'y1', title: '2025-2026', endDate: '2026-07-01', status: 'active', children: [] });
    const updated = await put(t, h, 'y1', { ...year(tenant.schools[0]!.id), title: 'SY 2026', metadata: { totalInstructionalDays: 175, color: 'blue' } });
    expect(updated.statusCode).toBe(200);
    expect(updated.json()).toMatchObject({ sourcedId: 'y1', title: 'SY 2026', metadata: { totalInstructionalDays: 175, color: 'blue' } });
    expect(new Date(updated.json().dateLastModified) >= new Date(created.json().dateLastModified)).toBe(true);
    const stored = await new SessionRepository(t.store.db).getByIdentifier(tenant.tenantId, 'oneroster', 'y1');
    expect(stored).toMatchObject({ name: 'SY 2026', totalInstructionalDays: 175, endDate: '2026-06-30', schoolOrgId: tenant.schools[0]!.id });
  });

  it('PUT without org puts the session under the district; a uuid sourcedId becomes the id', async () => {
    const { tenant, h } = await fresh();
    const id = '0b5c4a52-6a0e-4c38-9c8e-3d2b8f1c2a11';
    const r = await put(t, h, id, { title: 'District year', type: 'schoolYear', startDate: '2025-08-01', endDate: '2026-07-01', schoolYear: '2026' });
    expect(r.statusCode).toBe(201);
    expect(r.json().org.sourcedId).toBe(tenant.districtId);
    expect((await new SessionRepository(t.store.db).get(tenant.tenantId, id))!.identifiers).toEqual({});
  });

  it('POST creates with sourcedIdPairs; POST to an existing sourcedId is refused', async () => {
    const { tenant, h } = await fresh();
    const r = await t.app.inject({ method: 'POST', url: `${P}/academicSessions`, headers: h, payload: { academicSession: { ...year(tenant.schools[0]!.id), sourcedId: 'p1' } } });
    expect(r.statusCode).toBe(201);
    expect(r.json()).toEqual({ sourcedIdPairs: { suppliedSourcedId: 'p1', allocatedSourcedId: 'p1' } });
    const again = await t.app.inject({ method: 'POST', url: `${P}/academicSessions`, headers: h, payload: { academicSession: { ...year(tenant.schools[0]!.id), sourcedId: 'p1' } } });
    expect(again.statusCode).toBe(400);
    expect(again.json().imsx_description).toContain('already exists');
    const anonymous = await t.app.inject({ method: 'POST', url: `${P}/terms`, headers: h, payload: { academicSession: { title: 'T', type: 'term', startDate: '2025-08-01', endDate: '2025-12-01', schoolYear: '2026' } } });
    expect(anonymous.statusCode).toBe(201);
    const allocated = anonymous.json().sourcedIdPairs.allocatedSourcedId;
    expect((await t.app.inject({ url: `${P}/terms/${allocated}`, headers: h })).json().academicSession.title).toBe('T');
    const gp = await t.app.inject({ method: 'POST', url: `${P}/gradingPeriods`, headers: h, payload: { academicSession: { title: 'G', type: 'gradingPeriod', startDate: '2025-08-01', endDate: '2025-10-01', schoolYear: '2026', parent: { sourcedId: allocated } } } });
    expect(gp.statusCode).toBe(201);
    expect((await t.app.inject({ url: `${P}/terms/${allocated}/gradingPeriods`, headers: h })).json().academicSessions).toHaveLength(1);
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['an unknown type', { type: 'quarter' }, 'type must be one of'],
    ['a bad status', { status: 'inactive' }, "status must be 'active' or 'tobedeleted'"],
    ['a bad date', { startDate: '2025-02-30' }, 'startDate is required and must be a date'],
    ['an endDate not after startDate', { endDate: '2025-08-01' }, 'must be after startDate'],
    ['a missing title', { title: '' }, 'title is required'],
    ['a bad schoolYear', { schoolYear: '26' }, 'schoolYear is required'],
    ['an unknown org', { org: { sourcedId: 'nope' } }, "no org has sourcedId 'nope'"],
    ['an unknown parent', { parent: { sourcedId: 'nope' } }, "no academic session has sourcedId 'nope'"],
    ['an unknown field', { familyName: 'x' }, "'familyName' is not a field"],
    ['a title over 60 characters', { title: 'x'.repeat(61) }, 'at most 60 characters'],
  ])('PUT with %s is invaliddata 400 and writes nothing', async (_, change, message) => {
    const { tenant, h } = await fresh();
    const r = await put(t, h, 'bad', { ...year(tenant.schools[0]!.id), ...change } as SessionBody);
    expect(r.statusCode).toBe(400);
    expectValid('statusInfo', r.json());
    expect(r.json().imsx_CodeMinor.imsx_codeMinorField[0].imsx_codeMinorFieldValue).toBe('invaliddata');
    expect(r.json().imsx_description).toContain(message);
    expect((await t.app.inject({ url: `${P}/academicSessions/bad`, headers: h })).statusCode).toBe(404);
  });

  it('refuses a child outside its parent, a parent cycle, a mismatched sourcedId and a wrong type for the route', async () => {
    const { tenant, h } = await fresh();
    const org = { sourcedId: tenant.schools[0]!.id };
    await put(t, h, 'y', year(org.sourcedId));
    const outside = await put(t, h, 's', { title: 'S', type: 'semester', startDate: '2025-08-01', endDate: '2026-07-02', schoolYear: '2026', org, parent: { sourcedId: 'y' } });
    expect(outside.statusCode).toBe(400);
    expect(outside.json().imsx_description).toBe("endDate 2026-07-02 is after the endDate 2026-07-01 of its parent '2025-2026'.");
    expect((await put(t, h, 's', { title: 'S', type: 'semester', startDate: '2025-08-01', endDate: '2026-07-01', schoolYear: '2026', org, parent: { sourcedId: 'y' } })).statusCode).toBe(201);
    const cycle = await put(t, h, 'y', { ...year(org.sourcedId), parent: { sourcedId: 's' } });
    expect(cycle.statusCode).toBe(400);
    expect(cycle.json().imsx_description).toContain('cycle');
    const shrink = await put(t, h, 'y', { ...year(org.sourcedId), endDate: '2026-06-01' });
    expect(shrink.statusCode).toBe(400);
    expect(shrink.json().imsx_description).toContain("child session 's'");
    const mismatch = await t.app.inject({ method: 'PUT', url: `${P}/academicSessions/a`, headers: h, payload: { academicSession: { ...year(org.sourcedId), sourcedId: 'b' } } });
    expect(mismatch.json().imsx_description).toContain("differs from the path's 'a'");
    const wrongType = await t.app.inject({ method: 'PUT', url: `${P}/terms/z`, headers: h, payload: { academicSession: year(org.sourcedId) } });
    expect(wrongType.statusCode).toBe(400);
    expect(wrongType.json().imsx_description).toContain("Only academic sessions of type 'term'");
    const dup = await put(t, h, 'y2', year(org.sourcedId));
    expect(dup.statusCode).toBe(400);
    expect(dup.json().imsx_description).toContain('already titled');
    const noBody = await t.app.inject({ method: 'PUT', url: `${P}/academicSessions/q`, headers: h, payload: { nope: 1 } });
    expect(noBody.statusCode).toBe(400);
    expectValid('statusInfo', noBody.json());
  });

  it('DELETE marks tobedeleted (204), still readable; unknown is 404', async () => {
    const { tenant, h } = await fresh();
    await put(t, h, 'y', year(tenant.schools[0]!.id));
    const del = await t.app.inject({ method: 'DELETE', url: `${P}/academicSessions/y`, headers: h });
    expect(del.statusCode).toBe(204);
    expect(del.body).toBe('');
    const after = await t.app.inject({ url: `${P}/academicSessions/y`, headers: h });
    expect(after.json().academicSession.status).toBe('tobedeleted');
    expectValid('single', after.json());
    expect((await t.app.inject({ method: 'DELETE', url: `${P}/academicSessions/nope`, headers: h })).statusCode).toBe(404);
    expect((await t.app.inject({ method: 'DELETE', url: `${P}/terms/y`, headers: h })).statusCode).toBe(404);
    const stored = await new SessionRepository(t.store.db).getByIdentifier(tenant.tenantId, 'oneroster', 'y');
    expect(stored!.status).toBe('deleted');
  });

  it("dateLastModified>'…' returns exactly the records changed since, tobedeleted ones included", async () => {
    const { tenant, h } = await fresh();
    await seedCalendar(t, tenant, h);
    const all = (await t.app.inject({ url: `${P}/academicSessions`, headers: h })).json().academicSessions as Json[];
    const since = all.map((s) => s.dateLastModified).sort().at(-1)!;
    const q = `${P}/academicSessions?filter=${encodeURIComponent(`dateLastModified>'${since}'`)}`;
    expect((await t.app.inject({ url: q, headers: h })).json().academicSessions).toEqual([]);
    await new Promise((r) => setTimeout(r, 5));
    await put(t, h, 'q3', { title: 'Quarter 3', type: 'ext:quarter', startDate: '2026-01-05', endDate: '2026-03-15', schoolYear: '2026', org: { sourcedId: tenant.schools[0]!.id }, parent: { sourcedId: 'spring' } });
    await t.app.inject({ method: 'DELETE', url: `${P}/academicSessions/gp1`, headers: h });
    const changed = (await t.app.inject({ url: q, headers: h })).json().academicSessions as Json[];
    expect(changed.map((s) => [s.sourcedId, s.status]).sort()).toEqual([['gp1', 'tobedeleted'], ['q3', 'active']]);
    const newest = changed.map((s) => s.dateLastModified).sort().at(-1)!;
    expect((await t.app.inject({ url: `${P}/academicSessions?filter=${encodeURIComponent(`dateLastModified>'${newest}'`)}`, headers: h })).json().academicSessions).toEqual([]);
  });
});

describe.each(drivers())('OneRoster write bodies on %s', (driver) => {
  let t: TestApp;
  beforeAll(async () => { t = await startApp(driver); });
  afterAll(async () => t?.close());

  it('never answers 500 to a random body', async () => {
    const tenant = await createTenant(t);
    const h = await tenant.auth(ALL_SCOPES);
    const value = fc.oneof(fc.string({ maxLength: 12 }), fc.integer(), fc.constant(null), fc.constantFrom('2025-08-01', '2026-07-01', 'term', 'ext:quarter', '2026'), fc.object({ maxDepth: 1 }));
    const session = fc.record(
      { sourcedId: value, status: value, title: value, type: value, startDate: value, endDate: value, schoolYear: value, org: value, parent: value, metadata: value },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(fc.oneof(session.map((a) => ({ academicSession: a })), fc.jsonValue()), fc.constantFrom('PUT', 'POST'), async (body, method) => {
        const r = await t.app.inject({ method, url: method === 'PUT' ? `${P}/academicSessions/x1` : `${P}/academicSessions`, headers: { ...h, 'content-type': 'application/json' }, payload: JSON.stringify(body) });
        expect(r.statusCode).toBeLessThan(500);
        if (r.statusCode >= 400) expectValid('statusInfo', r.json());
      }),
      { numRuns: 80 },
    );
  });
});
