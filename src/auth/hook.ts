// The one place requests are authenticated and authorised: Bearer token → tenant + scopes,
// then the route's entry in the scope table. Errors answer in the route's dialect.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { DialectRegistry } from '../dialects/registry.ts';
import { routeKey } from '../dialects/registry.ts';
import { sendDialectError } from '../dialects/send-error.ts';
import type { ClientRepository, Principal } from './client-repository.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** Who is calling; set by the auth hook on every non-public route. */
    principal: Principal;
  }
}

export function bearerToken(header: string | undefined): { token: string } | { problem: string } {
  if (!header) return { problem: 'Authorization header is missing.' };
  const [scheme, value, ...rest] = header.trim().split(/\s+/);
  if (!scheme || scheme.toLowerCase() !== 'bearer') return { problem: 'Unknown Authorization header scheme.' };
  if (!value) return { problem: 'Missing Authorization header bearer token value.' };
  if (rest.length > 0) return { problem: 'Invalid Authorization header.' };
  return { token: value };
}

export function authHook(registry: DialectRegistry, clients: ClientRepository) {
  return async function authenticate(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const url = request.routeOptions.url;
    if (url === undefined) return; // no route matched: the not-found handler answers
    const key = routeKey(request.method, url);
    if (registry.isPublic(key) || request.method === 'HEAD' && registry.isPublic(routeKey('GET', url))) return;
    const required = registry.scopesFor(key) ?? registry.scopesFor(routeKey('GET', url));
    const bearer = bearerToken(request.headers.authorization);
    if ('problem' in bearer) return sendDialectError(registry, request, reply, 'unauthorized', bearer.problem);
    const principal = await clients.principal(bearer.token);
    if (!principal) return sendDialectError(registry, request, reply, 'unauthorized', 'Invalid access token.');
    request.principal = principal;
    if (!required) return sendDialectError(registry, request, reply, 'forbidden', `No scope grants access to ${key}.`);
    if (!required.some((s) => principal.scopes.includes(s)))
      return sendDialectError(
        registry,
        request,
        reply,
        'forbidden',
        `This client's token does not grant access to ${request.method} ${url}; it needs one of the scopes: ${required.join(', ')}.`,
      );
  };
}
