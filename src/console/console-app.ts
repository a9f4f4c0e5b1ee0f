// What every console route group shares: the Fastify app, the store, the sessions, the jobs,
// and `route()`, which registers a page or action behind the console's own sign-in (a session
// cookie, not a bearer token), its scope, and — for every POST — the CSRF token.
import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../app-context.ts';
import { routeKey } from '../dialects/registry.ts';
import { canRead } from './console-scopes.ts';
import { SESSION_COOKIE, type ConsoleSessions, type ConsoleUser } from './console-sessions.ts';
import { clearCookie, readCookie } from './cookies.ts';
import { html } from './html.ts';
import type { Jobs } from './jobs.ts';
import { page, type PageOptions } from './pages/layout.ts';

export interface ConsoleApp {
  app: FastifyInstance;
  ctx: AppContext;
  sessions: ConsoleSessions;
  jobs: Jobs;
  /** Route → the scopes (any one) it needs, for the registry: `console` reads, `console:write` writes. */
  scopes: Record<string, string[]>;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The signed-in console user, once a console route has read the session (for its error page). */
    consoleUser?: ConsoleUser;
  }
}

export type Handler = (request: FastifyRequest, reply: FastifyReply, user: ConsoleUser) => Promise<unknown>;

export class ConsoleRefusal extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export function sendPage(reply: FastifyReply, options: PageOptions, status = 200): FastifyReply {
  return reply.code(status).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(page(options));
}

export function redirect(reply: FastifyReply, to: string): FastifyReply {
  return reply.code(303).header('location', to).header('cache-control', 'no-store').send();
}

function sameToken(given: unknown, expected: string): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** A browser's Origin (sent on every POST by current browsers) must be this server. */
export function sameOrigin(request: FastifyRequest): boolean {
  const origin = request.headers.origin;
  if (origin === undefined) return true; // older clients; the CSRF token still has to match
  try {
    return new URL(origin).host === request.host;
  } catch {
    return false;
  }
}

export function route(c: ConsoleApp, method: 'GET' | 'POST', url: string, scope: string, handler: Handler): void {
  c.scopes[routeKey(method, url)] = [scope];
  c.app.route({
    method,
    url,
    schema: { hide: true },
    config: { webPage: true },
    handler: async (request, reply) => {
      const user = await c.sessions.read(readCookie(request, SESSION_COOKIE));
      if (!user || !canRead(user)) {
        if (user === null) clearCookie(request, reply, SESSION_COOKIE);
        if (method === 'GET') return redirect(reply, `/console/sign-in?next=${encodeURIComponent(request.url)}`);
        return sendPage(reply, { title: 'Signed out', user: null, body: html`<p>Your console session has ended (signed out, idle too long, or the client's secret changed). <a href="/console/sign-in">Sign in again</a>; nothing was changed.</p>` }, 401);
      }
      if (!user.scopes.includes(scope))
        return sendPage(reply, { title: 'Not allowed', user, body: html`<p>This client does not hold the <code>${scope}</code> scope this needs; nothing was changed.</p>` }, 403);
      if (method === 'POST') {
        const body = (request.body ?? {}) as Record<string, unknown>;
        if (!sameOrigin(request) || !sameToken(body._csrf, user.csrfToken))
          return sendPage(reply, { title: 'Refused', user, body: html`<p>This form was not sent from this console (its CSRF token is missing or wrong); nothing was changed. Go back, reload the page and try again.</p>` }, 403);
      }
      request.consoleUser = user;
      return handler(request, reply, user);
    },
  });
}

/** A request's query or form field as one trimmed string ('' when absent). */
export function field(source: unknown, name: string): string {
  const v = (source as Record<string, unknown> | undefined)?.[name];
  return typeof v === 'string' ? v.trim() : Array.isArray(v) && typeof v[0] === 'string' ? v[0].trim() : '';
}
