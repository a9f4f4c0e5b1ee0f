// The one table of dialects and of route → scope, filled by each dialect as it registers.
import type { DialectDefinition, RouteKey } from './dialect.ts';

export class DialectRegistry {
  private readonly dialects: DialectDefinition[] = [];
  private readonly scopes = new Map<RouteKey, string[]>();
  /** Routes anyone may call: the token endpoint, health, docs, and what dialects declare public. */
  private readonly publicRoutes = new Set<RouteKey>();
  /** Every route the server registered (filled from Fastify's onRoute), so tests can enumerate them. */
  private readonly registered = new Map<RouteKey, { bodyLimit?: number | undefined }>();

  register(dialect: DialectDefinition): void {
    if (this.dialects.some((d) => d.name === dialect.name)) throw new Error(`dialect ${dialect.name} is registered twice`);
    for (const route of Object.keys(dialect.scopes)) {
      // Two dialects claiming one route would make the effective scopes depend on load order.
      if (this.scopes.has(route)) throw new Error(`route ${route} of dialect ${dialect.name} already has a scope entry`);
      if (!/^[A-Z]+ \//.test(route)) throw new Error(`scope table key '${route}' of dialect ${dialect.name} is not 'METHOD /path'`);
    }
    this.dialects.push(dialect);
    for (const [route, scopes] of Object.entries(dialect.scopes)) this.scopes.set(route, scopes);
    for (const route of dialect.publicRoutes ?? []) this.publicRoutes.add(route);
  }

  markPublic(route: RouteKey): void {
    this.publicRoutes.add(route);
  }

  isPublic(route: RouteKey): boolean {
    return this.publicRoutes.has(route);
  }

  /** The scopes a route accepts, or undefined when it has no entry (a bug the tests catch). */
  scopesFor(route: RouteKey): string[] | undefined {
    return this.scopes.get(route);
  }

  /** Every scope some route accepts. */
  knownScopes(): string[] {
    return [...new Set([...this.scopes.values()].flat())].sort();
  }

  noteRoute(route: RouteKey, options: { bodyLimit?: number | undefined } = {}): void {
    this.registered.set(route, options);
  }

  /** Every `METHOD /pattern` the app serves (HEAD twins of GET routes included). */
  routes(): RouteKey[] {
    return [...this.registered.keys()];
  }

  /** A route's own body limit when it raised the app's (e.g. a CSV upload). */
  bodyLimitOf(route: RouteKey): number | undefined {
    return this.registered.get(route)?.bodyLimit;
  }

  /** The dialect owning this URL path, by longest prefix. */
  forPath(path: string): DialectDefinition | undefined {
    let best: DialectDefinition | undefined;
    let bestLength = -1;
    for (const d of this.dialects)
      for (const p of d.prefixes)
        if ((path === p || path.startsWith(p.endsWith('/') ? p : `${p}/`) || path.startsWith(`${p}?`)) && p.length > bestLength) {
          best = d;
          bestLength = p.length;
        }
    return best;
  }

  /** The request URL as the dialect owning it spells its routes (see DialectDefinition.respellUrl). */
  respellUrl(url: string): string {
    for (const d of this.dialects) {
      const spelled = d.respellUrl?.(url);
      if (spelled !== undefined) return spelled;
    }
    return url;
  }

  all(): readonly DialectDefinition[] {
    return this.dialects;
  }
}

export function routeKey(method: string, url: string): RouteKey {
  return `${method.toUpperCase()} ${url}`;
}
