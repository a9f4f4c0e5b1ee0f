// gradingPeriods, schools, schoolYearTypes, term/gradingPeriod descriptors, discovery and
// /docs. Black-box over HTTP on both drivers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SessionRepository } from '../../../src/store/session-repository.ts';
import { createTenant, drivers, startApp, type TestApp, type TestTenant } from '../../harness.ts';
import { DATA, edfiClient, gradingPeriodBody, schoolBody, sessionBody, type EdfiClient } from './edfi-fixtures.ts';

describe.each(drivers())('Ed-Fi reference resources on %s', (driver) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp(driver);
  });
  afterAll(() => t.close());

  async function setup(): Promise<{ tenant: TestTenant; c: EdfiClient; schoolId: number }> {
    const tenant = await createTenant(t);
    return { tenant, c: await edfiClient(t.app, tenant), schoolId: tenant.schools[0]!.schoolId! };
  }

  it('gradingPeriods: upsert by natural key, filters, GET by id, key change refused, deletes', async () => {
    const { c, schoolId } = await setup();
    const first = await c.post(`${DATA}/gradingPeriods`, gradingPeriodBody(schoolId));
    expect(first.statusCode).toBe(201);
    const id = String(first.headers.location).split('/').pop()!;
    const second = await c.post(`${DATA}/gradingPeriods`, gradingPeriodBody(schoolId, { totalInstructionalDays: 29 }));
    expect(second.statusCode).toBe(200);
    await c.create(`${DATA}/gradingPeriods`, gradingPeriodBody(schoolId, { gradingPeriodName: 'GP2', gradingPeriodDescriptor: 'uri://ed-fi.org/GradingPeriodDescriptor#Second Six Weeks', beginDate: '2025-09-22', endDate: '2025-10-31', periodSequence: 2 }));

    const got = await c.get(`${DATA}/gradingPeriods/${id}`);
    expect(got.json()).toMatchObject({
      id,
      gradingPeriodDescriptor: 'uri://ed-fi.org/GradingPeriodDescriptor#First Six Weeks',
      gradingPeriodName: 'GP1',
      schoolReference: { schoolId, link: { rel: 'School' } },
      schoolYearTypeReference: { schoolYear: 2026 },
      totalInstructionalDays: 29,
      periodSequence: 1,
    });
    expect(got.headers.etag).toBe(`"${got.json()._etag}"`);
    const filtered = await c.get(`${DATA}/gradingPeriods?gradingPeriodDescriptor=uri://ed-fi.org/GradingPeriodDescriptor%23Second%20Six%20Weeks&totalCount=true`);
    expect((filtered.json() as { gradingPeriodName: string }[]).map((g) => g.gradingPeriodName)).toEqual(['GP2']);
    expect(filtered.headers['total-count']).toBe('1');
    // Grading periods are not sessions to Ed-Fi.
    expect((await c.get(`${DATA}/sessions`)).json()).toEqual([]);

    const rename = await c.put(`${DATA}/gradingPeriods/${id}`, gradingPeriodBody(schoolId, { gradingPeriodName: 'Renamed' }));
    expect(rename.statusCode).toBe(400);
    expect(rename.json()).toMatchObject({
      type: 'urn:ed-fi:api:bad-request:data-validation-failed:key-change-not-supported',
      title: 'Key Change Not Supported',
      detail: 'Identifying values for the GradingPeriod data cannot be changed. Delete and recreate the item instead.',
    });
    const put = await c.put(`${DATA}/gradingPeriods/${id}`, gradingPeriodBody(schoolId, { endDate: '2025-09-26' }), { 'if-match': got.headers.etag as string });
    expect(put.statusCode).toBe(204);
    const unknownDescriptor = await c.post(`${DATA}/gradingPeriods`, gradingPeriodBody(schoolId, { gradingPeriodDescriptor: 'uri://ed-fi.org/GradingPeriodDescriptor#Nope' }));
    expect(unknownDescriptor.json().validationErrors).toEqual({ '$.gradingPeriodDescriptor': ["GradingPeriodDescriptor value 'uri://ed-fi.org/GradingPeriodDescriptor#Nope' does not exist."] });

    const since = Number(got.json()._etag);
    expect((await c.del(`${DATA}/gradingPeriods/${id}`)).statusCode).toBe(204);
    const deletes = (await c.get(`${DATA}/gradingPeriods/deletes?minChangeVersion=${since}`)).json();
    expect(deletes).toEqual([
      { id, changeVersion: expect.any(Number), keyValues: { gradingPeriodDescriptor: 'uri://ed-fi.org/GradingPeriodDescriptor#First Six Weeks', gradingPeriodName: 'GP1', schoolId, schoolYear: 2026 } },
    ]);
  });

  it('schools: list, get, upsert by schoolId, no schoolId change, delete refused while sessions use it', async () => {
    const { tenant, c, schoolId } = await setup();
    const list = await c.get(`${DATA}/schools?totalCount=true`);
    expect(list.headers['total-count']).toBe('2');
    const school = (list.json() as { id: string; schoolId: number; nameOfInstitution: string }[])[0]!;
    expect(school).toMatchObject({ id: tenant.schools[0]!.id.replace(/-/g, ''), schoolId, nameOfInstitution: 'School 1' });
    expect((await c.get(`${DATA}/schools?schoolId=${schoolId}`)).json()).toHaveLength(1);

    const created = await c.post(`${DATA}/schools`, schoolBody(990001, { nameOfInstitution: 'New School' }));
    expect(created.statusCode).toBe(201);
    const newId = String(created.headers.location).split('/').pop()!;
    const renamed = await c.post(`${DATA}/schools`, schoolBody(990001, { nameOfInstitution: 'Renamed School' }));
    expect(renamed.statusCode).toBe(200);
    expect((await c.get(`${DATA}/schools/${newId}`)).json().nameOfInstitution).toBe('Renamed School');
    const keyChange = await c.put(`${DATA}/schools/${newId}`, schoolBody(990002, { nameOfInstitution: 'Renamed School' }));
    expect(keyChange.statusCode).toBe(400);
    expect(keyChange.json().detail).toBe('Identifying values for the School data cannot be changed. Delete and recreate the item instead.');
    expect((await c.put(`${DATA}/schools/${newId}`, schoolBody(990001, { nameOfInstitution: 'Third Name' }))).statusCode).toBe(204);

    // The new school takes sessions at once; while it has one it cannot be deleted.
    const session = await c.create(`${DATA}/sessions`, sessionBody(990001));
    const refused = await c.del(`${DATA}/schools/${newId}`);
    expect(refused.statusCode).toBe(409);
    expect(refused.json().detail).toBe("The requested action cannot be performed because this item is referenced by an existing 'Session' item.");
    expect((await c.del(`${DATA}/sessions/${session.id}`)).statusCode).toBe(204);
    expect((await c.del(`${DATA}/schools/${newId}`)).statusCode).toBe(204);
    expect((await c.get(`${DATA}/schools/${newId}`)).statusCode).toBe(404);
    const tomb = (await c.get(`${DATA}/schools/deletes`)).json() as { id: string; keyValues: unknown }[];
    expect(tomb).toEqual([{ id: newId, changeVersion: expect.any(Number), keyValues: { schoolId: 990001 } }]);
    expect((await c.get(`${DATA}/schools/keyChanges`)).json()).toEqual([]);
    expect((await c.post(`${DATA}/sessions`, sessionBody(990001))).statusCode).toBe(409);
  });

  it('schoolYearTypes: list, get by id, POST upsert, PUT without a key change, DELETE unless sessions use the year', async () => {
    const { c } = await setup();
    const years = (await c.get(`${DATA}/schoolYearTypes`)).json() as { id: string; schoolYear: number; schoolYearDescription: string; currentSchoolYear: boolean }[];
    expect(years.map((y) => y.schoolYear)).toEqual([2025, 2026]);
    expect(years[1]).toMatchObject({ schoolYearDescription: '2025-2026', currentSchoolYear: false });
    expect((await c.get(`${DATA}/schoolYearTypes/${years[0]!.id}`)).json().schoolYear).toBe(2025);
    const created = await c.post(`${DATA}/schoolYearTypes`, { schoolYear: 2027, currentSchoolYear: true, schoolYearDescription: '2026-2027' });
    expect(created.statusCode).toBe(201);
    const updated = await c.post(`${DATA}/schoolYearTypes`, { schoolYear: 2027, currentSchoolYear: true, schoolYearDescription: 'Twenty-seven' });
    expect(updated.statusCode).toBe(200);
    expect(((await c.get(`${DATA}/schoolYearTypes?schoolYear=2027`)).json() as { schoolYearDescription: string }[])[0]!.schoolYearDescription).toBe('Twenty-seven');
    const bad = await c.post(`${DATA}/schoolYearTypes`, { schoolYear: 1200, currentSchoolYear: 'yes' });
    expect(bad.statusCode).toBe(400);
    expect(Object.keys(bad.json().validationErrors).sort()).toEqual(['$.currentSchoolYear', '$.schoolYear', '$.schoolYearDescription']);
    const y2025 = years[0]!.id;
    expect((await c.put(`${DATA}/schoolYearTypes/${y2025}`, { schoolYear: 2025, currentSchoolYear: false, schoolYearDescription: 'Last year' })).statusCode).toBe(204);
    expect((await c.get(`${DATA}/schoolYearTypes/${y2025}`)).json().schoolYearDescription).toBe('Last year');
    const keyChange = await c.put(`${DATA}/schoolYearTypes/${y2025}`, { schoolYear: 2024, currentSchoolYear: false, schoolYearDescription: 'x' });
    expect(keyChange.json().type).toBe('urn:ed-fi:api:bad-request:data-validation-failed:key-change-not-supported');
    // The new year is usable at once, and while a session uses it, it cannot be deleted.
    const y2027 = String(created.headers.location).split('/').pop()!;
    expect((await c.post(`${DATA}/sessions`, sessionBody((await c.get(`${DATA}/schools`)).json()[0].schoolId, { schoolYearTypeReference: { schoolYear: 2027 }, beginDate: '2026-08-12', endDate: '2026-12-18' }))).statusCode).toBe(201);
    const refused = await c.del(`${DATA}/schoolYearTypes/${y2027}`);
    expect(refused.statusCode).toBe(409);
    expect(refused.json().type).toBe('urn:ed-fi:api:data-conflict:dependent-item-exists');
    expect((await c.del(`${DATA}/schoolYearTypes/${y2025}`)).statusCode).toBe(204);
    expect((await c.get(`${DATA}/schoolYearTypes/${y2025}`)).statusCode).toBe(404);
    expect((await c.post(`${DATA}/sessions`, sessionBody((await c.get(`${DATA}/schools`)).json()[0].schoolId, { schoolYearTypeReference: { schoolYear: 2025 } }))).statusCode).toBe(409);
  });

  it('termDescriptors and gradingPeriodDescriptors: list, get, POST; a new term descriptor maps to a session type', async () => {
    const { tenant, c, schoolId } = await setup();
    const terms = (await c.get(`${DATA}/termDescriptors?limit=100`)).json() as { codeValue: string; namespace: string; id: string }[];
    expect(terms.map((d) => d.codeValue)).toContain('Fall Semester');
    expect((await c.get(`${DATA}/gradingPeriodDescriptors?codeValue=First%20Six%20Weeks`)).json()).toHaveLength(1);
    const got = await c.get(`${DATA}/termDescriptors/${terms[0]!.id}`);
    expect(got.json()).toMatchObject({ namespace: 'uri://ed-fi.org/TermDescriptor', codeValue: terms[0]!.codeValue });

    const created = await c.post(`${DATA}/termDescriptors`, { namespace: 'uri://ks.gov/TermDescriptor', codeValue: 'Block 1', shortDescription: 'Block 1', _ext: { termbridge: { sessionType: 'term' } } });
    expect(created.statusCode).toBe(201);
    const renamed = await c.post(`${DATA}/termDescriptors`, { namespace: 'uri://ks.gov/TermDescriptor', codeValue: 'Block 1', shortDescription: 'First block' });
    expect(renamed.statusCode).toBe(200);
    // The same body again changes nothing: same ETag.
    expect((await c.post(`${DATA}/termDescriptors`, { namespace: 'uri://ks.gov/TermDescriptor', codeValue: 'Block 1', shortDescription: 'First block' })).headers.etag).toBe(renamed.headers.etag);
    const { id } = await c.create(`${DATA}/sessions`, sessionBody(schoolId, { sessionName: 'Block 1', termDescriptor: 'uri://ks.gov/TermDescriptor#Block 1' }));
    const uuid = id.replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, '$1-$2-$3-$4-$5');
    expect((await new SessionRepository(t.store.db).get(tenant.tenantId, uuid))!.type).toBe('term');
    const bad = await c.post(`${DATA}/termDescriptors`, { namespace: 'uri://x', codeValue: 'a#b' });
    expect(bad.statusCode).toBe(400);
    expect(Object.keys(bad.json().validationErrors).sort()).toEqual(['$.codeValue', '$.shortDescription']);
  });

  it('serves anonymous discovery at GET / and documents every Ed-Fi route at /docs/json', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ version: '7.3', dataModels: [{ name: 'Ed-Fi', version: '5.2.0' }], urls: { dataManagementApi: expect.stringMatching(/\/data\/v3\/$/), oauth: expect.stringMatching(/\/oauth\/token$/), changeQueries: expect.stringMatching(/\/changeQueries\/v1\/$/) } });
    const docs = (await t.app.inject({ method: 'GET', url: '/docs/json' })).json() as { paths: Record<string, Record<string, unknown>> };
    for (const path of [
      '/data/v3/ed-fi/sessions',
      '/data/v3/ed-fi/sessions/{id}',
      '/data/v3/ed-fi/sessions/deletes',
      '/data/v3/ed-fi/sessions/keyChanges',
      '/data/v3/ed-fi/sessions/partitions',
      '/data/v3/ed-fi/gradingPeriods/{id}',
      '/data/v3/ed-fi/schools',
      '/data/v3/ed-fi/schoolYearTypes',
      '/data/v3/ed-fi/termDescriptors',
      '/data/v3/ed-fi/gradingPeriodDescriptors',
      '/changeQueries/v1/availableChangeVersions',
    ])
      expect(docs.paths[path], path).toBeDefined();
    expect(Object.keys(docs.paths['/data/v3/ed-fi/sessions/{id}']!).sort()).toEqual(expect.arrayContaining(['delete', 'get', 'put']));
  });

  it('gives every Ed-Fi route a scope-table entry', () => {
    const edfi = t.app.ctx.registry.all().find((d) => d.name === 'edfi')!;
    const routes = Object.keys(edfi.scopes);
    expect(routes).toContain('GET /data/v3/ed-fi/sessions');
    expect(routes).toContain('PUT /data/v3/ed-fi/sessions/:id');
    for (const scopes of Object.values(edfi.scopes)) expect(scopes.every((s) => s === 'edfi:read' || s === 'edfi:write')).toBe(true);
  });
});
