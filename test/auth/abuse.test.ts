// Per-client rate limit answering 429 in each dialect's envelope with Retry-After, and security
// headers on web pages only.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClientRepository } from '../../src/auth/client-repository.ts';
import { rateLimitFromEnv } from '../../src/auth/rate-limit.ts';
import { createTenant, drivers, type TestTenant } from '../harness.ts';
import { concreteUrl, startAuthApp, type AuthTestApp } from './auth-app.ts';

const LIMIT = 3;

describe.each(drivers())('abuse limits on %s', (driver) => {
  let t: AuthTestApp;
  let tenant: TestTenant;
  beforeAll(async () => {
    t = await startAuthApp(driver, { rateLimit: { max: LIMIT, timeWindowMs: 60_000 }, tokensPerClient: 2 });
    tenant = await createTenant(t);
  });
  afterAll(() => t.close());

  async function bearer(scopes: string[]) {
    const clients = new ClientRepository(t.store.db);
    const { client } = await clients.create(tenant.tenantId, 'abuse', scopes);
    return `Bearer ${(await clients.issueToken(client, scopes)).token}`;
  }

  it('answers 429 with Retry-After in the dialect format once a client exceeds its limit, per dialect', async () => {
    const registry = t.app.ctx.registry;
    // The console signs in by cookie, not bearer token: its pages are not an API a client is limited on.
    const dialects = registry.all().filter((d) => Object.keys(d.scopes).some((k) => k.startsWith('GET ')) && d.name !== 'admin' && d.name !== 'console');
    expect(dialects.length).toBeGreaterThan(0);
    for (const dialect of dialects) {
      const [key, scopes] = Object.entries(dialect.scopes).find(([k]) => k.startsWith('GET '))!;
      const url = concreteUrl(key.slice(4));
      const authorization = await bearer([scopes[0]!]);
      for (let i = 0; i < LIMIT; i++) {
        const ok = await t.app.inject({ method: 'GET', url, headers: { authorization } });
        expect(ok.statusCode, `${key} #${i}`).not.toBe(429);
      }
      const limited = await t.app.inject({ method: 'GET', url, headers: { authorization } });
      expect(limited.statusCode, key).toBe(429);
      const retryAfter = Number(limited.headers['retry-after']);
      expect(retryAfter).toBeGreaterThan(0);
      expect(retryAfter).toBeLessThanOrEqual(60);
      const want = dialect.formatError('rateLimited', 'm', 429, { retryAfterSeconds: retryAfter });
      expect(Object.keys(limited.json()).sort(), key).toEqual(Object.keys(want.body as object).sort());
      // The limit is per client: another client of the same tenant is not held back.
      const other = await t.app.inject({ method: 'GET', url, headers: { authorization: await bearer([scopes[0]!]) } });
      expect(other.statusCode, key).not.toBe(429);
    }
  });

  it('counts a client across its tokens, not per token', async () => {
    const clients = new ClientRepository(t.store.db);
    const { client } = await clients.create(tenant.tenantId, 'many tokens', ['edfi:read']);
    const statuses: number[] = [];
    for (let i = 0; i <= LIMIT; i++) {
      const { token } = await clients.issueToken(client, ['edfi:read']);
      statuses.push((await t.app.inject({ method: 'GET', url: '/data/v3/ed-fi/sessions', headers: { authorization: `Bearer ${token}` } })).statusCode);
    }
    expect(statuses.slice(0, LIMIT)).not.toContain(429);
    expect(statuses[LIMIT]).toBe(429);
  });

  it('caps the unexpired tokens one client holds, answering 429 with Retry-After', async () => {
    const clients = new ClientRepository(t.store.db);
    const { client, secret } = await clients.create(tenant.tenantId, 'token hoarder', ['edfi:read']);
    let n = 0; // a fresh address per request: the per-address limit of token-less routes is not under test here
    const ask = () =>
      t.app.inject({ method: 'POST', url: '/oauth/token', remoteAddress: `192.0.2.${++n}`, payload: { grant_type: 'client_credentials', client_id: client.clientId, client_secret: secret } });
    expect((await ask()).statusCode).toBe(200);
    expect((await ask()).statusCode).toBe(200);
    const third = await ask();
    expect(third.statusCode).toBe(429);
    expect(third.json().error).toBe('temporarily_unavailable');
    expect(Number(third.headers['retry-after'])).toBeGreaterThan(1700); // the first token has ~30 minutes left
    // Expired tokens do not count.
    await t.store.db.updateTable('access_tokens' as never).set({ expires_at: new Date(Date.now() - 1000) } as never).where('client_id' as never, '=', client.clientId as never).execute();
    expect((await ask()).statusCode).toBe(200);
  });

  it('limits token-less routes per address, in the route’s own format', async () => {
    const from = (remoteAddress: string) =>
      t.app.inject({ method: 'POST', url: '/oauth/token', remoteAddress, payload: { grant_type: 'client_credentials', client_id: 'tb_x', client_secret: 'y' } });
    for (let i = 0; i < LIMIT; i++) expect((await from('203.0.113.50')).statusCode).toBe(401);
    const limited = await from('203.0.113.50');
    expect(limited.statusCode).toBe(429);
    expect(limited.json().error).toBe('temporarily_unavailable');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect((await from('203.0.113.51')).statusCode).toBe(401);
  });

  it('puts security headers on /docs and none on API JSON', async () => {
    const docs = await t.app.inject({ method: 'GET', url: '/docs', remoteAddress: '198.51.100.1' });
    expect(docs.statusCode).toBe(200);
    expect(docs.headers['content-security-policy']).toContain("default-src 'self'");
    expect(docs.headers['content-security-policy']).not.toContain('upgrade-insecure-requests');
    expect(docs.headers['x-content-type-options']).toBe('nosniff');
    expect(docs.headers['x-frame-options']).toBe('SAMEORIGIN');
    const api = await t.app.inject({ method: 'GET', url: '/data/v3/ed-fi/sessions', headers: { authorization: await bearer(['edfi:read']) } });
    expect(api.headers['content-security-policy']).toBeUndefined();
    expect(api.headers['x-frame-options']).toBeUndefined();
    const health = await t.app.inject({ method: 'GET', url: '/healthz', remoteAddress: '198.51.100.2' });
    expect(health.statusCode).toBe(200);
    expect(health.headers['content-security-policy']).toBeUndefined();
  });
});

describe('RATE_LIMIT_PER_MINUTE', () => {
  it('defaults to a generous limit and refuses nonsense', () => {
    expect(rateLimitFromEnv({})).toEqual({ max: 1200, timeWindowMs: 60_000 });
    expect(rateLimitFromEnv({ RATE_LIMIT_PER_MINUTE: '50' })).toEqual({ max: 50, timeWindowMs: 60_000 });
    for (const bad of ['0', '-1', '1.5', 'lots']) expect(() => rateLimitFromEnv({ RATE_LIMIT_PER_MINUTE: bad })).toThrow(/RATE_LIMIT_PER_MINUTE/);
  });
});
