// ODS's answers around the data: correlation ids, unsupported methods, malformed ids, paging
// errors listed together, the discovery document and the dependency order. Over HTTP on both drivers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTenant, drivers, startApp, type TestApp, type TestTenant } from '../../harness.ts';
import { DATA, edfiClient, sessionBody, type EdfiClient } from './edfi-fixtures.ts';

describe.each(drivers())('Ed-Fi protocol details on %s', (driver) => {
  let t: TestApp;
  let tenant: TestTenant;
  let c: EdfiClient;
  beforeAll(async () => {
    t = await startApp(driver);
    tenant = await createTenant(t);
    c = await edfiClient(t.app, tenant);
  });
  afterAll(() => t.close());

  it('echoes a correlation-id header or correlationId query value as the problem details’ correlationId', async () => {
    const header = await c.get(`${DATA}/sessions?limit=9999`, { 'correlation-id': 'sync-run-42' });
    expect(header.statusCode).toBe(400);
    expect(header.json().correlationId).toBe('sync-run-42');
    expect((await c.get(`${DATA}/sessions?limit=9999&correlationId=q-7`)).json().correlationId).toBe('q-7');
    expect((await c.post(`${DATA}/sessions`, {}, { 'correlation-id': 'body-1' })).json().correlationId).toBe('body-1');
    // Errors answered before the route (no token, unknown route) echo it too.
    const unauthenticated = await t.app.inject({ method: 'GET', url: `${DATA}/sessions`, headers: { 'correlation-id': 'auth-1' } });
    expect(unauthenticated.statusCode).toBe(401);
    expect(unauthenticated.json().correlationId).toBe('auth-1');
    expect((await c.get(`${DATA}/nothingHere`, { 'correlation-id': 'nf-1' })).json().correlationId).toBe('nf-1');
    // Without one, each problem gets its own.
    const [a, b] = [(await c.get(`${DATA}/sessions?limit=-1`)).json().correlationId, (await c.get(`${DATA}/sessions?limit=-1`)).json().correlationId];
    expect(a).toMatch(/^[0-9a-f-]{36}$/);
    expect(a).not.toBe(b);
  });

  it('answers HEAD and OPTIONS with 405 like other unsupported methods', async () => {
    const { id } = await c.create(`${DATA}/sessions`, sessionBody(tenant.schools[0]!.schoolId!));
    for (const url of [`${DATA}/sessions`, `${DATA}/schools`, `${DATA}/sessions/${id}`, `${DATA}/sessions/deletes`]) {
      for (const method of ['HEAD', 'OPTIONS'] as const) {
        const res = await t.app.inject({ method, url, headers: c.headers });
        expect(res.statusCode, `${method} ${url}`).toBe(405);
        if (method === 'OPTIONS') expect(res.json()).toMatchObject({ type: 'urn:ed-fi:api:method-not-allowed', errors: [`The endpoint of the request does not support the '${method}' method.`] });
      }
    }
    expect((await t.app.inject({ method: 'OPTIONS', url: `${DATA}/sessions`, headers: c.headers })).headers.allow).toBe('GET, POST');
    expect((await t.app.inject({ method: 'OPTIONS', url: `${DATA}/sessions/${id}`, headers: c.headers })).headers.allow).toBe('GET, PUT, DELETE');
  });

  it('answers PUT and DELETE of a malformed id with 400 on $.id; GET of one is 404', async () => {
    for (const resource of ['sessions', 'gradingPeriods', 'schools', 'schoolYearTypes', 'termDescriptors']) {
      const del = await c.del(`${DATA}/${resource}/not-a-guid`);
      expect(del.statusCode, resource).toBe(400);
      expect(del.json()).toMatchObject({ type: 'urn:ed-fi:api:bad-request:data-validation-failed', validationErrors: { '$.id': ["The value 'not-a-guid' is not valid."] } });
      expect((await c.get(`${DATA}/${resource}/not-a-guid`)).statusCode).toBe(404);
    }
    expect((await c.put(`${DATA}/sessions/123`, sessionBody(tenant.schools[0]!.schoolId!))).json().validationErrors).toEqual({ '$.id': ["The value '123' is not valid."] });
  });

  it('lists every invalid paging parameter of /deletes and /keyChanges', async () => {
    for (const sub of ['deletes', 'keyChanges']) {
      const res = await c.get(`${DATA}/sessions/${sub}?limit=0&offset=-1`);
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({
        type: 'urn:ed-fi:api:bad-request:parameter-validation-failed',
        detail: 'Parameters supplied to the request were invalid.',
        errors: ['Offset must be greater than or equal to 0.', 'Limit must be omitted or set to a value between 1 and 500.'],
      });
    }
  });

  it('lists the URLs ODS lists that termbridge serves, and each answers', async () => {
    const urls = (await t.app.inject({ method: 'GET', url: '/', headers: { host: 'api.example.org' } })).json().urls as Record<string, string>;
    expect(Object.keys(urls).sort()).toEqual(['changeQueries', 'dataManagementApi', 'dependencies', 'oauth', 'oauthTokenIntrospection', 'oneRoster', 'openApiMetadata']);
    expect(urls['dependencies']).toBe('http://api.example.org/metadata/data/v3/dependencies');
    expect(urls['oauthTokenIntrospection']).toBe('http://api.example.org/oauth/token_info');
    const path = (u: string) => u.replace('http://api.example.org', '');
    const deps = await t.app.inject({ method: 'GET', url: path(urls['dependencies']!) });
    expect(deps.statusCode).toBe(200);
    const order = Object.fromEntries((deps.json() as { resource: string; order: number }[]).map((d) => [d.resource, d.order]));
    expect(order['/ed-fi/schoolYearTypes']).toBeLessThan(order['/ed-fi/schools']!);
    expect(order['/ed-fi/schools']).toBeLessThan(order['/ed-fi/gradingPeriods']!);
    expect(order['/ed-fi/gradingPeriods']).toBeLessThan(order['/ed-fi/sessions']!);
    expect((await t.app.inject({ method: 'GET', url: path(urls['openApiMetadata']!) })).statusCode).toBe(200);
    expect((await t.app.inject({ method: 'GET', url: path(urls['changeQueries']!) + 'availableChangeVersions', headers: c.headers })).statusCode).toBe(200);
    expect((await t.app.inject({ method: 'POST', url: path(urls['oauthTokenIntrospection']!) })).statusCode).toBe(401);
  });

  it('gives every Ed-Fi and token operation a typed response schema in /docs/json, errors included', async () => {
    type Op = { responses?: Record<string, { content?: Record<string, { schema?: { properties?: Record<string, unknown> } }> }> };
    const doc = (await t.app.inject({ method: 'GET', url: '/docs/json' })).json() as { paths: Record<string, Record<string, Op>> };
    const ours = Object.entries(doc.paths).filter(([p]) => /^\/(data\/v3|changeQueries|oauth|metadata)\//.test(p) || p === '/');
    expect(ours.flatMap(([, ops]) => Object.keys(ops)).length).toBeGreaterThan(45);
    for (const [path, ops] of ours)
      for (const [method, op] of Object.entries(ops)) {
        const key = `${method.toUpperCase()} ${path}`;
        const responses = op.responses ?? {};
        const success = Object.keys(responses).filter((c) => c.startsWith('2'));
        expect(success.length, key).toBeGreaterThan(0);
        // A success with a body documents it; Ed-Fi's writes answer with an empty body.
        const bodied = method === 'get' || path.startsWith('/oauth');
        if (bodied) for (const code of success) expect(responses[code]!.content?.['application/json']?.schema, `${key} ${code}`).toBeDefined();
        const error = responses['400'] ?? responses['429'];
        expect(error?.content?.['application/json']?.schema, `${key} error`).toBeDefined();
      }
    const problem = doc.paths['/data/v3/ed-fi/sessions']!['post']!.responses!['409']!.content!['application/json']!.schema!;
    expect(Object.keys(problem.properties ?? {})).toEqual(expect.arrayContaining(['type', 'title', 'status', 'detail', 'correlationId', 'validationErrors', 'errors']));
  });
});
