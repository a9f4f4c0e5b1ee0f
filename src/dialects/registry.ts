// The one table of dialects and of route → scope, filled by each dialect as it registers.
import type { DialectDefinition, RouteKey } from './dialect.ts';

export class DialectRegistry {
  private readonly dialects: DialectDefinition[] = [];
  private readonly scopes = new Map<RouteKey, string[]>();
  /** Routes anyone may call: the token endpoint, health, docs. */
  private readonly publicRoutes = new Set<RouteKey>();

  register(dialect: DialectDefinition): void {
    this.dialects.push(dialect);
    for (const [route, scopes] of Object.entries(dialect.scopes)) this.scopes.set(route, scopes);
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

  all(): readonly DialectDefinition[] {
    return this.dialects;
  }
}

export function routeKey(method: string, url: string): RouteKey {
  return `${method.toUpperCase()} ${url}`;
}
