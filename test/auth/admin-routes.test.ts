// The loopback admin routes over HTTP: what the CLI calls while `serve` holds the data directory.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drivers } from '../harness.ts';
import { startAuthApp, type AuthTestApp } from './auth-app.ts';

const KEY = 'admin-routes-test-key';

describe.each(drivers())('admin routes on %s', (driver) => {
  let t: AuthTestApp;
  beforeAll(async () => {
    t = await startAuthApp(driver, { adminKey: KEY });
  });
  afterAll(() => t.close());

  const admin = (method: 'GET' | 'POST', url: string, payload?: object, extra: { remoteAddress?: string; headers?: Record<string, string> } = {}) =>
    t.app.inject({ method, url, ...(payload ? { payload } : {}), headers: { authorization: `Bearer ${KEY}`, ...extra.headers }, ...(extra.remoteAddress ? { remoteAddress: extra.remoteAddress } : {}) });

  it('creates a tenant and a client, lists, rotates and revokes', async () => {
    const tenantId = `adm-${Math.random().toString(36).slice(2, 10)}`;
    const created = await admin('POST', '/admin/v1/tenants', { tenantId, name: 'Admin District', districtEducationOrganizationId: 255950 });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json()).toMatchObject({ tenantId, name: 'Admin District', districtEducationOrganizationId: 255950, schools: [] });
    expect((await admin('POST', '/admin/v1/tenants', { tenantId, name: 'Again' })).statusCode).toBe(409);
    expect((await admin('POST', '/admin/v1/tenants', { tenantId: 'Bad Id!', name: 'x' })).statusCode).toBe(400);
    const noEdOrg = await admin('POST', '/admin/v1/tenants', { tenantId: `${tenantId}-n`, name: 'No EdOrg', districtEducationOrganizationId: null });
    expect(noEdOrg.statusCode, noEdOrg.body).toBe(201);
    expect(noEdOrg.json().districtEducationOrganizationId).toBeNull();

    const client = await admin('POST', '/admin/v1/clients', { tenantId, name: 'SIS', scopes: ['edfi:read'] });
    expect(client.statusCode, client.body).toBe(201);
    const { client: c, secret } = client.json();
    expect(secret).toMatch(/^[A-Za-z0-9_-]{32}$/);
    const listed = await admin('GET', `/admin/v1/clients?tenant=${tenantId}`);
    expect(listed.json().map((x: { clientId: string }) => x.clientId)).toEqual([c.clientId]);
    expect(JSON.stringify(listed.json())).not.toContain(secret);

    const rotated = await admin('POST', `/admin/v1/clients/${c.clientId}/rotate-secret`);
    expect(rotated.statusCode).toBe(200);
    expect(rotated.json().secret).not.toBe(secret);
    const revoked = await admin('POST', `/admin/v1/clients/${c.clientId}/revoke`);
    expect(revoked.statusCode).toBe(200);
    expect(revoked.json().revokedAt).not.toBeNull();
    expect((await admin('POST', `/admin/v1/clients/${c.clientId}/revoke`)).statusCode).toBe(409);
    expect((await admin('POST', '/admin/v1/clients/tb_nobody/revoke')).statusCode).toBe(404);
  });

  it('refuses the admin scope, unknown scopes and unknown tenants for clients', async () => {
    const tenantId = `adm-${Math.random().toString(36).slice(2, 10)}`;
    await admin('POST', '/admin/v1/tenants', { tenantId, name: 'D' });
    for (const [body, status, text] of [
      [{ tenantId, name: 'x', scopes: ['termbridge:admin'] }, 400, 'admin key'],
      [{ tenantId, name: 'x', scopes: ['edfi:everything'] }, 400, 'unknown scope'],
      [{ tenantId, name: 'x', scopes: [] }, 400, 'at least one scope'],
      [{ tenantId: 'no-such-tenant', name: 'x', scopes: ['edfi:read'] }, 404, 'does not exist'],
    ] as const) {
      const res = await admin('POST', '/admin/v1/clients', body);
      expect(res.statusCode, JSON.stringify(body)).toBe(status);
      expect(res.json().message).toContain(text);
    }
  });

  it('answers only the key, only from loopback, never through a proxy', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/admin/v1/clients' })).statusCode).toBe(401);
    expect((await t.app.inject({ method: 'GET', url: '/admin/v1/clients', headers: { authorization: 'Bearer nope' } })).statusCode).toBe(401);
    expect((await admin('GET', '/admin/v1/clients', undefined, { remoteAddress: '10.1.2.3' })).statusCode).toBe(401);
    expect((await admin('GET', '/admin/v1/clients', undefined, { headers: { 'x-forwarded-for': '10.1.2.3' } })).statusCode).toBe(401);
    expect((await admin('GET', '/admin/v1/clients', undefined, { remoteAddress: '::1' })).statusCode).toBe(200);
  });

  it('does not let the admin key into any dialect route', async () => {
    const res = await admin('GET', '/data/v3/ed-fi/sessions');
    expect(res.statusCode).toBe(403);
  });
});

describe.each(drivers())('admin routes without an admin key on %s', (driver) => {
  let t: AuthTestApp;
  beforeAll(async () => {
    t = await startAuthApp(driver);
  });
  afterAll(() => t.close());

  it('are not served at all', async () => {
    expect(t.app.ctx.registry.routes().filter((r) => r.includes('/admin/'))).toEqual([]);
    expect((await t.app.inject({ method: 'GET', url: '/admin/v1/clients', headers: { authorization: 'Bearer x' } })).statusCode).toBe(404);
  });
});
