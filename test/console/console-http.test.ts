// The console over HTTP, black-box, on PGlite and PostgreSQL: sign-in, the session cookie,
// CSRF, scopes, tenant isolation, the security headers, and the error log's archive and retry all.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClientRepository } from '../../src/auth/client-repository.ts';
import { CONSOLE_CSP } from '../../src/console/plugin.ts';
import { listErrors, recordSendError } from '../../src/sync/error-log.ts';
import { SessionRepository } from '../../src/store/session-repository.ts';
import { createTenant, drivers, startApp, type TestApp, type TestTenant } from '../harness.ts';
import { ConsoleBrowser } from './console-session.ts';

const READ_ALL = ['console', 'console:write', 'edfi:read', 'edlink:read'];

async function quarter(t: TestApp, tenant: TestTenant, name: string, beginDate: string, endDate: string) {
  return new SessionRepository(t.store.db).insert(tenant.tenantId, {
    schoolOrgId: tenant.schools[0]!.id,
    schoolYear: 2026,
    name,
    type: 'quarter',
    beginDate,
    endDate,
    parentId: null,
    termDescriptor: 'uri://ed-fi.org/TermDescriptor#First Quarter',
    gradingPeriodDescriptor: null,
    periodSequence: null,
    totalInstructionalDays: null,
  });
}

