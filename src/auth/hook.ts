// The one place requests are authenticated and authorised: Bearer token → tenant + scopes,
// then the route's entry in the scope table. Errors answer in the route's dialect.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ErrorReason } from '../dialects/dialect.ts';
import type { DialectRegistry } from '../dialects/registry.ts';
import { routeKey } from '../dialects/registry.ts';
import { sendDialectError } from '../dialects/send-error.ts';
import type { Principal } from './client-repository.ts';
import { queryToken } from './query-token.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** Who is calling; set by the auth hook on every non-public route. */
    principal: Principal;
  }
}

/**
 * Something that can vouch for a bearer token: the client repository, or the admin key on
 * loopback. null means "not mine"; 'expired' stops the search with that reason.
 */
export type TokenAuthority = (token: string, request: FastifyRequest) => Promise<Principal | 'expired' | null>;

export function bearerToken(header: string | undefined): { token: string } | { problem: string; reason: ErrorReason } {
  if (!header) return { problem: 'Authorization header is missing.', reason: 'missingToken' };
  const [scheme, value, ...rest] = header.trim().split(/\s+/);
  if (!scheme || scheme.toLowerCase() !== 'bearer') return { problem: 'Unknown Authorization header scheme.', reason: 'malformedToken' };
  if (!value) return { problem: 'Missing Authorization header bearer token value.', reason: 'malformedToken' };
  if (rest.length > 0) return { problem: 'Invalid Authorization header.', reason: 'malformedToken' };
  return { token: value };
}

export function authHook(registry: DialectRegistry, authorities: TokenAuthority[]) {
  return async function authenticate(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const url = request.routeOptions.url;
    if (url === undefined) return; // no route matched: the not-found handler answers
    const key = routeKey(request.method, url);
    // Fastify serves HEAD for every GET route; it is public or scoped exactly like the GET.
    const getKey = request.method === 'HEAD' ? routeKey('GET', url) : key;
    if (registry.isPublic(key) || registry.isPublic(getKey)) return;
    const required = registry.scopesFor(key) ?? registry.scopesFor(getKey);
    let bearer = bearerToken(request.headers.authorization);
    if ('problem' in bearer) {
      // Canvas: a usable bearer header wins; without one, the access_token query parameter.
      const parameter = registry.forPath(request.url.split('?')[0] ?? request.url)?.queryTokenParameter;
      const fromQuery = parameter === undefined ? undefined : queryToken(request.query, parameter);
      if (fromQuery !== undefined) bearer = { token: fromQuery };
    }
    if ('problem' in bearer) return sendDialectError(registry, request, reply, 'unauthorized', bearer.problem, undefined, { reason: bearer.reason });
    let found: Principal | 'expired' | null = null;
    for (const authority of authorities) {
      found = await authority(bearer.token, request);
      if (found) break;
    }
    if (found === 'expired')
      return sendDialectError(registry, request, reply, 'unauthorized', 'The access token has expired; request a new one from /oauth/token.', undefined, { reason: 'expiredToken' });
    if (!found) return sendDialectError(registry, request, reply, 'unauthorized', 'Invalid access token.', undefined, { reason: 'invalidToken' });
    request.principal = found;
    if (!required) {
      request.log.error({ route: key }, 'route has no scope entry; refusing it');
      return sendDialectError(registry, request, reply, 'forbidden', `No scope grants access to ${key}.`, undefined, { reason: 'noScopeEntry', requiredScopes: [] });
    }
    if (!required.some((s) => found.scopes.includes(s)))
      return sendDialectError(
        registry,
        request,
        reply,
        'forbidden',
        `This client's token does not grant access to ${request.method} ${url}; it needs one of the scopes: ${required.join(', ')}.`,
        undefined,
        { reason: 'insufficientScope', requiredScopes: required },
      );
  };
}
