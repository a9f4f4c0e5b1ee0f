// Security headers (@fastify/helmet) on the pages a browser renders — /docs and the calendar
// page — and not on API JSON, where CSP and friends mean nothing and only cost bytes.
import helmet from '@fastify/helmet';
import type { FastifyInstance, RouteOptions } from 'fastify';

/** Path prefixes of web pages. A page elsewhere opts in with route config `{ webPage: true }`. */
export const WEB_PAGE_PREFIXES = ['/docs', '/calendar'];

declare module 'fastify' {
  interface FastifyContextConfig {
    /** This route renders a page in a browser: it gets the security headers. */
    webPage?: boolean;
  }
}

export function isWebPage(route: Pick<RouteOptions, 'url' | 'config'>): boolean {
  return route.config?.webPage === true || WEB_PAGE_PREFIXES.some((p) => route.url === p || route.url.startsWith(`${p}/`));
}

/** Call before any route is registered; marks web page routes as they are added. */
export async function registerSecurityHeaders(app: FastifyInstance): Promise<void> {
  app.addHook('onRoute', (route) => {
    if (isWebPage(route)) route.config = { ...(route.config ?? {}), helmet: {} } as typeof route.config;
  });
  await app.register(helmet, {
    global: false,
    contentSecurityPolicy: {
      // The pages are served over plain http on localhost too; upgrading their requests would break them.
      directives: { upgradeInsecureRequests: null },
    },
  });
}
