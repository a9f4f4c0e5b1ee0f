// Every route the app registers (enumerated through onRoute, never hand-listed) is either public
// or has a scope entry, and answers a missing, wrong-scope, expired or revoked token in its
// dialect's own envelope.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_SCOPE } from '../../src/auth/administration.ts';
import { ClientRepository } from '../../src/auth/client-repository.ts';
import type { ErrorContext, ErrorKind } from '../../src/dialects/dialect.ts';
import { createTenant, drivers, type TestTenant } from '../harness.ts';
import { concreteUrl, newClient, startAuthApp, type AuthTestApp } from './auth-app.ts';

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD' | 'OPTIONS';

describe.each(drivers())('the route table on %s', (driver) => {
  let t: AuthTestApp;
  let tenant: TestTenant;
  let clients: ClientRepository;
  /** Non-public routes other than HEAD twins (a HEAD is authorised exactly as its GET). */
  let guarded: { key: string; method: Method; url: string; scopes: string[] }[];
  let known: string[];
  beforeAll(async () => {
    t = await startAuthApp(driver, { adminKey: 'route-table-admin-key' });
    tenant = await createTenant(t);
    clients = new ClientRepository(t.store.db);
    const registry = t.app.ctx.registry;
    known = registry.knownScopes().filter((s) => s !== ADMIN_SCOPE);
    guarded = registry
      .routes()
      .filter((k) => !registry.isPublic(k) && !k.startsWith('HEAD '))
      .map((key) => {
        const [method, pattern] = key.split(' ') as [Method, string];
        return { key, method, url: concreteUrl(pattern), scopes: registry.scopesFor(key) ?? [] };
      });
  });
  afterAll(() => t.close());

  const registry = () => t.app.ctx.registry;

  /** The body shape (sorted top-level keys) the route's dialect gives for this error. */
  function expectedShape(url: string, kind: ErrorKind, status: number, context: ErrorContext) {
    const dialect = registry().forPath(url);
    expect(dialect, `no dialect owns ${url}`).toBeDefined();
    const r = dialect!.formatError(kind, 'm', status, context);
    return { status: r.status, keys: Object.keys(r.body as object).sort() };
  }

  async function tokenFor(scopes: string[], lifetimeSeconds?: number) {
    const { client } = await clients.create(tenant.tenantId, 'route table', scopes);
    const { token } = await clients.issueToken(client, scopes, lifetimeSeconds);
    return { client, authorization: `Bearer ${token}` };
  }

  it('has a scope entry for every route that is not public', () => {
    const missing = registry()
      .routes()
      .filter((k) => !registry().isPublic(k) && !registry().scopesFor(k) && !(k.startsWith('HEAD ') && registry().scopesFor(`GET ${k.slice(5)}`)));
    expect(missing, `routes without a scope entry: ${missing.join(', ')}`).toEqual([]);
    expect(guarded.length).toBeGreaterThan(5);
  });

  it('makes public only the token endpoints, health, docs, Ed-Fi discovery and dependencies, and the console', () => {
    // token_info checks the bearer token itself (it must compare the caller with the token named);
    // the console's pages check their own session cookie, scope and CSRF token (test/console).
    const allowed = (k: string) =>
      /^(GET|HEAD) (\/|\/healthz|\/docs(\/.*)?|\/metadata\/data\/v3\/dependencies)$/.test(k) ||
      k === 'POST /oauth/token' ||
      k === 'POST /oauth/token_info' ||
      /^(GET|HEAD|POST) \/console(\/.*)?$/.test(k);
    const extra = registry().routes().filter((k) => registry().isPublic(k) && !allowed(k));
    expect(extra, `unexpected public routes: ${extra.join(', ')}`).toEqual([]);
    expect(registry().isPublic('POST /oauth/token')).toBe(true);
  });

  it('documents each operation’s scopes in /docs, and only scopes a client can hold', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/docs/json' })).json() as {
      paths: Record<string, Record<string, { security?: { oauth2: string[] }[] }>>;
      components: { securitySchemes: { oauth2: { flows: { clientCredentials: { scopes: Record<string, string> } } } } };
    };
    expect(Object.keys(doc.components.securitySchemes.oauth2.flows.clientCredentials.scopes).sort()).toEqual(known);
    expect(JSON.stringify(doc)).not.toContain(ADMIN_SCOPE);
    let checked = 0;
    for (const [path, ops] of Object.entries(doc.paths))
      for (const [method, op] of Object.entries(ops)) {
        const key = `${method.toUpperCase()} ${path.replace(/\{([^}]+)\}/g, ':$1')}`;
        const expected = key === 'POST /oauth/token_info' ? [{ oauth2: [] }] : registry().isPublic(key) ? [] : [{ oauth2: registry().scopesFor(key) }];
        expect(op.security, key).toEqual(expected);
        checked++;
      }
    expect(checked).toBeGreaterThan(10);
  });

  it('gives "Authorize → select all" in /docs a token: every documented scope at once', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/docs/json' })).json() as {
      components: { securitySchemes: { oauth2: { flows: { clientCredentials: { scopes: Record<string, string> } } } } };
    };
    const all = Object.keys(doc.components.securitySchemes.oauth2.flows.clientCredentials.scopes);
    // The most a client can hold: every known scope but the admin key's (administration.ts refuses it).
    const client = await newClient(t.store, tenant, known);
    const res = await t.app.inject({
      method: 'POST',
      url: '/oauth/token',
      headers: { authorization: client.basic, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ grant_type: 'client_credentials', scope: all.join(' ') }).toString(),
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().scope.split(' ').sort()).toEqual([...all].sort());
  });

  it('has no scope entry for a route that does not exist', () => {
    const served = new Set(registry().routes());
    const stale = registry()
      .all()
      .flatMap((d) => Object.keys(d.scopes))
      .filter((k) => !served.has(k));
    expect(stale, `scope entries without a route: ${stale.join(', ')}`).toEqual([]);
  });

  it('answers 401 in the dialect format without a token, and with a malformed Authorization header', async () => {
    for (const r of guarded) {
      const res = await t.app.inject({ method: r.method, url: r.url });
      const want = expectedShape(r.url, 'unauthorized', 401, { reason: 'missingToken' });
      expect(res.statusCode, r.key).toBe(want.status);
      expect(Object.keys(res.json()).sort(), r.key).toEqual(want.keys);
      expect(res.headers['www-authenticate'], r.key).toMatch(/^Bearer/);
      const basic = await t.app.inject({ method: r.method, url: r.url, headers: { authorization: 'Basic dXNlcjpwYXNz' } });
      expect(basic.statusCode, r.key).toBe(401);
    }
  });

  it('answers 401 for an unknown token, an expired token and a revoked client', async () => {
    const all = [...known, ADMIN_SCOPE];
    const expired = await tokenFor(all, -60);
    const revoked = await tokenFor(all);
    await clients.revoke(revoked.client.clientId);
    const cases: [string, string, ErrorContext['reason']][] = [
      ['unknown', 'Bearer AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', 'invalidToken'],
      ['expired', expired.authorization, 'expiredToken'],
      ['revoked', revoked.authorization, 'invalidToken'],
    ];
    for (const r of guarded)
      for (const [name, authorization, reason] of cases) {
        const res = await t.app.inject({ method: r.method, url: r.url, headers: { authorization } });
        const want = expectedShape(r.url, 'unauthorized', 401, { reason });
        expect(res.statusCode, `${name}: ${r.key}`).toBe(want.status);
        expect(Object.keys(res.json()).sort(), `${name}: ${r.key}`).toEqual(want.keys);
      }
  });

  it('answers 403 in the dialect format for a token whose scopes do not include the route’s', async () => {
    const tokens = new Map<string, string>();
    for (const r of guarded) {
      const others = known.filter((s) => !r.scopes.includes(s));
      const key = others.join(' ');
      if (!tokens.has(key)) tokens.set(key, (await tokenFor(others.length > 0 ? others : ['no-such-scope'])).authorization);
      const authorization = tokens.get(key)!;
      const res = await t.app.inject({ method: r.method, url: r.url, headers: { authorization } });
      const want = expectedShape(r.url, 'forbidden', 403, { reason: 'insufficientScope', requiredScopes: r.scopes });
      expect(res.statusCode, r.key).toBe(want.status);
      expect(Object.keys(res.json()).sort(), r.key).toEqual(want.keys);
    }
  });

  it('lets a token holding one of the route’s scopes past authentication and authorisation', async () => {
    const tokens = new Map<string, string>();
    for (const r of guarded.filter((g) => !g.scopes.includes(ADMIN_SCOPE))) {
      const scope = r.scopes[0]!;
      if (!tokens.has(scope)) tokens.set(scope, (await tokenFor([scope])).authorization);
      const res = await t.app.inject({ method: r.method, url: r.url, headers: { authorization: tokens.get(scope)! } });
      expect([401, 403], `${r.key} answered ${res.statusCode}: ${res.body.slice(0, 200)}`).not.toContain(res.statusCode);
    }
  });

  it('never lets a client token reach the admin routes, even one holding the admin scope', async () => {
    const { authorization } = await tokenFor([ADMIN_SCOPE]);
    const adminRoutes = guarded.filter((g) => g.scopes.includes(ADMIN_SCOPE));
    expect(adminRoutes.length).toBeGreaterThan(0);
    for (const r of adminRoutes) {
      const res = await t.app.inject({ method: r.method, url: r.url, headers: { authorization } });
      expect(res.statusCode, r.key).toBe(403);
    }
  });

  it('answers 413 in the dialect format for a body over 1 MiB on every write route', async () => {
    const tokens = new Map<string, string>();
    const writes = guarded.filter((g) => ['POST', 'PUT', 'PATCH'].includes(g.method) && !g.scopes.includes(ADMIN_SCOPE));
    expect(writes.length).toBeGreaterThan(0);
    const payload = JSON.stringify({ pad: 'x'.repeat(1024 * 1024) });
    for (const r of writes) {
      if ((registry().bodyLimitOf(r.key) ?? 0) > payload.length) continue; // routes that raised their limit (uploads)
      const scope = r.scopes[0]!;
      if (!tokens.has(scope)) tokens.set(scope, (await tokenFor([scope])).authorization);
      const res = await t.app.inject({ method: r.method, url: r.url, payload, headers: { authorization: tokens.get(scope)!, 'content-type': 'application/json' } });
      const want = expectedShape(r.url, 'payloadTooLarge', 413, {});
      expect(res.statusCode, r.key).toBe(want.status);
      expect(Object.keys(res.json()).sort(), r.key).toEqual(want.keys);
    }
  });
});
