// POST /oauth/token over HTTP: each way of sending credentials and each RFC 6749 error.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClientRepository } from '../../src/auth/client-repository.ts';
import { TenantRepository } from '../../src/store/tenant-repository.ts';
import { createTenant, drivers, type TestTenant } from '../harness.ts';
import { newClient, startAuthApp, type AuthTestApp } from './auth-app.ts';

const OR = 'https://purl.imsglobal.org/spec/or/v1p2/scope/';
const form = { 'content-type': 'application/x-www-form-urlencoded' };

describe.each(drivers())('POST /oauth/token on %s', (driver) => {
  let t: AuthTestApp;
  let tenant: TestTenant;
  let other: TestTenant;
  let c: Awaited<ReturnType<typeof newClient>>;
  beforeAll(async () => {
    t = await startAuthApp(driver, { failedTokenAttempts: { max: 3, windowMs: 60_000 } });
    tenant = await createTenant(t);
    other = await createTenant(t);
    c = await newClient(t.store, tenant, ['edfi:read', `${OR}roster-core.readonly`, `${OR}roster.readonly`]);
  });
  afterAll(() => t.close());

  const token = (payload: string | object, headers: Record<string, string> = {}) =>
    t.app.inject({ method: 'POST', url: '/oauth/token', payload, headers: typeof payload === 'string' ? { ...form, ...headers } : headers });

  async function expectUsable(accessToken: string, tenantId: string) {
    const principal = await new ClientRepository(t.store.db).principal(accessToken);
    expect(principal?.tenantId).toBe(tenantId);
    return principal!;
  }

  it('issues a bearer token for HTTP Basic credentials and a form body', async () => {
    const res = await token('grant_type=client_credentials', { authorization: c.basic });
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    const body = res.json();
    expect(body).toMatchObject({ expires_in: 1800, token_type: 'bearer' });
    expect(body.access_token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(body.scope.split(' ').sort()).toEqual(['edfi:read', `${OR}roster-core.readonly`, `${OR}roster.readonly`].sort());
    await expectUsable(body.access_token, tenant.tenantId);
  });

  it('issues a token for client_id/client_secret in a form body and in a JSON body', async () => {
    const f = await token(`grant_type=client_credentials&client_id=${encodeURIComponent(c.id)}&client_secret=${encodeURIComponent(c.secret)}`);
    expect(f.statusCode).toBe(200);
    const j = await token({ grant_type: 'client_credentials', client_id: c.id, client_secret: c.secret });
    expect(j.statusCode).toBe(200);
    expect(j.json().access_token).not.toBe(f.json().access_token);
  });

  it('accepts a lower-case basic scheme', async () => {
    const res = await token('grant_type=client_credentials', { authorization: c.basic.replace('Basic', 'basic') });
    expect(res.statusCode).toBe(200);
  });

  it('narrows the token to requested OneRoster scope URIs', async () => {
    const res = await token(`grant_type=client_credentials&scope=${encodeURIComponent(`${OR}roster-core.readonly`)}`, { authorization: c.basic });
    expect(res.statusCode).toBe(200);
    expect(res.json().scope).toBe(`${OR}roster-core.readonly`);
    const p = await expectUsable(res.json().access_token, tenant.tenantId);
    expect(p.scopes).toEqual([`${OR}roster-core.readonly`]);
  });

  it('answers invalid_scope for a scope the client does not hold', async () => {
    const res = await token(`grant_type=client_credentials&scope=${encodeURIComponent(`${OR}roster.createput`)}`, { authorization: c.basic });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error: 'invalid_scope' });
    expect(res.json().error_description).toContain('roster.createput');
  });

  it("grants the client's scopes for its district's EducationOrganizationId, and only the Ed-Fi ones limited to the school for a school's", async () => {
    await t.store.db.updateTable('orgs').set({ school_id: 255900 }).where('tenant_id', '=', tenant.tenantId).where('kind', '=', 'district').execute();
    const district = await token({ grant_type: 'client_credentials', scope: '255900' }, { authorization: c.basic });
    expect(district.statusCode).toBe(200);
    expect(district.json().scope).toBe('255900');
    const p = await expectUsable(district.json().access_token, tenant.tenantId);
    expect(p.scopes.sort()).toEqual(['edfi:read', `${OR}roster-core.readonly`, `${OR}roster.readonly`].sort());
    expect(p.schoolId).toBeUndefined();
    const schoolId = tenant.schools[0]!.schoolId!;
    const school = await token({ grant_type: 'client_credentials', scope: String(schoolId) }, { authorization: c.basic });
    expect(school.statusCode).toBe(200);
    expect(school.json().scope).toBe(String(schoolId));
    const q = await expectUsable(school.json().access_token, tenant.tenantId);
    expect(q.scopes).toEqual(['edfi:read']);
    expect(q.schoolId).toBe(schoolId);
  });

  it('answers invalid_scope for a school EducationOrganizationId when the client holds no Ed-Fi scope', async () => {
    const rosterOnly = await newClient(t.store, tenant, [`${OR}roster.readonly`]);
    const res = await token({ grant_type: 'client_credentials', scope: String(tenant.schools[0]!.schoolId) }, { authorization: rosterOnly.basic });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error: 'invalid_scope' });
    expect(res.json().error_description).toContain('holds no Ed-Fi scope');
  });

  it("answers invalid_scope for another tenant's or an unknown EducationOrganizationId", async () => {
    for (const edOrg of [String(other.schools[0]!.schoolId), '999999999', '99999999999', `${tenant.schools[0]!.schoolId} edfi:read`]) {
      const res = await token({ grant_type: 'client_credentials', scope: edOrg }, { authorization: c.basic });
      expect(res.statusCode, edOrg).toBe(400);
      expect(res.json().error).toBe('invalid_scope');
    }
  });

  it('answers unsupported_grant_type and invalid_request for grant problems', async () => {
    const wrong = await token('grant_type=password', { authorization: c.basic });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().error).toBe('unsupported_grant_type');
    const missing = await token('scope=', { authorization: c.basic });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().error).toBe('invalid_request');
    const twice = await token('grant_type=client_credentials&grant_type=client_credentials', { authorization: c.basic });
    expect(twice.statusCode).toBe(400);
    expect(twice.json().error).toBe('invalid_request');
  });

  it('answers 400 invalid_request for a malformed Basic header', async () => {
    for (const authorization of ['Basic', 'Basic !!!', `Basic ${Buffer.from('no-colon').toString('base64')}`, `Basic ${Buffer.from('%zz:x').toString('base64')}`]) {
      const res = await token('grant_type=client_credentials', { authorization });
      expect(res.statusCode, authorization).toBe(400);
      expect(res.json().error).toBe('invalid_request');
    }
  });

  it('answers 401 invalid_client for another scheme, 400 invalid_client for credentials sent twice', async () => {
    const bearer = await token('grant_type=client_credentials', { authorization: 'Bearer abc' });
    expect(bearer.statusCode).toBe(401);
    expect(bearer.json().error).toBe('invalid_client');
    const both = await token(`grant_type=client_credentials&client_id=${c.id}&client_secret=${c.secret}`, { authorization: c.basic });
    expect(both.statusCode).toBe(400);
    expect(both.json().error).toBe('invalid_client');
  });

  it('answers 401 invalid_request when the id or secret is missing', async () => {
    const res = await token(`grant_type=client_credentials&client_id=${c.id}`);
    expect(res.statusCode).toBe(401);
    expect(res.json().error).toBe('invalid_request');
    // Basic credentials that decode to an empty key and secret (":"), or an empty one of them, are missing ones.
    for (const pair of [':', `:${c.secret}`, `${c.id}:`]) {
      const basic = await token('grant_type=client_credentials', { authorization: `Basic ${Buffer.from(pair).toString('base64')}` });
      expect(basic.statusCode, pair).toBe(401);
      expect(basic.json()).toEqual({ error: 'invalid_request', error_description: 'Both client_id and client_secret are required.' });
    }
  });

  it('answers 401 invalid_client for a wrong secret, an unknown id and a revoked client', async () => {
    const victim = await newClient(t.store, tenant, ['edfi:read']);
    const wrong = await token({ grant_type: 'client_credentials', client_id: victim.id, client_secret: `${victim.secret}x` });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json().error).toBe('invalid_client');
    const unknown = await token({ grant_type: 'client_credentials', client_id: 'tb_nobody', client_secret: 'x' });
    expect(unknown.statusCode).toBe(401);
    await new ClientRepository(t.store.db).revoke(victim.id);
    const revoked = await token({ grant_type: 'client_credentials', client_id: victim.id, client_secret: victim.secret });
    expect(revoked.statusCode).toBe(401);
    expect(revoked.json().error).toBe('invalid_client');
  });

  it('refuses a client id with 429 and Retry-After after too many failures, even with the right secret', async () => {
    const victim = await newClient(t.store, tenant, ['edfi:read']);
    for (let i = 0; i < 3; i++)
      expect((await token({ grant_type: 'client_credentials', client_id: victim.id, client_secret: 'guess' })).statusCode).toBe(401);
    const locked = await token({ grant_type: 'client_credentials', client_id: victim.id, client_secret: victim.secret });
    expect(locked.statusCode).toBe(429);
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
    expect(locked.json().error).toBe('temporarily_unavailable');
    // Other clients are not affected.
    expect((await token('grant_type=client_credentials', { authorization: c.basic })).statusCode).toBe(200);
  });

  it('answers RFC 6749 bodies for malformed JSON, an unsupported content type and an oversized body', async () => {
    const bad = await t.app.inject({ method: 'POST', url: '/oauth/token', payload: '{"grant_type":', headers: { 'content-type': 'application/json' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error).toBe('invalid_request');
    const xml = await t.app.inject({ method: 'POST', url: '/oauth/token', payload: '<x/>', headers: { 'content-type': 'application/xml' } });
    expect(xml.statusCode).toBe(415);
    expect(xml.json().error).toBe('invalid_request');
    const big = await token(`grant_type=client_credentials&pad=${'x'.repeat(1024 * 1024)}`, { authorization: c.basic });
    expect(big.statusCode).toBe(413);
    expect(big.json().error).toBe('invalid_request');
  });

  it('stops a client’s existing tokens at once when its secret is rotated or it is revoked', async () => {
    const clients = new ClientRepository(t.store.db);
    const victim = await newClient(t.store, tenant, ['edfi:read']);
    const issue = async (secret: string) =>
      (await token({ grant_type: 'client_credentials', client_id: victim.id, client_secret: secret })).json().access_token as string;
    const api = (accessToken: string) => t.app.inject({ method: 'GET', url: '/changeQueries/v1/availableChangeVersions', headers: { authorization: `Bearer ${accessToken}` } });
    const before = await issue(victim.secret);
    expect((await api(before)).statusCode).toBe(200);
    const secret = await clients.rotateSecret(victim.id);
    expect((await api(before)).statusCode).toBe(401);
    const after = await issue(secret!);
    expect((await api(after)).statusCode).toBe(200);
    await clients.revoke(victim.id);
    expect((await api(after)).statusCode).toBe(401);
  });

  it('keeps secrets only as scrypt hashes', async () => {
    const row = await t.store.db.selectFrom('api_clients' as never).selectAll().where('client_id' as never, '=', c.id as never).executeTakeFirst();
    expect(JSON.stringify(row)).not.toContain(c.secret);
    expect((row as { secret_hash: string }).secret_hash).toMatch(/^scrypt\$16384\$8\$1\$/);
  });

  it('a tenant without a district EducationOrganizationId still accepts its schools', async () => {
    const fresh = await createTenant(t, { schools: 1 });
    const fc = await newClient(t.store, fresh, ['edfi:read']);
    expect((await new TenantRepository(t.store.db).get(fresh.tenantId))).not.toBeNull();
    const res = await token({ grant_type: 'client_credentials', scope: String(fresh.schools[0]!.schoolId) }, { authorization: fc.basic });
    expect(res.statusCode).toBe(200);
  });
});
