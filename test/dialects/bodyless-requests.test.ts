// Real clients send `Content-Type: application/json` on every request, bodies or not (the common
// Canvas client does). A request with that header and no body is a request without a body: a
// DELETE works, and a POST/PUT that needs a body says so in its dialect's own error format.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTenant, drivers, startApp, type TestApp, type TestTenant } from '../harness.ts';
import { DATA, edfiClient, sessionBody } from './edfi/edfi-fixtures.ts';
import { ALL_SCOPES as ONEROSTER_SCOPES, P as ONEROSTER, put as oneRosterPut } from './oneroster/fixtures.ts';
import { ALL_CANVAS_SCOPES } from '../../src/dialects/canvas/scopes.ts';

const JSON_TYPE = { 'content-type': 'application/json' };

describe.each(drivers())('body-less requests with a JSON content type on %s', (driver) => {
  let t: TestApp;
  let tenant: TestTenant;
  beforeAll(async () => {
    t = await startApp(driver);
    tenant = await createTenant(t, { schoolYears: [2026] });
  });
  afterAll(() => t?.close());

  const bodyless = (method: 'DELETE' | 'POST' | 'PUT', url: string, headers: Record<string, string>) =>
    t.app.inject({ method, url, headers: { ...headers, ...JSON_TYPE, 'content-length': '0' } });

  it('Ed-Fi: DELETE answers 204; a POST without its body is 400 problem details', async () => {
    const edfi = await edfiClient(t.app, tenant);
    const { id } = await edfi.create(`${DATA}/sessions`, sessionBody(tenant.schools[0]!.schoolId!));
    const res = await bodyless('DELETE', `${DATA}/sessions/${id}`, edfi.headers);
    expect(res.statusCode, res.body).toBe(204);
    expect((await edfi.get(`${DATA}/sessions/${id}`)).statusCode).toBe(404);
    const post = await bodyless('POST', `${DATA}/sessions`, edfi.headers);
    expect(post.statusCode, post.body).toBe(400);
    expect(post.json()).toMatchObject({ type: expect.stringMatching(/^urn:ed-fi:api:/), status: 400 });
  });

  it('OneRoster: DELETE answers 204; a PUT without its body is 400 imsx invaliddata', async () => {
    const h = await tenant.auth(ONEROSTER_SCOPES);
    const created = await oneRosterPut(t, h, 'bodyless-1', { title: 'Bodyless', type: 'term', startDate: '2025-08-15', endDate: '2025-12-20', schoolYear: '2026' });
    expect(created.statusCode, created.body).toBe(201);
    const res = await bodyless('DELETE', `${ONEROSTER}/academicSessions/bodyless-1`, h);
    expect(res.statusCode, res.body).toBe(204);
    const put = await bodyless('PUT', `${ONEROSTER}/academicSessions/bodyless-2`, h);
    expect(put.statusCode).toBe(400);
    expect(put.json()).toMatchObject({ imsx_codeMajor: 'failure', imsx_description: expect.stringContaining('academicSession') });
  });

  it('Canvas: DELETE answers 200 with the deleted term; a POST without its body is "enrollment_term is missing"', async () => {
    const h = await tenant.auth(ALL_CANVAS_SCOPES);
    const created = await t.app.inject({ method: 'POST', url: '/api/v1/accounts/self/terms', headers: h, payload: { enrollment_term: { name: 'Bodyless term' } } });
    expect(created.statusCode, created.body).toBe(200);
    const res = await bodyless('DELETE', `/api/v1/accounts/self/terms/${created.json().id}`, h);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ name: 'Bodyless term', workflow_state: 'deleted' });
    const post = await bodyless('POST', '/api/v1/accounts/self/terms', h);
    expect(post.statusCode).toBe(400);
    expect(post.json()).toEqual({ errors: [{ message: 'enrollment_term is missing' }] });
  });

  it('SIS: DELETE answers 204; a PUT without its body is 400 in the SIS envelope', async () => {
    const h = await tenant.auth(['sis:write']);
    expect((await t.app.inject({ method: 'PUT', url: '/sis/v1/schools/255999001', headers: h, payload: { name: 'Bodyless High' } })).statusCode).toBe(201);
    const res = await bodyless('DELETE', '/sis/v1/schools/255999001', h);
    expect(res.statusCode, res.body).toBe(204);
    const put = await bodyless('PUT', '/sis/v1/schools/255999002', h);
    expect(put.statusCode).toBe(400);
    expect(put.json()).toMatchObject({ status: 400, error: 'badRequest', message: expect.stringMatching(/body/i) });
  });

  it('Edlink: a body-less DELETE is the read-only API’s NOT_FOUND, not a body error', async () => {
    const h = await tenant.auth(['edlink:read']);
    const res = await bodyless('DELETE', '/api/v2/graph/sessions/00000000-0000-4000-8000-000000000000', h);
    expect(res.statusCode).toBe(404);
    expect(res.json().$errors[0].code).toBe('NOT_FOUND');
  });

  it('still refuses a JSON body that is not JSON, and reads a real one', async () => {
    const h = await tenant.auth(ONEROSTER_SCOPES);
    const bad = await t.app.inject({ method: 'PUT', url: `${ONEROSTER}/academicSessions/x`, headers: { ...h, ...JSON_TYPE }, payload: '{"academicSession":' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().imsx_description).toMatch(/not valid JSON/);
    const poisoned = await t.app.inject({ method: 'PUT', url: `${ONEROSTER}/academicSessions/x`, headers: { ...h, ...JSON_TYPE }, payload: '{"__proto__":{"x":1}}' });
    expect(poisoned.statusCode).toBe(400);
  });
});
