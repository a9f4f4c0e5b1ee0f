// POST upsert, PUT (incl. natural-key change), DELETE, their errors, change queries, grading
// period references, and 50 racing PUTs. Black-box over HTTP; change versions compared
// relatively (other files share the PostgreSQL sequence).
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SessionRepository } from '../../../src/store/session-repository.ts';
import { createTenant, drivers, startApp, type TestApp, type TestTenant } from '../../harness.ts';
import { DATA, edfiClient, gradingPeriodBody, sessionBody, type EdfiClient } from './edfi-fixtures.ts';

const uuidOf = (hex: string) => `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;

describe.each(drivers())('Ed-Fi sessions writes on %s', (driver) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp(driver);
  });
  afterAll(() => t.close());

  async function setup(): Promise<{ tenant: TestTenant; c: EdfiClient; schoolId: number }> {
    const tenant = await createTenant(t);
    return { tenant, c: await edfiClient(t.app, tenant), schoolId: tenant.schools[0]!.schoolId! };
  }

  it('POST creates (201) then updates by natural key (200), empty body, absolute Location, quoted ETag', async () => {
    const { c, schoolId } = await setup();
    const created = await c.post(`${DATA}/sessions`, sessionBody(schoolId));
    expect(created.statusCode).toBe(201);
    expect(created.body).toBe('');
    expect(created.headers.location).toMatch(/^http:\/\/[^/]+\/data\/v3\/ed-fi\/sessions\/[0-9a-f]{32}$/);
    expect(created.headers.etag).toMatch(/^"\d+"$/);
    const same = await c.post(`${DATA}/sessions`, sessionBody(schoolId));
    expect(same.statusCode).toBe(200);
    expect(same.headers.etag).toBe(created.headers.etag); // nothing changed, nothing written
    const updated = await c.post(`${DATA}/sessions`, sessionBody(schoolId, { totalInstructionalDays: 81 }));
    expect(updated.statusCode).toBe(200);
    expect(updated.body).toBe('');
    expect(updated.headers.location).toBe(created.headers.location);
    expect(Number(JSON.parse(updated.headers.etag as string))).toBeGreaterThan(Number(JSON.parse(created.headers.etag as string)));
    const got = (await c.get(String(created.headers.location).replace(/^http:\/\/[^/]+/, ''))).json();
    expect(got.totalInstructionalDays).toBe(81);
    expect(`"${got._etag}"`).toBe(updated.headers.etag);
  });

  it('POST honours the Location host from X-Forwarded-* headers', async () => {
    const { c, schoolId } = await setup();
    const res = await c.post(`${DATA}/sessions`, sessionBody(schoolId), { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'api.example.org' });
    expect(res.headers.location).toMatch(/^https:\/\/api\.example\.org\/data\/v3\/ed-fi\/sessions\/[0-9a-f]{32}$/);
  });

  it('POST refuses a client-assigned id and honours If-Match on an existing item', async () => {
    const { c, schoolId } = await setup();
    const withId = await c.post(`${DATA}/sessions`, { ...sessionBody(schoolId), id: randomUUID().replace(/-/g, '') });
    expect(withId.statusCode).toBe(400);
    expect(withId.json()).toMatchObject({
      type: 'urn:ed-fi:api:bad-request:data-validation-failed',
      detail: 'The request data was constructed incorrectly.',
      errors: ["Resource identifiers cannot be assigned by the client. The 'id' property should not be included in the request body."],
    });
    const { etag } = await c.create(`${DATA}/sessions`, sessionBody(schoolId));
    const stale = await c.post(`${DATA}/sessions`, sessionBody(schoolId, { totalInstructionalDays: 5 }), { 'if-match': '"1"' });
    expect(stale.statusCode).toBe(412);
    expect(stale.json()).toMatchObject({
      type: 'urn:ed-fi:api:optimistic-lock-failed',
      title: 'Optimistic Lock Failed',
      detail: 'The item has been modified by another user.',
      errors: ["The resource item's etag value does not match what was specified in the 'If-Match' request header indicating that it has been modified by another client since it was last retrieved."],
    });
    const fresh = await c.post(`${DATA}/sessions`, sessionBody(schoolId, { totalInstructionalDays: 5 }), { 'if-match': etag });
    expect(fresh.statusCode).toBe(200);
  });

  it('POST validates properties with ODS messages keyed by JSON path', async () => {
    const { c, schoolId } = await setup();
    const missing = await c.post(`${DATA}/sessions`, { schoolReference: {}, beginDate: '2025-13-01', termDescriptor: 'Fall' });
    expect(missing.statusCode).toBe(400);
    const body = missing.json();
    expect(body).toMatchObject({ type: 'urn:ed-fi:api:bad-request:data-validation-failed', title: 'Data Validation Failed', detail: "Data validation failed. See 'validationErrors' for details." });
    expect(body.validationErrors).toMatchObject({
      '$.sessionName': ['SessionName is required.'],
      '$.schoolReference.schoolId': ['SchoolId is required.'],
      '$.schoolYearTypeReference': ['SchoolYearTypeReference is required.'],
      '$.endDate': ['EndDate is required.'],
      '$.totalInstructionalDays': ['TotalInstructionalDays is required.'],
      '$.termDescriptor': ["TermDescriptor value 'Fall' is not a valid value for use as a descriptor (a '#' is expected to delineate the namespace and code value portions)."],
    });
    expect(body.validationErrors['$.beginDate'][0]).toMatch(/BeginDate must be a date/);

    const unknownDescriptor = await c.post(`${DATA}/sessions`, sessionBody(schoolId, { termDescriptor: 'uri://ed-fi.org/TermDescriptor#Nope' }));
    expect(unknownDescriptor.statusCode).toBe(400);
    expect(unknownDescriptor.json().validationErrors).toEqual({ '$.termDescriptor': ["TermDescriptor value 'uri://ed-fi.org/TermDescriptor#Nope' does not exist."] });

    const spaces = await c.post(`${DATA}/sessions`, sessionBody(schoolId, { sessionName: ' Fall' }));
    expect(spaces.json().validationErrors).toEqual({ '$.sessionName': ['SessionName cannot contain leading or trailing spaces.'] });

    const backwards = await c.post(`${DATA}/sessions`, sessionBody(schoolId, { beginDate: '2025-12-20' }));
    expect(backwards.statusCode).toBe(400);
    expect(backwards.json().validationErrors['$.endDate'][0]).toMatch(/before begin date/);
  });

  it('POST answers 409 unresolved-reference for an unknown school or school year', async () => {
    const { c, schoolId } = await setup();
    const school = await c.post(`${DATA}/sessions`, sessionBody(1));
    expect(school.statusCode).toBe(409);
    expect(school.json()).toMatchObject({ type: 'urn:ed-fi:api:data-conflict:unresolved-reference', title: 'Unresolved Reference', detail: "The referenced 'School' item does not exist." });
    const year = await c.post(`${DATA}/sessions`, sessionBody(schoolId, { schoolYearTypeReference: { schoolYear: 2030 } }));
    expect(year.statusCode).toBe(409);
    expect(year.json().detail).toBe("The referenced 'SchoolYearType' item does not exist.");
  });

  it('answers bad bodies and media types in Ed-Fi problem details, never 500', async () => {
    const { c } = await setup();
    const malformed = await c.post(`${DATA}/sessions`, '{"sessionName": ', { 'content-type': 'application/json' });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().type).toBe('urn:ed-fi:api:bad-request:data-validation-failed');
    const empty = await t.app.inject({ method: 'POST', url: `${DATA}/sessions`, headers: { ...c.headers, 'content-type': 'application/json' } });
    expect(empty.statusCode).toBe(400);
    expect(empty.json()).toMatchObject({ type: 'urn:ed-fi:api:bad-request', errors: ['A non-empty request body is required.'] });
    const array = await c.post(`${DATA}/sessions`, '[1,2]', { 'content-type': 'application/json' });
    expect(array.statusCode).toBe(400);
    for (const type of ['text/plain', 'application/x-www-form-urlencoded']) {
      const res = await c.post(`${DATA}/sessions`, 'sessionName=x', { 'content-type': type });
      expect(res.statusCode).toBe(415);
      expect(res.json()).toMatchObject({ type: 'urn:ed-fi:api:unsupported-media-type', errors: ["The value specified in the 'Content-Type' header is not supported by this host."] });
    }
  });

  it('answers 405 for a method a collection or item does not take, and for any write with Use-Snapshot', async () => {
    const { c, schoolId } = await setup();
    const { id } = await c.create(`${DATA}/sessions`, sessionBody(schoolId));
    const cases: [string, string, string][] = [
      ['POST', `${DATA}/sessions/${id}`, 'Resource items can only be updated using PUT. To "upsert" an item in the resource collection using POST, remove the "id" from the route.'],
      ['PUT', `${DATA}/sessions`, 'Resource collections cannot be replaced. To "upsert" an item in the collection, use POST. To update a specific item, use PUT and include the "id" in the route.'],
      ['DELETE', `${DATA}/sessions`, 'Resource collections cannot be deleted. To delete a specific item, use DELETE and include the "id" in the route.'],
      ['PATCH', `${DATA}/sessions/${id}`, "The endpoint of the request does not support the 'PATCH' method."],
    ];
    for (const [method, url, message] of cases) {
      const res = await t.app.inject({ method: method as 'POST', url, headers: c.headers, payload: sessionBody(schoolId) });
      expect(res.statusCode, `${method} ${url}`).toBe(405);
      expect(res.json()).toMatchObject({ type: 'urn:ed-fi:api:method-not-allowed', title: 'Method Not Allowed', errors: [message] });
    }
    for (const value of ['true', 'false']) {
      const res = await c.post(`${DATA}/sessions`, sessionBody(schoolId), { 'use-snapshot': value });
      expect(res.statusCode).toBe(405);
      expect(res.headers.allow).toBe('GET');
      expect(res.json()).toMatchObject({
        type: 'urn:ed-fi:api:snapshots:method-not-allowed',
        title: 'Method Not Allowed with Snapshots',
        detail: 'An attempt was made to modify data in a Snapshot, but this data is read-only.',
      });
    }
  });

  it('PUT updates by id (204, new ETag), ignores a body id, 404s unknown ids and 412s a stale If-Match', async () => {
    const { c, schoolId } = await setup();
    const { id, etag } = await c.create(`${DATA}/sessions`, sessionBody(schoolId));
    const res = await c.put(`${DATA}/sessions/${id}`, { ...sessionBody(schoolId, { endDate: '2025-12-20' }), id: 'ignored' }, { 'if-match': etag });
    expect(res.statusCode).toBe(204);
    expect(res.body).toBe('');
    expect(res.headers.etag).not.toBe(etag);
    expect(res.headers.location).toMatch(new RegExp(`/data/v3/ed-fi/sessions/${id}$`));
    expect((await c.get(`${DATA}/sessions/${id}`)).json()).toMatchObject({ endDate: '2025-12-20', _etag: JSON.parse(res.headers.etag as string) });
    const stale = await c.put(`${DATA}/sessions/${id}`, sessionBody(schoolId), { 'if-match': etag });
    expect(stale.statusCode).toBe(412);
    const unknown = await c.put(`${DATA}/sessions/${randomUUID().replace(/-/g, '')}`, sessionBody(schoolId));
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toMatchObject({ type: 'urn:ed-fi:api:not-found', detail: 'Resource to update was not found.' });
  });

  it('PUT may change the natural key: same id, one keyChanges row, dependents bumped; a collision is 409', async () => {
    const { c, schoolId } = await setup();
    const gp = await c.create(`${DATA}/gradingPeriods`, gradingPeriodBody(schoolId));
    const gpRef = { gradingPeriodDescriptor: 'uri://ed-fi.org/GradingPeriodDescriptor#First Six Weeks', gradingPeriodName: 'GP1', schoolId, schoolYear: 2026 };
    const { id } = await c.create(`${DATA}/sessions`, sessionBody(schoolId, { sessionName: 'SESSION ONE', gradingPeriods: [{ gradingPeriodReference: gpRef }] }));
    await c.create(`${DATA}/sessions`, sessionBody(schoolId, { sessionName: 'TAKEN' }));
    const gpBefore = (await c.get(`${DATA}/gradingPeriods/${gp.id}`)).json();
    const before = (await c.get(`${DATA}/sessions/${id}`)).json();

    const renamed = await c.put(`${DATA}/sessions/${id}`, sessionBody(schoolId, { sessionName: 'SESSION TWO', gradingPeriods: [{ gradingPeriodReference: gpRef }] }));
    expect(renamed.statusCode).toBe(204);
    const after = (await c.get(`${DATA}/sessions/${id}`)).json();
    expect(after).toMatchObject({ id, sessionName: 'SESSION TWO' });
    expect(after._lastModifiedDate >= before._lastModifiedDate).toBe(true);
    expect(Number(after._etag)).toBeGreaterThan(Number(before._etag));
    const gpAfter = (await c.get(`${DATA}/gradingPeriods/${gp.id}`)).json();
    expect(Number(gpAfter._etag)).toBeGreaterThan(Number(gpBefore._etag));

    await c.put(`${DATA}/sessions/${id}`, sessionBody(schoolId, { sessionName: 'SESSION THREE' }));
    const keyChanges = (await c.get(`${DATA}/sessions/keyChanges?minChangeVersion=${before._etag}`)).json();
    expect(keyChanges).toEqual([
      {
        id,
        changeVersion: expect.any(Number),
        oldKeyValues: { schoolId, schoolYear: 2026, sessionName: 'SESSION ONE' },
        newKeyValues: { schoolId, schoolYear: 2026, sessionName: 'SESSION THREE' },
      },
    ]);
    expect(keyChanges[0].changeVersion).toBeGreaterThan(Number(before._etag));
    const window = (await c.get(`${DATA}/sessions/keyChanges?maxChangeVersion=${Number(before._etag) - 1}&totalCount=true`));
    expect(window.json()).toEqual([]);
    expect(window.headers['total-count']).toBe('0');

    const collision = await c.put(`${DATA}/sessions/${id}`, sessionBody(schoolId, { sessionName: 'TAKEN' }));
    expect(collision.statusCode).toBe(409);
    expect(collision.json()).toMatchObject({ type: 'urn:ed-fi:api:data-conflict:non-unique-identity', title: 'Identifying Values Are Not Unique' });
  });

  it('DELETE soft-deletes (204, then 404) and records a tombstone; delete-then-recreate is not reported', async () => {
    const { c, schoolId } = await setup();
    const { id, etag } = await c.create(`${DATA}/sessions`, sessionBody(schoolId, { sessionName: 'Doomed' }));
    const bad = await c.del(`${DATA}/sessions/${id}`, { 'if-match': 'not-an-etag' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ type: 'urn:ed-fi:api:bad-request:parameter-validation-failed', errors: ['An invalid value was provided for use in detecting changes applied by other users.'] });
    expect((await c.del(`${DATA}/sessions/${id}`, { 'if-match': '"1"' })).statusCode).toBe(412);
    const deleted = await c.del(`${DATA}/sessions/${id}`, { 'if-match': etag });
    expect(deleted.statusCode).toBe(204);
    expect((await c.get(`${DATA}/sessions/${id}`)).statusCode).toBe(404);
    const again = await c.del(`${DATA}/sessions/${id}`);
    expect(again.statusCode).toBe(404);
    expect(again.json().detail).toBe('Resource to delete was not found.');
    const since = Number(JSON.parse(etag));
    const deletes = (await c.get(`${DATA}/sessions/deletes?minChangeVersion=${since}`)).json();
    expect(deletes).toEqual([{ id, changeVersion: expect.any(Number), keyValues: { schoolId, schoolYear: 2026, sessionName: 'Doomed' } }]);
    expect(deletes[0].changeVersion).toBeGreaterThan(since);

    const other = await c.create(`${DATA}/sessions`, sessionBody(schoolId, { sessionName: 'Phoenix' }));
    expect((await c.del(`${DATA}/sessions/${other.id}`)).statusCode).toBe(204);
    await c.create(`${DATA}/sessions`, sessionBody(schoolId, { sessionName: 'Phoenix' }));
    const afterRecreate = (await c.get(`${DATA}/sessions/deletes?minChangeVersion=${since}`)).json() as { id: string }[];
    expect(afterRecreate.map((d) => d.id)).toEqual([id]);
  });

  it('DELETE is refused (409 dependent-item-exists) while course sections or child sessions use the session', async () => {
    const { tenant, c, schoolId } = await setup();
    const withSection = await c.create(`${DATA}/sessions`, sessionBody(schoolId, { sessionName: 'Taught' }));
    await t.store.db.insertInto('course_sections').values({ tenant_id: tenant.tenantId, id: randomUUID(), session_id: uuidOf(withSection.id), name: 'Algebra I' }).execute();
    const refused = await c.del(`${DATA}/sessions/${withSection.id}`);
    expect(refused.statusCode).toBe(409);
    expect(refused.json()).toMatchObject({
      type: 'urn:ed-fi:api:data-conflict:dependent-item-exists',
      title: 'Dependent Item Exists',
      detail: "The requested action cannot be performed because this item is referenced by an existing 'CourseOffering' item.",
    });
    const parent = await c.create(`${DATA}/sessions`, sessionBody(schoolId, { sessionName: 'Year', beginDate: '2025-08-01', endDate: '2026-05-31' }));
    const repo = new SessionRepository(t.store.db);
    const child = (await repo.findByNaturalKey(tenant.tenantId, tenant.schools[0]!.id, 2026, 'Year'))!;
    await repo.insert(tenant.tenantId, { schoolOrgId: tenant.schools[0]!.id, schoolYear: 2026, name: 'Q1', type: 'quarter', beginDate: '2025-08-13', endDate: '2025-10-10', parentId: child.id, termDescriptor: null, gradingPeriodDescriptor: null, periodSequence: null, totalInstructionalDays: null });
    const childRefused = await c.del(`${DATA}/sessions/${parent.id}`);
    expect(childRefused.statusCode).toBe(409);
    expect(childRefused.json().detail).toMatch(/existing 'Session' item/);
  });

  it('links grading periods through references that must resolve and unify with the session', async () => {
    const { c, schoolId, tenant } = await setup();
    const gp = await c.create(`${DATA}/gradingPeriods`, gradingPeriodBody(schoolId));
    const ref = { gradingPeriodDescriptor: 'uri://ed-fi.org/GradingPeriodDescriptor#First Six Weeks', gradingPeriodName: 'GP1', schoolId, schoolYear: 2026 };
    const { id } = await c.create(`${DATA}/sessions`, sessionBody(schoolId, { gradingPeriods: [{ gradingPeriodReference: ref }] }));
    const got = (await c.get(`${DATA}/sessions/${id}`)).json();
    expect(got.gradingPeriods).toEqual([{ gradingPeriodReference: { ...ref, link: { rel: 'GradingPeriod', href: `/ed-fi/gradingPeriods/${gp.id}` } } }]);

    const mismatch = await c.post(`${DATA}/sessions`, sessionBody(schoolId, { sessionName: 'X', gradingPeriods: [{ gradingPeriodReference: { ...ref, schoolYear: 2025 } }] }));
    expect(mismatch.statusCode).toBe(400);
    expect(mismatch.json().validationErrors['$.gradingPeriods'][0]).toMatch(/^All values supplied for 'schoolYear' must match/);
    const unknown = await c.post(`${DATA}/sessions`, sessionBody(schoolId, { sessionName: 'Y', gradingPeriods: [{ gradingPeriodReference: { ...ref, gradingPeriodName: 'Nope' } }] }));
    expect(unknown.statusCode).toBe(409);
    expect(unknown.json().detail).toBe("The referenced 'GradingPeriod' item does not exist.");
    // Ed-Fi does not require a session's grading periods to lie within its dates: ODS accepts this.
    const outside = await c.post(`${DATA}/sessions`, sessionBody(schoolId, { sessionName: 'Z', beginDate: '2025-09-01', gradingPeriods: [{ gradingPeriodReference: ref }] }));
    expect(outside.statusCode).toBe(201);
    const outsideId = String(outside.headers.location).split('/').pop()!;
    expect((await c.get(`${DATA}/sessions/${outsideId}`)).json().gradingPeriods).toEqual([{ gradingPeriodReference: expect.objectContaining(ref) }]);
    expect((await c.del(`${DATA}/sessions/${outsideId}`)).statusCode).toBe(204);

    const referenced = await c.del(`${DATA}/gradingPeriods/${gp.id}`);
    expect(referenced.statusCode).toBe(409);
    expect(referenced.json().detail).toBe("The requested action cannot be performed because this item is referenced by an existing 'Session' item.");

    // Dropping the reference (PUT replaces the whole session) frees the grading period.
    expect((await c.put(`${DATA}/sessions/${id}`, sessionBody(schoolId))).statusCode).toBe(204);
    expect((await c.get(`${DATA}/sessions/${id}`)).json().gradingPeriods).toEqual([]);
    expect((await c.del(`${DATA}/gradingPeriods/${gp.id}`)).statusCode).toBe(204);
    void tenant;
  });

  it('sets the canonical type from the term descriptor written', async () => {
    const { tenant, c, schoolId } = await setup();
    const { id } = await c.create(`${DATA}/sessions`, sessionBody(schoolId, { termDescriptor: 'uri://ed-fi.org/TermDescriptor#First Quarter' }));
    const repo = new SessionRepository(t.store.db);
    expect((await repo.get(tenant.tenantId, uuidOf(id)))!.type).toBe('quarter');
    await c.put(`${DATA}/sessions/${id}`, sessionBody(schoolId, { termDescriptor: 'uri://ed-fi.org/TermDescriptor#Year Round' }));
    expect((await repo.get(tenant.tenantId, uuidOf(id)))!.type).toBe('schoolYear');
  });

  it('50 parallel PUTs with the same If-Match: exactly one 204, the rest 412, and no lost write', async () => {
    const { c, schoolId } = await setup();
    const { id, etag } = await c.create(`${DATA}/sessions`, sessionBody(schoolId, { sessionName: 'Contended' }));
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => c.put(`${DATA}/sessions/${id}`, sessionBody(schoolId, { sessionName: 'Contended', totalInstructionalDays: 100 + i }), { 'if-match': etag })),
    );
    const codes = results.map((r) => r.statusCode);
    expect(codes.filter((s) => s === 204)).toHaveLength(1);
    expect(codes.filter((s) => s === 412)).toHaveLength(49);
    const winner = codes.indexOf(204);
    const final = (await c.get(`${DATA}/sessions/${id}`)).json();
    expect(final.totalInstructionalDays).toBe(100 + winner);
    expect(`"${final._etag}"`).toBe(results[winner]!.headers.etag);
  });

  it('reports the newest change version, at least that of the last write', async () => {
    const { c, schoolId } = await setup();
    const { etag } = await c.create(`${DATA}/sessions`, sessionBody(schoolId, { sessionName: 'CV' }));
    const res = await c.get('/changeQueries/v1/availableChangeVersions');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.oldestChangeVersion).toBe(0);
    expect(body.newestChangeVersion).toBeGreaterThanOrEqual(Number(JSON.parse(etag)));
    expect((await t.app.inject({ method: 'GET', url: '/changeQueries/v1/availableChangeVersions' })).statusCode).toBe(401);
  });
});
