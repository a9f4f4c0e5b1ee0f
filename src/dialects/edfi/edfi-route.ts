// How every Ed-Fi route is declared: its method, URL, schema for /docs and the scope it needs.
// Declaring a route here also writes its scope-table entry, so none can be forgotten.
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteShorthandOptions } from 'fastify';
import type { AppContext } from '../../app-context.ts';
import { routeKey } from '../registry.ts';
import { methodNotAllowed } from './problem-details.ts';
import { errorResponses } from './schemas.ts';

export const EDFI_READ = 'edfi:read';
export const EDFI_WRITE = 'edfi:write';
export const DATA = '/data/v3/ed-fi';

export interface EdfiRoutes {
  app: FastifyInstance;
  ctx: AppContext;
  scopes: Record<string, string[]>;
  /** Every literal path segment of the routes, for case-insensitive routing (see plugin.ts). */
  segments: Set<string>;
  /** `/ed-fi/{resource}` → operation (Create, Read, …) → the scopes allowing it, for token introspection. */
  access: Map<string, Map<string, string[]>>;
  /** URL → the methods it serves (what a 405's Allow header lists). */
  allowed: Map<string, Set<string>>;
}

const OPERATION: Record<string, string> = { GET: 'Read', POST: 'Create', PUT: 'Update', DELETE: 'Delete' };

type Handler = (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>;

export function route(
  r: EdfiRoutes,
  method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH',
  url: string,
  schema: NonNullable<RouteShorthandOptions['schema']>,
  handler: Handler,
  scopes: string[] = [method === 'GET' ? EDFI_READ : EDFI_WRITE],
): void {
  declare(r, method, url, schema, handler, scopes);
  r.allowed.set(url, (r.allowed.get(url) ?? new Set<string>()).add(method));
  if (method === 'GET' && url.startsWith(`${DATA}/`))
    for (const other of ['HEAD', 'OPTIONS'] as const)
      refusal(r, other, url, { hide: true, ...(schema.params ? { params: schema.params } : {}) }, async () => {
        throw methodNotAllowed(`The endpoint of the request does not support the '${other}' method.`, allowOf(r, url));
      });
  const [resource, sub] = url.startsWith(`${DATA}/`) ? url.slice(DATA.length + 1).split('/') : [];
  const operation = sub === 'deletes' || sub === 'keyChanges' ? 'ReadChanges' : OPERATION[method];
  if (resource && operation) {
    const ops = r.access.get(`/ed-fi/${resource}`) ?? new Map<string, string[]>();
    r.access.set(`/ed-fi/${resource}`, ops.set(operation, scopes));
  }
}

/** A route that only refuses (a 405): declared like the others, but it grants no operation. */
export function refusal(r: EdfiRoutes, method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH' | 'HEAD' | 'OPTIONS', url: string, schema: NonNullable<RouteShorthandOptions['schema']>, handler: Handler): void {
  declare(r, method, url, schema, handler, [EDFI_READ, EDFI_WRITE]);
}

function declare(r: EdfiRoutes, method: string, url: string, schema: NonNullable<RouteShorthandOptions['schema']>, handler: Handler, scopes: string[]): void {
  r.scopes[routeKey(method, url)] = scopes;
  for (const segment of url.split('/')) if (segment !== '' && !segment.startsWith(':')) r.segments.add(segment);
  // Every operation documents its problem-details answers, so generated clients type them.
  const response = { ...errorResponses(method), ...((schema.response as Record<number, unknown> | undefined) ?? {}) };
  // HEAD is not GET's twin here: ODS answers 405 to it (see routes/method-not-allowed.ts).
  r.app.route({ method, url, schema: { tags: ['ed-fi'], ...schema, response }, handler, exposeHeadRoute: false });
}

/** The methods a URL serves, as a 405's Allow header lists them. */
export function allowOf(r: EdfiRoutes, url: string): string {
  return ['GET', 'POST', 'PUT', 'DELETE'].filter((m) => r.allowed.get(url)?.has(m)).join(', ');
}

/** The operations these scopes allow on each Ed-Fi resource. */
export function accessOf(r: EdfiRoutes, scopes: string[]): { resource: string; operations: string[] }[] {
  const out: { resource: string; operations: string[] }[] = [];
  for (const [resource, ops] of r.access) {
    const operations = [...ops].filter(([, allowed]) => allowed.some((s) => scopes.includes(s))).map(([op]) => op);
    if (operations.length > 0) out.push({ resource, operations });
  }
  return out.sort((a, b) => a.resource.localeCompare(b.resource));
}

export function tenantOf(request: FastifyRequest): string {
  return request.principal.tenantId;
}

/** The absolute URL of an item, honouring X-Forwarded-* (trustProxy is on). */
export function itemLocation(request: FastifyRequest, resource: string, edfiId: string): string {
  return `${request.protocol}://${request.host}${DATA}/${resource}/${edfiId}`;
}