describe.each(drivers())('the console over HTTP on %s', (driver) => {
  let t: TestApp;
  let tenant: TestTenant;
  let other: TestTenant;
  let clients: ClientRepository;
  let q1Id: string;
  let foreignId: string;
  const client = async (scopes: string[], of: TestTenant = tenant) => {
    const { client, secret } = await clients.create(of.tenantId, 'console test', scopes);
    return { id: client.clientId, secret };
  };
  const signedIn = async (scopes: string[] = READ_ALL) => {
    const c = await client(scopes);
    const b = new ConsoleBrowser(t.app);
    const res = await b.signIn(c.id, c.secret);
    expect(res.statusCode).toBe(303);
    return { b, c };
  };

  beforeAll(async () => {
    t = await startApp(driver);
    clients = new ClientRepository(t.store.db);
    tenant = await createTenant(t, { schools: 1 });
    other = await createTenant(t, { schools: 1 });
    q1Id = (await quarter(t, tenant, 'Quarter 1', '2025-08-13', '2025-10-10')).id;
    await quarter(t, tenant, 'Quarter 2', '2025-10-06', '2025-12-19'); // overlaps Quarter 1
    foreignId = (await quarter(t, other, 'Their Quarter', '2025-08-13', '2025-10-10')).id;
  });
  afterAll(() => t.close());

  it('signs in with a console client and sets an HttpOnly, SameSite=Strict session cookie', async () => {
    const c = await client(READ_ALL);
    const b = new ConsoleBrowser(t.app);
    const form = await b.get('/console/sign-in');
    expect(form.statusCode).toBe(200);
    const res = await b.post('/console/sign-in', { client_id: c.id, client_secret: c.secret, next: '/console/clients' });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/console/clients');
    const cookie = [res.headers['set-cookie']].flat().find((x) => x!.startsWith('termbridge_console='))!;
    expect(cookie).toMatch(/; HttpOnly/);
    expect(cookie).toMatch(/; SameSite=Strict/);
    expect(cookie).toMatch(/; Path=\/console/);
    expect(cookie).not.toMatch(/Secure/);
    expect((await b.get('/console/overview')).statusCode).toBe(200);
  });

  it('marks the cookies Secure when the browser came over HTTPS (X-Forwarded-Proto)', async () => {
    const b = new ConsoleBrowser(t.app);
    const res = await b.get('/console/sign-in', { 'x-forwarded-proto': 'https' });
    expect([res.headers['set-cookie']].flat().join('\n')).toMatch(/termbridge_console_login=[^;]+;.*; Secure/);
  });

  it('sends a strict Content-Security-Policy and no inline script or style', async () => {
    const { b } = await signedIn();
    for (const url of ['/console/overview', `/console/calendars/${tenant.schools[0]!.schoolId}/2026`, `/console/sessions/${q1Id}`, '/console/sync', '/console/sync/plan', '/console/sync/resync', '/console/connections', '/console/clients']) {
      const res = await b.get(url);
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['content-security-policy'], url).toBe(CONSOLE_CSP);
      expect(res.headers['x-frame-options']).toBe('DENY');
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.body, url).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
      expect(res.body, url).not.toMatch(/\sstyle=/);
      expect(res.body, url).not.toMatch(/\son[a-z]+=/);
    }
  });

  it('sends a signed-out browser to the sign-in page, and refuses its POSTs', async () => {
    const b = new ConsoleBrowser(t.app);
    const res = await b.get('/console/overview');
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/console/sign-in?next=%2Fconsole%2Foverview');
    expect((await b.post('/console/sync/errors/retry', {}, { csrf: 'x' })).statusCode).toBe(401);
  });

  it('refuses a wrong secret, a client without the console scope and a sign-in without its form token', async () => {
    const c = await client(['console']);
    const b = new ConsoleBrowser(t.app);
    await b.get('/console/sign-in');
    expect((await b.post('/console/sign-in', { client_id: c.id, client_secret: 'wrong' })).statusCode).toBe(401);
    expect(b.cookies.has('termbridge_console')).toBe(false);

    const api = await client(['edfi:read']);
    expect((await b.post('/console/sign-in', { client_id: api.id, client_secret: api.secret })).statusCode).toBe(403);
    expect(b.lastBody).toContain('does not hold the &#39;console&#39; scope');

    const forged = new ConsoleBrowser(t.app);
    await forged.get('/console/sign-in');
    expect((await forged.post('/console/sign-in', { client_id: c.id, client_secret: c.secret }, { csrf: null })).statusCode).toBe(403);
    expect((await forged.post('/console/sign-in', { client_id: c.id, client_secret: c.secret }, { csrf: 'made.up' })).statusCode).toBe(403);
    expect(forged.cookies.has('termbridge_console')).toBe(false);
  });

  it('refuses a POST without the CSRF token, with a wrong one or from another origin, and changes nothing', async () => {
    const { b } = await signedIn();
    await b.get('/console/clients');
    const before = (await clients.list(tenant.tenantId)).length;
    expect((await b.post('/console/clients', { name: 'no token', scopes: 'console' }, { csrf: null })).statusCode).toBe(403);
    expect((await b.post('/console/clients', { name: 'wrong token', scopes: 'console' }, { csrf: 'x'.repeat(32) })).statusCode).toBe(403);
    expect((await b.post('/console/clients', { name: 'other origin', scopes: 'console' }, { headers: { origin: 'https://evil.example' } })).statusCode).toBe(403);
    expect((await clients.list(tenant.tenantId)).length).toBe(before);
    await b.get('/console/clients');
    const created = await b.post('/console/clients', { name: 'made here', scopes: ['console', 'edfi:read'] });
    expect(created.statusCode).toBe(200);
    expect(created.body).toMatch(/id="client-secret" class="secret" readonly value="[A-Za-z0-9_-]{20,}"/);
    expect((await clients.list(tenant.tenantId)).length).toBe(before + 1);
  });

  it('puts the CSRF token in every form that posts, and every POST route refuses a request without it', async () => {
    const { b } = await signedIn();
    let forms = 0;
    for (const url of ['/console/overview', `/console/calendars/${tenant.schools[0]!.schoolId}/2026`, `/console/sessions/${q1Id}`, '/console/sync', '/console/sync/plan', '/console/sync/resync', '/console/connections', '/console/clients']) {
      const page = await b.get(url);
      for (const form of page.body.match(/<form[^>]*method="post"[\s\S]*?<\/form>/g) ?? []) {
        forms++;
        expect(form, url).toContain(`<input type="hidden" name="_csrf" value="${b.csrf()}">`);
      }
    }
    expect(forms).toBeGreaterThan(8);
    const posts = t.app.ctx.registry.routes().filter((r) => r.startsWith('POST /console/') && r !== 'POST /console/sign-in');
    expect(posts.length).toBeGreaterThanOrEqual(11);
    for (const r of posts) {
      const url = r.slice('POST '.length).replace(/:[A-Za-z]+/g, '1');
      for (const csrf of [null, 'x'.repeat(32)]) {
        const res = await b.post(url, {}, { csrf });
        expect(res.statusCode, `${url} with ${csrf ? 'a wrong' : 'no'} token`).toBe(403);
        expect(res.body).toContain('CSRF token is missing or wrong');
      }
    }
  });

  it('rotates and revokes another client of the tenant, not its own', async () => {
    const { b, c } = await signedIn();
    const other = await client(['console']);
    await b.get('/console/clients');
    const rotated = await b.post(`/console/clients/${other.id}/rotate`, {});
    expect(rotated.statusCode).toBe(200);
    const secret = /id="client-secret" class="secret" readonly value="([^"]+)"/.exec(rotated.body)![1]!;
    expect(await clients.authenticate(other.id, other.secret)).toBeNull();
    expect((await clients.authenticate(other.id, secret))?.clientId).toBe(other.id);
    // Each form is posted from a freshly loaded page, as a person would (an error page has no forms).
    await b.get('/console/clients');
    expect((await b.post(`/console/clients/${c.id}/rotate`, {})).statusCode).toBe(409);
    await b.get('/console/clients');
    expect((await b.post(`/console/clients/${c.id}/revoke`, {})).statusCode).toBe(409);
    await b.get('/console/clients');
    expect((await b.post(`/console/clients/${other.id}/revoke`, {})).statusCode).toBe(303);
    expect((await clients.get(other.id))!.revokedAt).not.toBeNull();
  });

  it('grants a new client only scopes the signed-in client holds', async () => {
    const { b } = await signedIn(['console', 'console:write']);
    await b.get('/console/clients');
    const res = await b.post('/console/clients', { name: 'wider', scopes: ['console', 'edfi:write'] });
    expect(res.statusCode).toBe(403);
    expect(res.body).toContain('edfi:write');
  });

  it('shows a read-only client no write buttons and refuses its write routes', async () => {
    const { b } = await signedIn(['console']);
    for (const url of ['/console/clients', '/console/sync', '/console/connections', '/console/sync/resync']) {
      const page = await b.get(url);
      expect(page.statusCode).toBe(200);
      const forms = [...page.body.matchAll(/<form[^>]*method="post"[^>]*action="([^"]+)"/g)].map((m) => m[1]);
      expect(forms, url).toEqual(['/console/sign-out']);
      expect(page.body).toContain('read-only');
    }
    await b.get('/console/clients');
    const res = await b.post('/console/clients', { name: 'sneaky', scopes: 'console' });
    expect(res.statusCode).toBe(403);
    expect(res.body).toContain('console:write');
    expect((await b.post('/console/sync/errors/retry', {})).statusCode).toBe(403);
    expect((await b.post('/console/sync/resync', { school: '' })).statusCode).toBe(403);
  });

  it("shows only the client's own tenant", async () => {
    const { b } = await signedIn();
    expect((await b.get(`/console/sessions/${foreignId}`)).statusCode).toBe(404);
    expect((await b.get(`/console/calendars/${other.schools[0]!.schoolId}/2026`)).statusCode).toBe(404);
    const foreignClient = await client(['console'], other);
    await b.get('/console/clients');
    expect(b.lastBody).not.toContain(foreignClient.id);
    expect((await b.post(`/console/clients/${foreignClient.id}/revoke`, {})).statusCode).toBe(404);
    expect((await clients.get(foreignClient.id))!.revokedAt).toBeNull();
  });

  it('draws the calendar with its warnings, and the session as each API serves it', async () => {
    const { b } = await signedIn();
    const overview = await b.get('/console/overview');
    expect(overview.body).toContain('2 quarters');
    expect(overview.body).toMatch(/! 1 warning/);
    const cal = await b.get(`/console/calendars/${tenant.schools[0]!.schoolId}/2026`);
    expect(cal.body).toContain('<svg class="timeline"');
    expect(cal.body).toContain('<strong>Overlap</strong>');
    expect(cal.body).toContain('&#39;Quarter 1&#39; and &#39;Quarter 2&#39; overlap for 5 days');
    const detail = await b.get(`/console/sessions/${q1Id}`);
    const statuses = [...detail.body.matchAll(/<code>GET ([^<]+)<\/code> → <span class="\w+">(\d+)/g)].map((m) => [m[1]!.split('/')[1], Number(m[2])]);
    // edfi:read and edlink:read held; no OneRoster or Canvas scope: those APIs refuse, as they would this client.
    expect(statuses).toEqual([
      ['data', 200],
      ['ims', 403],
      ['api', 403],
      ['api', 200],
    ]);
    expect(detail.body).toContain('&quot;sessionName&quot;: &quot;Quarter 1&quot;');
    expect(detail.body).toContain('&quot;name&quot;: &quot;Quarter 1&quot;');
  });

  it("shows the error log with the target's request and response on demand; archives one entry and retries all", async () => {
    const refused = (n: number) =>
      recordSendError(t.store.db, tenant.tenantId, {
        kind: 'send',
        opId: n,
        resource: 'sessions',
        keyText: `sessions:{"schoolId":${tenant.schools[0]!.schoolId},"schoolYear":2026,"sessionName":"Term ${n}"}`,
        schoolId: tenant.schools[0]!.schoolId,
        schoolYear: 2026,
        action: 'post',
        requestBody: { sessionName: `Term ${n}`, beginDate: '2026-01-06' },
        responseStatus: 400,
        responseBody: { message: `EndDate is required (term ${n})` },
        message: `EndDate is required (term ${n})`,
        refusalKey: `refusal-${n}`,
      });
    await refused(1);
    await refused(2);
    const [first, second] = await listErrors(t.store.db, tenant.tenantId);
    const { b } = await signedIn();
    const log = await b.get('/console/sync');
    expect(log.statusCode).toBe(200);
    const row = new RegExp(`<tr id="error-${first!.errorId}">[\\s\\S]*?</tr>`).exec(log.body)![0];
    expect(row).toContain('<strong>POST</strong> sessions');
    expect(row).toContain('sessionName Term 1');
    expect(row).toContain('<strong>HTTP 400</strong> EndDate is required (term 1)');
    expect(row).toMatch(/<details><summary>Request body and response<\/summary>[\s\S]*&quot;beginDate&quot;: &quot;2026-01-06&quot;[\s\S]*&quot;message&quot;/);
    expect(row).toContain(`Archive #${first!.errorId}`);

    const archived = await b.post(`/console/sync/errors/${first!.errorId}/archive`, {});
    expect(archived.statusCode).toBe(303);
    expect(archived.headers.location).toBe(`/console/sync?done=archived&n=${first!.errorId}`);
    expect((await b.get('/console/sync')).body).not.toContain(`id="error-${first!.errorId}"`);
    const shown = await b.get('/console/sync?state=archived');
    expect(shown.body).toContain(`id="error-${first!.errorId}"`);
    expect(shown.body).not.toContain(`Archive #${first!.errorId}`); // already archived; it can still be retried
    expect(shown.body).toContain(`Retry #${first!.errorId}`);
    expect((await b.post(`/console/sync/errors/${first!.errorId}/archive`, {})).statusCode).toBe(404);
    expect(b.lastBody).toContain('action="/console/sign-out"'); // an error page keeps the navigation and Sign out

    // Retry all takes the open and the archived entries; this tenant has no target, so nothing is sent.
    await b.get('/console/sync?state=all');
    const retried = await b.post('/console/sync/errors/retry', {});
    expect(retried.statusCode).toBe(303);
    expect(retried.headers.location).toBe('/console/sync?done=retried&n=2');
    expect((await listErrors(t.store.db, tenant.tenantId, { state: 'all' })).map((e) => [e.errorId, e.state])).toEqual([
      [first!.errorId, 'retried'],
      [second!.errorId, 'retried'],
    ]);
    expect((await b.get('/console/sync?done=retried&n=2')).body).toContain('2 error(s) queued for retry.');
    expect((await b.post('/console/sync/errors/retry', {})).statusCode).toBe(404);
  });

  it('ends the session on sign out, when idle too long, on secret rotation and revocation; refuses an edited cookie', async () => {
    const { b } = await signedIn();
    await b.get('/console/overview');
    expect((await b.post('/console/sign-out', {})).statusCode).toBe(303);
    expect((await b.get('/console/overview')).statusCode).toBe(303);

    const idle = await signedIn();
    await sql`UPDATE console_sessions SET last_seen_at = now() - interval '31 minutes' WHERE tenant_id = ${tenant.tenantId} AND client_id = ${idle.c.id}`.execute(t.store.db);
    expect((await idle.b.get('/console/overview')).statusCode).toBe(303);

    const rotated = await signedIn();
    await clients.rotateSecret(rotated.c.id);
    expect((await rotated.b.get('/console/overview')).statusCode).toBe(303);

    const revoked = await signedIn();
    await clients.revoke(revoked.c.id);
    expect((await revoked.b.get('/console/overview')).statusCode).toBe(303);

    const edited = await signedIn();
    const value = edited.b.cookies.get('termbridge_console')!;
    edited.b.cookies.set('termbridge_console', `${value.slice(0, -2)}xx`);
    expect((await edited.b.get('/console/overview')).statusCode).toBe(303);
  });
});
