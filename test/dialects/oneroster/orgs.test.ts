// OneRoster 1.2 orgs: /orgs, /orgs/{id}, /schools, /schools/{id} in the official shapes, with
// academicSessions' filter/sort/fields/paging, so every href termbridge emits resolves.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TenantRepository } from '../../../src/store/tenant-repository.ts';
import { ROSTER_CORE_READONLY, ROSTER_CREATEPUT } from '../../../src/dialects/oneroster/scopes.ts';
import { createTenant, drivers, startApp, type TestApp, type TestTenant } from '../../harness.ts';
import { ALL_SCOPES, P, seedCalendar } from './fixtures.ts';
import { expectValid } from './openapi-schema.ts';

type Json = Record<string, any>;

describe.each(drivers())('OneRoster orgs on %s', (driver) => {
  let t: TestApp;
  let tenant: TestTenant;
  let h: Record<string, string>;
  beforeAll(async () => {
    t = await startApp(driver);
    tenant = await createTenant(t, { schools: 3, name: 'Flint Hills USD' });
    h = await tenant.auth(ALL_SCOPES);
    await seedCalendar(t, tenant, h);
  });
  afterAll(() => t?.close());

  const get = (url: string, headers = h) => t.app.inject({ url, headers });
  const path = (href: string) => new URL(href).pathname;
  const codeMinor = (body: Json) => body.imsx_CodeMinor.imsx_codeMinorField[0].imsx_codeMinorFieldValue;

  it('resolves every href termbridge emits: sessions’ org, parent and children; orgs’ parent and children', async () => {
    const sessions = (await get(`${P}/academicSessions`)).json().academicSessions as Json[];
    const orgs = (await get(`${P}/orgs`)).json().orgs as Json[];
    const refs = [
      ...sessions.flatMap((s) => [s.org, s.parent, ...(s.children ?? [])]),
      ...orgs.flatMap((o) => [o.parent, ...(o.children ?? [])]),
    ].filter((r): r is Json => r !== undefined);
    expect(refs.filter((r) => r.type === 'org').length).toBeGreaterThan(sessions.length);
    for (const ref of new Map(refs.map((r) => [r.href, r])).values()) {
      const r = await get(path(ref.href));
      expect(r.statusCode, ref.href).toBe(200);
      const body = r.json();
      expect((ref.type === 'org' ? body.org : body.academicSession).sourcedId, ref.href).toBe(ref.sourcedId);
    }
  });

  it('serves the district and its schools in the official OrgDType shapes', async () => {
    const list = await get(`${P}/orgs`);
    expect(list.statusCode).toBe(200);
    expectValid('orgSet', list.json());
    expect(list.headers['x-total-count']).toBe('4');
    const district = list.json().orgs.find((o: Json) => o.type === 'district');
    expect(district).toMatchObject({ sourcedId: tenant.districtId, status: 'active', name: 'Flint Hills USD', identifier: '' });
    expect(district.children.map((c: Json) => c.sourcedId).sort()).toEqual(tenant.schools.map((s) => s.id).sort());
    const school = await get(`${P}/schools/${tenant.schools[1]!.id}`);
    expectValid('singleOrg', school.json());
    expect(school.json().org).toMatchObject({
      sourcedId: tenant.schools[1]!.id,
      type: 'school',
      name: 'School 2',
      identifier: String(tenant.schools[1]!.schoolId),
      parent: { sourcedId: tenant.districtId, type: 'org' },
    });
    expectValid('singleOrg', (await get(`${P}/orgs/${tenant.districtId}`)).json());
    const schools = await get(`${P}/schools`);
    expectValid('orgSet', schools.json());
    expect(schools.json().orgs.map((o: Json) => o.type)).toEqual(['school', 'school', 'school']);
  });

  it('answers unknownobject 404 for an unknown org, and for the district at /schools/{id}', async () => {
    for (const url of [`${P}/orgs/nope`, `${P}/schools/nope`, `${P}/schools/${tenant.districtId}`]) {
      const r = await get(url);
      expect(r.statusCode, url).toBe(404);
      expectValid('statusInfo', r.json());
      expect(codeMinor(r.json())).toBe('unknownobject');
    }
  });

  it('hides another district’s orgs', async () => {
    const other = await createTenant(t);
    expect((await get(`${P}/orgs/${other.districtId}`)).statusCode).toBe(404);
    expect((await get(`${P}/schools/${other.schools[0]!.id}`)).statusCode).toBe(404);
    const ids = (await get(`${P}/orgs`)).json().orgs.map((o: Json) => o.sourcedId);
    expect(ids).not.toContain(other.districtId);
  });

  it('filters, sorts, selects fields and pages as academicSessions do', async () => {
    const q = (params: Record<string, string>) => get(`${P}/orgs?${new URLSearchParams(params)}`);
    const names = async (params: Record<string, string>) => (await q(params)).json().orgs.map((o: Json) => o.name);
    expect(await names({ filter: "type='school' AND name~'school 3'" })).toEqual(['School 3']);
    expect(await names({ filter: `parent.sourcedId='${tenant.districtId}'`, sort: 'name', orderBy: 'desc' })).toEqual(['School 3', 'School 2', 'School 1']);
    expect(await names({ filter: `parent.sourcedId!='${tenant.districtId}'` })).toEqual(['Flint Hills USD']);
    expect(await names({ filter: `identifier='${tenant.schools[0]!.schoolId}' OR type='district'`, sort: 'type' })).toEqual(['Flint Hills USD', 'School 1']);
    const newest = (await q({ sort: 'dateLastModified', orderBy: 'desc', limit: '1' })).json().orgs[0];
    expect(await names({ filter: `dateLastModified>'${newest.dateLastModified}'` })).toEqual([]);
    expect(await names({ filter: `dateLastModified>='${newest.dateLastModified}'` })).toEqual([newest.name]);
    const trimmed = await q({ fields: 'sourcedId,name', filter: "type='district'" });
    expect(trimmed.json().orgs).toEqual([{ sourcedId: tenant.districtId, name: 'Flint Hills USD' }]);
    const one = await get(`${P}/orgs/${tenant.districtId}?fields=name&fields=type`);
    expect(one.json()).toEqual({ org: { name: 'Flint Hills USD', type: 'district' } });
    const page = await q({ sort: 'name', limit: '2', offset: '2' });
    expect(page.json().orgs.map((o: Json) => o.name)).toEqual(['School 2', 'School 3']);
    expect(page.headers['x-total-count']).toBe('4');
    expect(String(page.headers.link)).toContain('?sort=name&limit=2&offset=0>; rel="prev"');
    expect(String(page.headers.link)).not.toContain('rel="next"');
    const walked: string[] = [];
    for (let offset = 0; offset < 4; offset++) walked.push(...(await names({ limit: '1', offset: String(offset) })));
    expect(walked.sort()).toEqual(['Flint Hills USD', 'School 1', 'School 2', 'School 3']);
  });

  it.each([
    ["filter=nme='x'", 'invalid_filter_field', /position 0, 'nme' is not a field an org can be filtered on/],
    ["filter=type>'school'", 'invalid_filter_field', /operator > cannot be used on type/],
    ["filter=dateLastModified>'yesterday'", 'invalid_filter_field', /ISO 8601/],
    ["filter=name='x' AND", 'invalid_filter_field', /expected a predicate after AND/],
    ['sort=title', 'invalid_selection_field', /'title' is not a field orgs can be sorted on/],
    ['fields=title', 'invalid_selection_field', /'title' is not a field of an org/],
    ['limit=0', 'invaliddata', /limit must be a whole number/],
    ['orderBy=up', 'invaliddata', /orderBy must be asc or desc/],
  ])('refuses %s with %s', async (query, minor, message) => {
    const r = await get(`${P}/orgs?${query.replace(/ /g, '%20')}`);
    expect(r.statusCode).toBe(400);
    expectValid('statusInfo', r.json());
    expect(codeMinor(r.json())).toBe(minor);
    expect(r.json().imsx_description).toMatch(message);
  });

  it('shows a deleted school as tobedeleted, still readable', async () => {
    const gone = tenant.schools[2]!;
    await new TenantRepository(t.store.db).updateSchool(tenant.tenantId, gone.id, { name: gone.name, schoolId: gone.schoolId, status: 'deleted' });
    expect((await get(`${P}/schools/${gone.id}`)).json().org.status).toBe('tobedeleted');
    expect((await get(`${P}/orgs?filter=${encodeURIComponent("status='tobedeleted'")}`)).json().orgs.map((o: Json) => o.sourcedId)).toEqual([gone.id]);
  });

  it('needs a OneRoster roster read scope, as the official service', async () => {
    const core = await tenant.auth([ROSTER_CORE_READONLY]);
    expect((await get(`${P}/orgs`, core)).statusCode).toBe(200);
    expect((await get(`${P}/schools/${tenant.schools[0]!.id}`, core)).statusCode).toBe(200);
    const writer = await tenant.auth([ROSTER_CREATEPUT]);
    const refused = await get(`${P}/orgs`, writer);
    expect(refused.statusCode).toBe(403);
    expect(codeMinor(refused.json())).toBe('forbidden');
  });
});
