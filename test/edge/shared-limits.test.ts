// Two servers on one database enforce one limit (issue 14): request rate limits and failed
// token attempts are counted in the database (migration 016). And the token endpoint slows a
// guesser down without locking the owner out, counts junk ids apart from real ones, and hashes
// a secret for an id that is no client too (issue 18).
import crypto from 'node:crypto';
import { syncBuiltinESMExports } from 'node:module';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildApp } from '../../src/server.ts';
import type { Store } from '../../src/store/database.ts';
import { createTenant, drivers, openTestStore, type TestTenant } from '../harness.ts';
import { newClient } from '../auth/auth-app.ts';

describe.each(drivers())('limits shared through the database on %s', (driver) => {
  let store: Store;
  let a: FastifyInstance;
  let b: FastifyInstance;
  let tenant: TestTenant;
  beforeAll(async () => {
    store = await openTestStore(driver);
    // Two servers: two apps, each with its own memory, on one database.
    const options = { store, rateLimit: { max: 4, timeWindowMs: 60_000, syncMs: 0 }, failedTokenAttempts: { max: 3, windowMs: 60_000, maxPerClient: 6 } };
    a = await buildApp(options);
    b = await buildApp(options);
    tenant = await createTenant({ store });
  });
  afterAll(async () => {
    await a.close();
    await b.close();
    await store.close();
  });

  it('a client limited on one server is limited on the other', async () => {
    const { authorization } = await tenant.auth(['edfi:read']);
    const get = (app: FastifyInstance) => app.inject({ url: '/data/v3/ed-fi/sessions', headers: { authorization } });
    const statuses = [await get(a), await get(b), await get(a), await get(b)].map((r) => r.statusCode);
    expect(statuses).toEqual([200, 200, 200, 200]);
    const fifth = await get(a);
    expect(fifth.statusCode).toBe(429);
    expect(fifth.json().type).toBe('urn:ed-fi:api:too-many-requests');
    expect((await get(b)).statusCode).toBe(429);
    // Another client of the tenant is counted apart.
    const other = await tenant.auth(['edfi:read']);
    expect((await a.inject({ url: '/data/v3/ed-fi/sessions', headers: other })).statusCode).toBe(200);
  });

  it('failed token attempts on one server count on the other; the owner at another address still gets in', async () => {
    const victim = await newClient(store, tenant, ['edfi:read']);
    const guess = (app: FastifyInstance, address: string, secret = 'guess') =>
      app.inject({ method: 'POST', url: '/oauth/token', remoteAddress: address, payload: { grant_type: 'client_credentials', client_id: victim.id, client_secret: secret } });
    expect((await guess(a, '198.51.100.1')).statusCode).toBe(401);
    expect((await guess(b, '198.51.100.1')).statusCode).toBe(401);
    expect((await guess(a, '198.51.100.1')).statusCode).toBe(401);
    const slowed = await guess(b, '198.51.100.1', victim.secret);
    expect(slowed.statusCode).toBe(429);
    expect(slowed.json().error).toBe('temporarily_unavailable');
    expect(Number(slowed.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(Number(slowed.headers['retry-after'])).toBeLessThanOrEqual(60);
    // The owner, at its own address, is not locked out by the guesser.
    expect((await guess(a, '203.0.113.7', victim.secret)).statusCode).toBe(200);
    // Many addresses guessing one id slow it down everywhere (maxPerClient 6).
    for (const n of [2, 3, 4]) expect((await guess(b, `198.51.100.${n}`)).statusCode).toBe(401);
    expect((await guess(a, '203.0.113.8', victim.secret)).statusCode).toBe(429);
  });

  it('junk client ids count per address and never against a real client', async () => {
    const victim = await newClient(store, tenant, ['edfi:read']);
    const ask = (id: string, address: string, secret = 'guess') =>
      a.inject({ method: 'POST', url: '/oauth/token', remoteAddress: address, payload: { grant_type: 'client_credentials', client_id: id, client_secret: secret } });
    for (let i = 0; i < 3; i++) expect((await ask(victim.id, '192.0.2.50')).statusCode).toBe(401);
    // A flood of junk ids, one per address: each counts against its address only.
    for (let i = 0; i < 20; i++) expect((await ask(`junk-${i}`, `10.9.${Math.floor(i / 200)}.${i % 200}`)).statusCode).toBe(401);
    // The victim's count survived the flood: one more failure, and the next attempt must wait.
    expect([401, 429]).toContain((await ask(victim.id, '192.0.2.50')).statusCode);
    expect((await ask(victim.id, '192.0.2.50', victim.secret)).statusCode).toBe(429);
    // And a junk-guessing address is slowed down too.
    for (let i = 0; i < 3; i++) expect((await ask(`junk-x${i}`, '10.8.0.1')).statusCode).toBe(401);
    expect((await ask('junk-x9', '10.8.0.1')).statusCode).toBe(429);
  });

  it('hashes the secret sent for an id that is no client, as for a real one (no timing tell)', async () => {
    const calls = vi.spyOn(crypto, 'scrypt');
    syncBuiltinESMExports();
    try {
      const r = await a.inject({ method: 'POST', url: '/oauth/token', remoteAddress: '192.0.2.99', payload: { grant_type: 'client_credentials', client_id: 'tb_nobody', client_secret: 'guess-for-nobody' } });
      expect(r.statusCode).toBe(401);
      expect(calls.mock.calls.some(([secret]) => secret === 'guess-for-nobody')).toBe(true);
    } finally {
      calls.mockRestore();
      syncBuiltinESMExports();
    }
  });
});
