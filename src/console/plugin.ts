// The console at /console: server-rendered pages for the people who own a district's calendar.
// Its routes sign in with a session cookie rather than a bearer token, so they are public to the
// bearer hook and check the session, scope and CSRF token themselves (console-app.ts).
import { readFileSync } from 'node:fs';
import type { FastifyPluginAsync } from 'fastify';
import type { AppContext } from '../app-context.ts';
import { ClientRepository } from '../auth/client-repository.ts';
import { DEFAULT_FAILED_ATTEMPT_POLICY, FailedAttempts, type AttemptSubject } from '../auth/failed-attempts.ts';
import { SharedCounters } from '../store/shared-counters.ts';
import { randomToken } from '../auth/client-secret.ts';
import { routeKey } from '../dialects/registry.ts';
import { SessionRepository } from '../store/session-repository.ts';
import { TenantRepository } from '../store/tenant-repository.ts';
import { loadCalendar, loadOverview } from './calendar-data.ts';
import { ConsoleRefusal, field, redirect, route, sameOrigin, sendPage, type ConsoleApp } from './console-app.ts';
import { CONSOLE_READ, CONSOLE_WRITE } from './console-scopes.ts';
import { ConsoleSessions, idleMinutesFromEnv, SESSION_COOKIE } from './console-sessions.ts';
import { clearCookie, readCookie, setCookie } from './cookies.ts';
import { sessionAsEachApi } from './dialect-views.ts';
import { html } from './html.ts';
import type { Jobs } from './jobs.ts';
import { calendarBody, overviewBody } from './pages/calendar-pages.ts';
import { jobBody } from './pages/job-page.ts';
import { sessionBody } from './pages/session-page.ts';
import { signInBody } from './pages/sign-in-page.ts';
import { registerClientRoutes } from './routes-clients.ts';
import { registerConnectionRoutes } from './routes-connections.ts';
import { registerSyncRoutes } from './routes-sync.ts';

export const CONSOLE_PREFIX = '/console';
const LOGIN_COOKIE = 'termbridge_console_login';

// No inline script or style anywhere: scripts and styles come only from /console/assets.
export const CONSOLE_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

const ASSETS: Record<string, { type: string; body: string }> = {
  'console.css': { type: 'text/css; charset=utf-8', body: readFileSync(new URL('./assets/console.css', import.meta.url), 'utf8') },
  'console.js': { type: 'text/javascript; charset=utf-8', body: readFileSync(new URL('./assets/console.js', import.meta.url), 'utf8') },
};

declare module 'fastify' {
  interface FastifyInstance {
    /** The console's background jobs, so shutdown and tests can wait for them. */
    consoleJobs: Jobs;
  }
}

/** Where to go after signing in: only a console page of this server. */
export function safeNext(next: string): string {
  return /^\/console\/[A-Za-z0-9/_?=&%.-]*$/.test(next) && !next.startsWith('/console/sign-') ? next : '/console/overview';
}

