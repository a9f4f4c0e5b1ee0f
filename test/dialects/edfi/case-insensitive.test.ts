// ODS routes, binds query parameters and reads JSON bodies without regard to case (ASP.NET and
// Json.NET), and reads numbers sent as numeric strings. A client written against ODS does all of
// these; over HTTP on both drivers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTenant, drivers, startApp, type TestApp, type TestTenant } from '../../harness.ts';
import { DATA, edfiClient, gradingPeriodBody, schoolBody, sessionBody, type EdfiClient } from './edfi-fixtures.ts';

describe.each(drivers())('Ed-Fi case-insensitivity on %s', (driver) => {
  let t: TestApp;
  let tenant: TestTenant;
  let c: EdfiClient;
  let schoolId: number;
  beforeAll(async () => {
    t = await startApp(driver);
    tenant = await createTenant(t, { schools: 3 });
    c = await edfiClient(t.app, tenant);
    schoolId = tenant.schools[0]!.schoolId!;
    await c.create(`${DATA}/sessions`, sessionBody(schoolId));
    await c.create(`${DATA}/sessions`, sessionBody(schoolId, { sessionName: 'Spring Semester', beginDate: '2026-01-05', endDate: '2026-05-22' }));
  });
  afterAll(() => t.close());

  it('routes URLs whatever their case, as ODS does', async () => {
    const versions = await c.get('/changeQueries/v1/AvailableChangeVersions');
    expect(versions.statusCode).toBe(200);
    expect(versions.json()).toMatchObject({ oldestChangeVersion: 0 });
    const sessions = await c.get('/data/v3/ed-fi/Sessions');
    expect(sessions.statusCode).toBe(200);
    expect(sessions.json()).toHaveLength(2);
    expect((await c.get('/DATA/V3/ED-FI/gradingperiods/')).statusCode).toBe(200);
    const id = (sessions.json() as { id: string }[])[0]!.id;
    expect((await c.get(`/data/v3/ed-fi/SESSIONS/${id}`)).json().id).toBe(id);
    expect((await c.get(`/data/v3/ed-fi/schools/Partitions`)).json()).toHaveProperty('pageTokens');
    expect((await c.get(`/data/v3/ed-fi/Sessions/Deletes`)).statusCode).toBe(200);
    // An unknown resource is still a 404 in Ed-Fi's envelope.
    const unknown = await c.get('/data/v3/ed-fi/Students');
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().type).toBe('urn:ed-fi:api:not-found');
  });

  it('binds query parameter names whatever their case: a filter filters, offset pages', async () => {
    const one = await c.get(`${DATA}/schools?schoolid=${schoolId}`);
    expect((one.json() as { schoolId: number }[]).map((s) => s.schoolId)).toEqual([schoolId]);
    const all = (await c.get(`${DATA}/schools`)).json() as { schoolId: number }[];
    expect(all).toHaveLength(3);
    expect(((await c.get(`${DATA}/schools?Offset=2`)).json() as { schoolId: number }[]).map((s) => s.schoolId)).toEqual([all[2]!.schoolId]);
    expect((await c.get(`${DATA}/sessions?SESSIONNAME=Spring%20Semester&TotalCount=true`)).headers['total-count']).toBe('1');
    expect((await c.get(`${DATA}/schools?LIMIT=501`)).json().errors).toEqual(['Limit must be a value between 0 and 500.']);
    // Two spellings of one parameter are one parameter: its first value binds, as in ASP.NET.
    expect((await c.get(`${DATA}/schools?schoolId=${schoolId}&SchoolId=${all[1]!.schoolId}`)).json()).toHaveLength(1);
  });

  it('a delete loop over a case-misspelled filter deletes only what the filter names', async () => {
    const other = await createTenant(t, { schools: 3 });
    const oc = await edfiClient(t.app, other);
    const target = other.schools[1]!.schoolId!;
    for (const s of (await oc.get(`${DATA}/schools?schoolid=${target}`)).json() as { id: string }[]) expect((await oc.del(`${DATA}/schools/${s.id}`)).statusCode).toBe(204);
    expect(((await oc.get(`${DATA}/schools`)).json() as { schoolId: number }[]).map((s) => s.schoolId).sort()).toEqual(
      [other.schools[0]!.schoolId!, other.schools[2]!.schoolId!].sort(),
    );
  });

  it('reads body property names whatever their case, and numbers sent as numeric strings', async () => {
    const created = await c.post(`${DATA}/sessions`, {
      SchoolReference: { SchoolId: String(schoolId) },
      schoolYearTypeReference: { schoolYear: '2026' },
      SessionName: 'Intersession',
      BeginDate: '2026-01-05',
      endDate: '2026-01-16',
      TermDescriptor: 'uri://ed-fi.org/TermDescriptor#MiniTerm',
      totalInstructionalDays: '10',
    });
    expect(created.statusCode, created.body).toBe(201);
    const got = (await c.get(String(created.headers.location).replace(/^https?:\/\/[^/]+/, ''))).json();
    expect(got).toMatchObject({ sessionName: 'Intersession', schoolReference: { schoolId }, schoolYearTypeReference: { schoolYear: 2026 }, beginDate: '2026-01-05', totalInstructionalDays: 10 });

    const gp = await c.post(`${DATA}/gradingPeriods`, { ...gradingPeriodBody(schoolId, { gradingPeriodName: 'GP7' }), periodSequence: undefined, PeriodSequence: 3 });
    expect(gp.statusCode).toBe(201);
    expect((await c.get(String(gp.headers.location).replace(/^https?:\/\/[^/]+/, ''))).json().periodSequence).toBe(3);

    const school = await c.post(`${DATA}/schools`, { ...schoolBody(0), schoolId: '9011', NameOfInstitution: 'Numeric String High' });
    expect(school.statusCode, school.body).toBe(201);
    expect(((await c.get(`${DATA}/schools?schoolId=9011`)).json() as { nameOfInstitution: string }[])[0]!.nameOfInstitution).toBe('Numeric String High');
    const year = await c.post(`${DATA}/schoolYearTypes`, { SchoolYear: '2030', CurrentSchoolYear: 'false', SchoolYearDescription: '2029-2030' });
    expect(year.statusCode).toBe(201);

    // A client id in any case is still a client id.
    const withId = await c.post(`${DATA}/sessions`, { ...sessionBody(schoolId), Id: '0123456789abcdef0123456789abcdef' });
    expect(withId.statusCode).toBe(400);
    expect(withId.json().errors[0]).toMatch(/Resource identifiers cannot be assigned by the client/);
    // A string that is not a number is still refused where a number is needed.
    const bad = await c.post(`${DATA}/sessions`, sessionBody(schoolId, { totalInstructionalDays: 'ten' }));
    expect(bad.json().validationErrors['$.totalInstructionalDays']).toEqual(['TotalInstructionalDays must be a whole number.']);
  });
});
