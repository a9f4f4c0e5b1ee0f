// The input classes issue 17 found answering 500 or Fastify's own body: NUL bytes, malformed or
// overlong URLs, deep and wide JSON. Each answers 4xx in the dialect of its URL.
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTenant, drivers, startApp, type TestApp } from '../harness.ts';
import { newClient } from '../auth/auth-app.ts';
import { shapeOf, shapeProblem } from './dialect-shape.ts';

const OR = 'https://purl.imsglobal.org/spec/or/v1p2/scope/';
const ALL_SCOPES = ['edfi:read', 'edfi:write', 'edlink:read', `${OR}roster-core.readonly`, `${OR}roster.createput`, `${OR}roster.delete`, `${OR}roster.readonly`, 'sis:read', 'sis:write',
  'url:GET|/api/v1/accounts/:account_id/terms', 'url:POST|/api/v1/accounts/:account_id/terms', 'url:PUT|/api/v1/accounts/:account_id/terms/:id'];

function deepJson(levels: number): string {
  let s = '1';
  for (let i = 0; i < levels; i++) s = `{"a":${s}}`;
  return s;
}

describe.each(drivers())('hostile input on %s', (driver) => {
  let t: TestApp;
  let headers: { authorization: string };
  let accountId: string;
  beforeAll(async () => {
    t = await startApp(driver);
    const tenant = await createTenant(t);
    headers = await tenant.auth(ALL_SCOPES);
    accountId = tenant.districtId;
  });
  afterAll(() => t.close());

  async function expectRefused(request: InjectOptions & { url: string; headers?: Record<string, string> }, status: number, mention?: string) {
    const r = await t.app.inject({ ...request, headers: { ...headers, ...request.headers } });
    expect(r.statusCode, `${request.url}: ${r.body}`).toBe(status);
    expect(shapeProblem(shapeOf(request.url)!, status, r.json())).toBeUndefined();
    if (mention) expect(r.body).toContain(mention);
    return r;
  }

  it('a malformed percent-encoding in the path is 400 in the dialect of the URL', async () => {
    await expectRefused({ url: '/data/v3/ed-fi/sessions/%E0%A4%A' }, 400, 'percent-encoding');
    await expectRefused({ url: '/data/v3/ed-fi/schools/%C0%AF' }, 400);
    await expectRefused({ url: '/ims/oneroster/rostering/v1p2/academicSessions/%C0%AF' }, 400);
    await expectRefused({ url: `/api/v1/accounts/${accountId}/terms/%E0%A4%A` }, 400);
    await expectRefused({ url: '/api/v2/graph/sessions/%E0%A4%A' }, 400);
    await expectRefused({ url: '/sis/v1/terms/%E0%A4%A' }, 400);
  });

  it('a path segment past the router limit is 414 in the dialect of the URL', async () => {
    const long = 'x'.repeat(500);
    for (const url of [`/data/v3/ed-fi/sessions/${long}`, `/ims/oneroster/rostering/v1p2/academicSessions/${long}`, `/api/v1/accounts/${long}/terms`, `/api/v2/graph/sessions/${long}`])
      await expectRefused({ url }, 414, 'longer than this server accepts');
  });

  it('NUL in a JSON body field is 400 naming the field, never a 500', async () => {
    await expectRefused({ method: 'POST', url: '/data/v3/ed-fi/schoolYearTypes', payload: { schoolYear: 2031, schoolYearDescription: 'nul\u0000byte', currentSchoolYear: false } }, 400, "'schoolYearDescription'");
    await expectRefused(
      { method: 'POST', url: '/data/v3/ed-fi/termDescriptors', payload: { codeValue: 'X', shortDescription: '\u0000', namespace: 'uri://ed-fi.org/TermDescriptor' } },
      400,
      "'shortDescription'",
    );
    await expectRefused({ method: 'PUT', url: '/ims/oneroster/rostering/v1p2/academicSessions/s1', payload: { academicSession: { sourcedId: 's1', metadata: { deep: ['ok', 'x\u0000'] } } } }, 400, 'academicSession.metadata.deep[1]');
    await expectRefused({ method: 'POST', url: `/api/v1/accounts/${accountId}/terms`, payload: { enrollment_term: { name: 'a\u0000' } } }, 400, 'enrollment_term.name');
  });

  it('NUL in a query parameter, a path parameter or a form field is 400 naming it', async () => {
    await expectRefused({ url: `/api/v1/accounts/${accountId}/terms?term_name=%00` }, 400, "'term_name'");
    await expectRefused({ url: '/data/v3/ed-fi/sessions?sessionName=%00' }, 400, "'sessionName'");
    await expectRefused({ url: '/ims/oneroster/rostering/v1p2/academicSessions/a%00b' }, 400, 'path parameter');
    await expectRefused({ url: "/api/v2/graph/sessions?$filter=%00" }, 400);
    await expectRefused({ method: 'PUT', url: `/api/v1/accounts/${accountId}/terms/1`, payload: 'enrollment_term[name]=%00', headers: { 'content-type': 'application/x-www-form-urlencoded' } }, 400, 'enrollment_term.name');
  });

  it('the token endpoint refuses NUL in a client id and in Basic credentials as invalid_request', async () => {
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    const r1 = await t.app.inject({ method: 'POST', url: '/oauth/token', headers: form, payload: 'grant_type=client_credentials&client_id=%00&client_secret=x' });
    expect(r1.statusCode).toBe(400);
    expect(r1.json()).toMatchObject({ error: 'invalid_request' });
    expect(r1.json().error_description).toContain("'client_id'");
    const r2 = await t.app.inject({ method: 'POST', url: '/oauth/token', headers: { ...form, authorization: 'basic ADoA' }, payload: 'grant_type=client_credentials' });
    expect(r2.statusCode).toBe(400);
    expect(r2.json()).toMatchObject({ error: 'invalid_request' });
    const client = await newClient(t.store, { tenantId: (await createTenant(t)).tenantId }, ['edfi:read']);
    const nulSecret = `Basic ${Buffer.from(`${client.id}:%00`).toString('base64')}`;
    const r3 = await t.app.inject({ method: 'POST', url: '/oauth/token', headers: { ...form, authorization: nulSecret }, payload: 'grant_type=client_credentials' });
    expect(r3.statusCode).toBe(400);
  });

  it('JSON nested past the depth limit or with too many members is 400 before anything walks it', async () => {
    const json = { 'content-type': 'application/json' };
    const deep = `{"academicSession":{"sourcedId":"s2","metadata":${deepJson(5000)}}}`;
    await expectRefused({ method: 'PUT', url: '/ims/oneroster/rostering/v1p2/academicSessions/s2', headers: json, payload: deep }, 400, 'nested deeper');
    await expectRefused({ method: 'POST', url: '/data/v3/ed-fi/sessions', headers: json, payload: `[${'['.repeat(100000)}` }, 400, 'nested deeper');
    const wide = `{${Array.from({ length: 20_000 }, (_, i) => `"k${i}":0`).join(',')}}`;
    await expectRefused({ method: 'POST', url: '/api/v2/graph/sessions', headers: json, payload: wide }, 400, 'object members');
    const token = await t.app.inject({ method: 'POST', url: '/oauth/token', headers: json, payload: deepJson(1000) });
    expect(token.statusCode).toBe(400);
    expect(token.json().error).toBe('invalid_request');
    // Within the limits, a nested metadata object still goes through.
    const ok = await t.app.inject({ method: 'POST', url: '/data/v3/ed-fi/schoolYearTypes', headers, payload: { schoolYear: 2032, schoolYearDescription: '2031-2032', currentSchoolYear: false } });
    expect(ok.statusCode).toBeLessThan(300);
  });

  it('strings that look like escapes but are not NUL are ordinary text', async () => {
    const r = await t.app.inject({ method: 'POST', url: '/data/v3/ed-fi/schoolYearTypes', headers, payload: { schoolYear: 2033, schoolYearDescription: 'back\\u0000slash', currentSchoolYear: false } });
    expect(r.statusCode, r.body).toBeLessThan(300);
  });
});

describe.each(drivers())('found by the edge fuzz on %s', (driver) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp(driver);
  });
  afterAll(() => t.close());

  it('a SIS error-log id past the integer range is 400, not a 500 from PostgreSQL', async () => {
    const tenant = await createTenant(t);
    const headers = await tenant.auth(['sis:read', 'sis:write']);
    for (const [method, url] of [['GET', '/sis/v1/sync/errors/9999999999999999999999999999999999999999'], ['POST', '/sis/v1/sync/errors/9223372036854775807/retry']] as const) {
      const r = await t.app.inject({ method, url, headers });
      expect(r.statusCode, r.body).toBe(400);
      expect(shapeProblem('sis', 400, r.json())).toBeUndefined();
    }
  });
});
