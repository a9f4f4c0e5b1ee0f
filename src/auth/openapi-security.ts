// /docs shows what each route needs: its scopes from the registry as the operation's OAuth2
// security requirement, an empty requirement on public routes, and every scope in the
// client-credentials flow. Dialects may fill their scope table after adding routes, so this
// waits for onReady; @fastify/swagger keeps the route objects and builds the document lazily.
import type { FastifyInstance, RouteOptions } from 'fastify';
import type { DialectRegistry } from '../dialects/registry.ts';
import { routeKey } from '../dialects/registry.ts';

export function documentRouteScopes(app: FastifyInstance, registry: DialectRegistry): Record<string, string> {
  /** Handed to swagger's securitySchemes and filled once every dialect has registered. */
  const scopes: Record<string, string> = {};
  const routes: RouteOptions[] = [];
  app.addHook('onRoute', (route) => void routes.push(route));
  app.addHook('onReady', async () => {
    for (const scope of registry.knownScopes()) scopes[scope] = `Grants the routes whose security lists ${scope}.`;
    for (const route of routes) {
      const key = routeKey([route.method].flat()[0]!, route.url);
      const required = registry.scopesFor(key);
      const isPublic = registry.isPublic(key);
      const schema = (route.schema ?? {}) as Record<string, unknown>;
      if ((required || isPublic) && schema.security === undefined) route.schema = { ...schema, security: isPublic ? [] : [{ oauth2: required ?? [] }] };
    }
  });
  return scopes;
}
