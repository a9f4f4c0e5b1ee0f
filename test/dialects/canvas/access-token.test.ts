// Canvas takes the token as an `access_token` query parameter (its docs' first option; one
// well-used client sends nothing else). termbridge accepts it on Canvas routes only, never puts
// it in a Link URL and never writes it to a log.
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { ClientRepository } from '../../../src/auth/client-repository.ts';
import { ALL_CANVAS_SCOPES } from '../../../src/dialects/canvas/scopes.ts';
import { ROSTER_READONLY } from '../../../src/dialects/oneroster/scopes.ts';
import { buildApp } from '../../../src/server.ts';
import type { Store } from '../../../src/store/database.ts';
import { createTenant, drivers, openTestStore, type TestTenant } from '../../harness.ts';
import { parseLinks } from './canvas-client.ts';

const TERMS = '/api/v1/accounts/self/terms';

describe.each(drivers())('Canvas access_token query parameter on %s', (driver) => {
  let store: Store;
  let app: FastifyInstance;
  let log = '';
  let tenant: TestTenant;
  let token: string;
  beforeAll(async () => {
    store = await openTestStore(driver);
    const sink = new Writable({ write: (chunk, _enc, done) => ((log += String(chunk)), done()) });
    app = await buildApp({ store, logger: { level: 'debug', stream: sink } });
    await app.ready();
    tenant = await createTenant({ store });
    const clients = new ClientRepository(store.db);
    const { client } = await clients.create(tenant.tenantId, 'query token client', [...ALL_CANVAS_SCOPES, ROSTER_READONLY]);
    token = (await clients.issueToken(client, [...ALL_CANVAS_SCOPES, ROSTER_READONLY])).token;
    for (const name of ['Fall', 'Spring', 'Summer'])
      expect((await app.inject({ method: 'POST', url: TERMS, headers: { authorization: `Bearer ${token}` }, payload: { enrollment_term: { name } } })).statusCode).toBe(200);
  });
  afterAll(async () => {
    await app?.close();
    await store?.close();
  });

  it('accepts the token as access_token on every Canvas route', async () => {
    const q = `access_token=${encodeURIComponent(token)}`;
    const list = await app.inject({ url: `${TERMS}?${q}&per_page=1` });
    expect(list.statusCode, list.body).toBe(200);
    expect(list.json().enrollment_terms).toHaveLength(1);
    const created = await app.inject({ method: 'POST', url: `${TERMS}?${q}`, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'enrollment_term[name]=Winter' });
    expect(created.statusCode, created.body).toBe(200);
    const id = created.json().id;
    expect((await app.inject({ url: `${TERMS}/${id}?${q}` })).json().name).toBe('Winter');
    expect((await app.inject({ method: 'PUT', url: `${TERMS}/${id}?${q}`, payload: { enrollment_term: { name: 'Winter 2' } } })).json().name).toBe('Winter 2');
    expect((await app.inject({ method: 'DELETE', url: `${TERMS}/${id}?${q}` })).json().workflow_state).toBe('deleted');
    // However the name is escaped, it is the same parameter.
    expect((await app.inject({ url: `${TERMS}?access%5Ftoken=${encodeURIComponent(token)}` })).statusCode).toBe(200);
  });

  it('strips it from every Link URL, keeping the other parameters', async () => {
    const res = await app.inject({ url: `${TERMS}?access_token=${encodeURIComponent(token)}&per_page=1&include[]=overrides` });
    const header = String(res.headers.link);
    expect(header).not.toContain('access_token');
    expect(header).not.toContain(token);
    const links = parseLinks(header);
    expect(Object.keys(links)).toEqual(expect.arrayContaining(['current', 'next', 'first', 'last']));
    for (const url of Object.values(links)) expect(url).toContain('include%5B%5D=overrides');
    // The next link works with the token sent the same way again.
    const next = new URL(links.next!);
    expect((await app.inject({ url: `${next.pathname}${next.search}&access_token=${encodeURIComponent(token)}` })).statusCode).toBe(200);
  });

  it('answers a bad one as Canvas does, and lets a bearer header win over it', async () => {
    const bad = await app.inject({ url: `${TERMS}?access_token=not-a-token` });
    expect(bad.statusCode).toBe(401);
    expect(bad.json()).toEqual({ errors: [{ message: 'Invalid access token.' }] });
    expect(bad.headers['www-authenticate']).toBe('Bearer realm="canvas-lms"');
    expect((await app.inject({ url: `${TERMS}?access_token=not-a-token`, headers: { authorization: `Bearer ${token}` } })).statusCode).toBe(200);
    expect((await app.inject({ url: `${TERMS}?access_token=` })).json()).toEqual({ status: 'unauthenticated', errors: [{ message: 'user authorization required' }] });
  });

  it('is Canvas’s alone: other APIs take the Authorization header only', async () => {
    const res = await app.inject({ url: `/ims/oneroster/rostering/v1p2/academicSessions?access_token=${encodeURIComponent(token)}` });
    expect(res.statusCode).toBe(401);
    expect(res.json().imsx_CodeMinor.imsx_codeMinorField[0].imsx_codeMinorFieldValue).toBe('unauthorisedrequest');
  });

  it('never writes it to the log', () => {
    expect(log).toContain('incoming request');
    expect(log).toContain('access_token=[redacted]');
    expect(log).not.toContain(token);
    expect(log).not.toContain(encodeURIComponent(token));
  });
});
