// /docs shows what each route needs: its scopes from the registry as the operation's OAuth2
// security requirement, an empty requirement on public routes, and in the client-credentials
// flow every scope a client can hold — so "Authorize → select all" asks for a token a client
// can get. The admin key's scope is no client's: the loopback admin routes that need it are left
// out of /docs (the CLI uses them; no API client can). Dialects may fill their scope table after
// adding routes, so this waits for onReady; @fastify/swagger keeps the route objects and builds
// the document lazily.
import type { FastifyInstance, RouteOptions } from 'fastify';
import type { DialectRegistry } from '../dialects/registry.ts';
import { routeKey } from '../dialects/registry.ts';
import { ADMIN_SCOPE } from './administration.ts';

/** Scopes `termbridge clients create --scopes` accepts (administration.ts refuses the admin key's). */
function clientScopes(registry: DialectRegistry): string[] {
  return registry.knownScopes().filter((s) => s !== ADMIN_SCOPE);
}

export function documentRouteScopes(app: FastifyInstance, registry: DialectRegistry): Record<string, string> {
  /** Handed to swagger's securitySchemes and filled once every dialect has registered. */
  const scopes: Record<string, string> = {};
  const routes: RouteOptions[] = [];
  app.addHook('onRoute', (route) => void routes.push(route));
  app.addHook('onReady', async () => {
    for (const scope of clientScopes(registry)) scopes[scope] = `Grants the routes whose security lists ${scope}.`;
    for (const route of routes) {
      const key = routeKey([route.method].flat()[0]!, route.url);
      const required = registry.scopesFor(key);
      const isPublic = registry.isPublic(key);
      const schema = (route.schema ?? {}) as Record<string, unknown>;
      if (required && required.every((s) => s === ADMIN_SCOPE)) route.schema = { ...schema, hide: true };
      else if ((required || isPublic) && schema.security === undefined) route.schema = { ...schema, security: isPublic ? [] : [{ oauth2: required ?? [] }] };
    }
  });
  return scopes;
}
