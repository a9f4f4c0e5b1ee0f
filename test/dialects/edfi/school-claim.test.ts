// A token issued for one school (token request `scope=<schoolId>`) reaches only that school
// through every Ed-Fi resource that belongs to a school; other schools' items are 403.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROSTER_READONLY } from '../../../src/dialects/oneroster/scopes.ts';
import { newClient } from '../../auth/auth-app.ts';
import { createTenant, drivers, startApp, type TestApp, type TestTenant } from '../../harness.ts';
import { DATA, edfiClient, gradingPeriodBody, schoolBody, sessionBody, type EdfiClient } from './edfi-fixtures.ts';

const AUTHORIZATION = 'urn:ed-fi:api:security:authorization';

describe.each(drivers())('Ed-Fi school EdOrg claim on %s', (driver) => {
  let t: TestApp;
  let tenant: TestTenant;
  let district: EdfiClient;
  let mine: number;
  let theirs: number;
  let claimed: Record<string, string>;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    t = await startApp(driver);
    tenant = await createTenant(t, { schools: 2 });
    district = await edfiClient(t.app, tenant);
    mine = tenant.schools[0]!.schoolId!;
    theirs = tenant.schools[1]!.schoolId!;
    for (const [name, school] of [['mine', mine], ['theirs', theirs]] as const) {
      ids[`${name}Session`] = (await district.create(`${DATA}/sessions`, sessionBody(school))).id;
      ids[`${name}Spring`] = (await district.create(`${DATA}/sessions`, sessionBody(school, { sessionName: 'Spring Semester', beginDate: '2026-01-05', endDate: '2026-05-22' }))).id;
      ids[`${name}Gp`] = (await district.create(`${DATA}/gradingPeriods`, gradingPeriodBody(school))).id;
    }
    const client = await newClient(t.store, tenant, ['edfi:read', 'edfi:write', ROSTER_READONLY]);
    const res = await t.app.inject({ method: 'POST', url: '/oauth/token', headers: { authorization: client.basic }, payload: { grant_type: 'client_credentials', scope: String(mine) } });
    expect(res.statusCode).toBe(200);
    claimed = { authorization: `Bearer ${res.json().access_token}` };
  });
  afterAll(() => t.close());

  const as = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: object) =>
    t.app.inject({ method, url, headers: claimed, ...(payload ? { payload } : {}) });
  const expectDenied = (r: { statusCode: number; json(): { type: string; errors: string[] } }) => {
    expect(r.statusCode).toBe(403);
    expect(r.json().type).toBe(AUTHORIZATION);
    expect(r.json().errors[0]).toContain(`education organization id claim (${mine})`);
  };

  it('lists only the claimed school, whatever the filters ask', async () => {
    const sessions = (await as('GET', `${DATA}/sessions?totalCount=true`)).json();
    expect(sessions.map((s: { schoolReference: { schoolId: number } }) => s.schoolReference.schoolId)).toEqual([mine, mine]);
    expect((await as('GET', `${DATA}/sessions?schoolId=${theirs}`)).json()).toEqual([]);
    expect((await as('GET', `${DATA}/gradingPeriods`)).json().map((g: { id: string }) => g.id)).toEqual([ids.mineGp]);
    expect((await as('GET', `${DATA}/schools`)).json().map((s: { schoolId: number }) => s.schoolId)).toEqual([mine]);
    const partitions = (await as('GET', `${DATA}/sessions/partitions?number=2&allowSmallPartitions=true`)).json().pageTokens as string[];
    const paged = await Promise.all(partitions.map((p) => as('GET', `${DATA}/sessions?pageToken=${encodeURIComponent(p)}&pageSize=10`)));
    expect(paged.flatMap((r) => r.json()).length).toBe(2);
    // A district token sees both schools.
    expect((await district.get(`${DATA}/sessions`)).json()).toHaveLength(4);
  });

  it("answers 403 for another school's items and writes, and serves its own", async () => {
    expect((await as('GET', `${DATA}/sessions/${ids.mineSession}`)).statusCode).toBe(200);
    expectDenied(await as('GET', `${DATA}/sessions/${ids.theirsSession}`));
    expectDenied(await as('GET', `${DATA}/gradingPeriods/${ids.theirsGp}`));
    const theirSchool = (await district.get(`${DATA}/schools?schoolId=${theirs}`)).json()[0].id;
    expectDenied(await as('GET', `${DATA}/schools/${theirSchool}`));
    expectDenied(await as('POST', `${DATA}/sessions`, sessionBody(theirs, { sessionName: 'Summer' })));
    expectDenied(await as('POST', `${DATA}/gradingPeriods`, gradingPeriodBody(theirs, { gradingPeriodName: 'GP9' })));
    expectDenied(await as('PUT', `${DATA}/sessions/${ids.theirsSession}`, sessionBody(theirs)));
    // Moving its own session to another school is a write to that school.
    expectDenied(await as('PUT', `${DATA}/sessions/${ids.mineSession}`, sessionBody(theirs)));
    expectDenied(await as('DELETE', `${DATA}/sessions/${ids.theirsSession}`));
    expectDenied(await as('DELETE', `${DATA}/gradingPeriods/${ids.theirsGp}`));
    expectDenied(await as('PUT', `${DATA}/schools/${theirSchool}`, schoolBody(theirs, { nameOfInstitution: 'Taken Over' })));
    // Nothing of theirs changed.
    expect((await district.get(`${DATA}/sessions?schoolId=${theirs}`)).json()).toHaveLength(2);
    expect((await as('POST', `${DATA}/sessions`, sessionBody(mine, { sessionName: 'Summer', beginDate: '2026-06-01', endDate: '2026-07-15' }))).statusCode).toBe(201);
  });

  it('reads district-wide reference data but may not write it (school years, descriptors)', async () => {
    const denied = (r: { statusCode: number; json(): { type: string; errors: string[] } }) => {
      expect(r.statusCode).toBe(403);
      expect(r.json().type).toBe(AUTHORIZATION);
      expect(r.json().errors[0]).toContain(`claim (${mine}) is a school`);
    };
    const years = (await as('GET', `${DATA}/schoolYearTypes`)).json();
    expect(years.length).toBeGreaterThan(0);
    const year = years.find((y: { schoolYear: number }) => y.schoolYear === 2026);
    denied(await as('POST', `${DATA}/schoolYearTypes`, { schoolYear: 2026, schoolYearDescription: '2025-2026', currentSchoolYear: true }));
    denied(await as('PUT', `${DATA}/schoolYearTypes/${year.id}`, { schoolYear: 2026, schoolYearDescription: 'Renamed', currentSchoolYear: true }));
    denied(await as('DELETE', `${DATA}/schoolYearTypes/${year.id}`));
    const fall = (await as('GET', `${DATA}/termDescriptors?codeValue=Fall%20Semester`)).json()[0];
    expect(fall.codeValue).toBe('Fall Semester');
    const remapped = { namespace: fall.namespace, codeValue: fall.codeValue, shortDescription: fall.shortDescription, description: 'Remapped' };
    denied(await as('PUT', `${DATA}/termDescriptors/${fall.id}`, remapped));
    denied(await as('POST', `${DATA}/termDescriptors`, { ...remapped, codeValue: 'Mini Term', shortDescription: 'Mini Term' }));
    denied(await as('DELETE', `${DATA}/termDescriptors/${fall.id}`));
    // Nothing changed for the district.
    expect((await district.get(`${DATA}/schoolYearTypes/${year.id}`)).json()).toEqual(year);
    expect((await district.get(`${DATA}/termDescriptors/${fall.id}`)).json().description).toBe(fall.description);
    // A district token still writes them.
    expect((await district.put(`${DATA}/schoolYearTypes/${year.id}`, { schoolYear: 2026, schoolYearDescription: year.schoolYearDescription, currentSchoolYear: year.currentSchoolYear })).statusCode).toBe(204);
  });

  it('shows only its own school in /deletes', async () => {
    expect((await district.del(`${DATA}/sessions/${ids.theirsSpring}`)).statusCode).toBe(204);
    expect((await as('DELETE', `${DATA}/sessions/${ids.mineSpring}`)).statusCode).toBe(204);
    const deletes = (await as('GET', `${DATA}/sessions/deletes`)).json();
    expect(deletes.map((d: { keyValues: { schoolId: number } }) => d.keyValues.schoolId)).toEqual([mine]);
    expect((await district.get(`${DATA}/sessions/deletes`)).json()).toHaveLength(2);
  });

  it('carries no scopes of the other APIs', async () => {
    const r = await as('GET', '/ims/oneroster/rostering/v1p2/academicSessions');
    expect(r.statusCode).toBe(403);
  });
});