export const consolePlugin: FastifyPluginAsync<AppContext> = async (app, ctx) => {
  const c: ConsoleApp = { app, ctx, sessions: new ConsoleSessions(ctx.store.db, idleMinutesFromEnv() * 60), jobs: app.consoleJobs, scopes: {} };
  const clients = new ClientRepository(ctx.store.db);
  // The token endpoint's counters: a guesser gets no more tries by switching to the sign-in form.
  const failures = new FailedAttempts(new SharedCounters(ctx.store.db), DEFAULT_FAILED_ATTEMPT_POLICY);

  // Every console route (and its HEAD twin) authenticates by cookie, so the bearer hook skips it.
  app.addHook('onRoute', (r) => {
    for (const m of [r.method].flat()) ctx.registry.markPublic(routeKey(m, r.url));
  });
  app.addHook('onSend', async (_request, reply, payload) => {
    reply.header('content-security-policy', CONSOLE_CSP);
    reply.header('x-frame-options', 'DENY');
    reply.header('referrer-policy', 'same-origin');
    return payload;
  });
  app.setErrorHandler((error: Error & { statusCode?: number }, request, reply) => {
    const status = error instanceof ConsoleRefusal ? error.status : error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
    if (status === 500) request.log.error({ err: error }, 'console error');
    const message = status === 500 ? 'Something went wrong on the server; nothing was changed. Try again, and look at the server log if it persists.' : error.message;
    // A signed-in user keeps the navigation and Sign out (and the CSRF token they carry) on an error page.
    return sendPage(reply, { title: status === 404 ? 'Not found' : 'Could not do that', user: request.consoleUser ?? null, body: html`<p>${message}</p><p><a href="/console">Back to the console</a></p>` }, status);
  });

  app.get(`${CONSOLE_PREFIX}/assets/:name`, { schema: { hide: true } }, async (request, reply) => {
    const asset = ASSETS[(request.params as { name: string }).name];
    if (!asset) throw new ConsoleRefusal(404, 'No such console asset.');
    return reply.type(asset.type).header('cache-control', 'public, max-age=300').send(asset.body);
  });

  app.get(CONSOLE_PREFIX, { schema: { hide: true } }, async (_request, reply) => redirect(reply, `${CONSOLE_PREFIX}/overview`));

  app.get(`${CONSOLE_PREFIX}/sign-in`, { schema: { hide: true }, config: { webPage: true } }, async (request, reply) => {
    const login = await c.sessions.sign(randomToken(18));
    setCookie(request, reply, LOGIN_COOKIE, login, 3600);
    const q = request.query as Record<string, unknown>;
    return sendPage(reply, { title: 'Sign in', user: null, body: signInBody(login, safeNext(field(q, 'next'))), notice: field(q, 'signedOut') ? 'You are signed out.' : undefined });
  });

  app.post(`${CONSOLE_PREFIX}/sign-in`, { schema: { hide: true }, config: { webPage: true } }, async (request, reply) => {
    const body = (request.body ?? {}) as Record<string, unknown>;
    const login = field(body, '_csrf');
    const again = async (message: string, status: number) => {
      const fresh = await c.sessions.sign(randomToken(18));
      setCookie(request, reply, LOGIN_COOKIE, fresh, 3600);
      return sendPage(reply, { title: 'Sign in', user: null, body: html`<p class="problem" role="alert">${message}</p>${signInBody(fresh, safeNext(field(body, 'next')))}` }, status);
    };
    // Login CSRF: the form's token must be the one this browser's cookie holds, and ours.
    if (!sameOrigin(request) || !login || login !== readCookie(request, LOGIN_COOKIE) || (await c.sessions.unsign(login)) === null)
      return again('This sign-in form was not sent from this console (its CSRF token is missing or wrong). Try again.', 403);
    const clientId = field(body, 'client_id');
    const secret = typeof body.client_secret === 'string' ? body.client_secret : '';
    if (!clientId || !secret) return again('Enter the client id and its secret.', 400);
    const claimant = await clients.claimant(clientId);
    const subject: AttemptSubject = { tenantId: claimant?.tenantId, clientId, address: request.ip };
    const wait = await failures.retryAfterSeconds(subject);
    if (wait > 0) return again(`Too many failed sign-ins for this client id; try again in ${wait} seconds.`, 429);
    const client = await clients.verify(claimant, secret);
    if (!client) {
      await failures.recordFailure(subject);
      return again('The client id or secret is wrong, or the client was revoked.', 401);
    }
    await failures.recordSuccess(subject);
    if (!client.scopes.includes(CONSOLE_READ))
      return again(`Client ${client.clientId} does not hold the '${CONSOLE_READ}' scope. Create one that does: termbridge clients create --tenant ${client.tenantId} --name "Console" --scopes ${CONSOLE_READ},${CONSOLE_WRITE},…`, 403);
    setCookie(request, reply, SESSION_COOKIE, await c.sessions.create(client));
    clearCookie(request, reply, LOGIN_COOKIE);
    return redirect(reply, safeNext(field(body, 'next')));
  });

  route(c, 'POST', `${CONSOLE_PREFIX}/sign-out`, CONSOLE_READ, async (request, reply, user) => {
    await c.sessions.end(user.idHash);
    clearCookie(request, reply, SESSION_COOKIE);
    return redirect(reply, `${CONSOLE_PREFIX}/sign-in?signedOut=1`);
  });

  route(c, 'GET', `${CONSOLE_PREFIX}/overview`, CONSOLE_READ, async (_request, reply, user) => {
    const tenant = await new TenantRepository(ctx.store.db).get(user.tenantId);
    return sendPage(reply, { title: `${tenant?.name ?? user.tenantId}: district overview`, user, section: 'overview', body: overviewBody(await loadOverview(ctx.store.db, user.tenantId)) });
  });

  route(c, 'GET', `${CONSOLE_PREFIX}/calendars/:schoolId/:year`, CONSOLE_READ, async (request, reply, user) => {
    const { schoolId, year } = request.params as { schoolId: string; year: string };
    if (!/^\d{1,10}$/.test(schoolId) || !/^\d{4}$/.test(year)) throw new ConsoleRefusal(404, `No calendar at ${request.url}: the school id and the school year (e.g. 2026) are numbers.`);
    const calendar = await loadCalendar(ctx.store.db, user.tenantId, Number(schoolId), Number(year));
    if (!calendar) throw new ConsoleRefusal(404, `This tenant has no school ${schoolId}.`);
    return sendPage(reply, { title: `${calendar.school.name}, ${calendar.year - 1}–${calendar.year}`, user, section: 'overview', body: calendarBody(calendar) });
  });

  route(c, 'GET', `${CONSOLE_PREFIX}/sessions/:id`, CONSOLE_READ, async (request, reply, user) => {
    const { id } = request.params as { id: string };
    const repo = new SessionRepository(ctx.store.db);
    const session = await repo.get(user.tenantId, id);
    if (!session) throw new ConsoleRefusal(404, `This tenant has no session ${id}.`);
    const tenants = new TenantRepository(ctx.store.db);
    const [school, parent, views] = await Promise.all([
      session.schoolOrgId ? tenants.org(user.tenantId, session.schoolOrgId) : null,
      session.parentId ? repo.get(user.tenantId, session.parentId) : null,
      sessionAsEachApi(app, user, session, { host: request.host, protocol: request.protocol }),
    ]);
    return sendPage(reply, { title: session.name, user, section: 'overview', body: sessionBody(session, school, parent, views) });
  });

  route(c, 'GET', `${CONSOLE_PREFIX}/jobs/:id`, CONSOLE_READ, async (request, reply, user) => {
    const job = c.jobs.get(user.tenantId, (request.params as { id: string }).id);
    if (!job) throw new ConsoleRefusal(404, 'No such job (jobs are forgotten when the server restarts).');
    return sendPage(reply, { title: job.title, user, section: null, body: jobBody(job), refreshSeconds: job.state === 'running' ? 1 : undefined });
  });

  registerSyncRoutes(c);
  registerConnectionRoutes(c);
  registerClientRoutes(c);

  ctx.registry.register({
    name: 'console',
    prefixes: [CONSOLE_PREFIX],
    scopes: c.scopes,
    formatError: (kind, message, status) => ({ status, body: { error: kind, message } }),
  });
};
