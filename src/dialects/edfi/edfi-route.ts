// How every Ed-Fi route is declared: its method, URL, schema for /docs and the scope it needs.
// Declaring a route here also writes its scope-table entry, so none can be forgotten.
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteShorthandOptions } from 'fastify';
import type { AppContext } from '../../app-context.ts';
import { routeKey } from '../registry.ts';

export const EDFI_READ = 'edfi:read';
export const EDFI_WRITE = 'edfi:write';
export const DATA = '/data/v3/ed-fi';

export interface EdfiRoutes {
  app: FastifyInstance;
  ctx: AppContext;
  scopes: Record<string, string[]>;
}

type Handler = (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>;

export function route(
  r: EdfiRoutes,
  method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH',
  url: string,
  schema: NonNullable<RouteShorthandOptions['schema']>,
  handler: Handler,
  scopes: string[] = [method === 'GET' ? EDFI_READ : EDFI_WRITE],
): void {
  r.scopes[routeKey(method, url)] = scopes;
  r.app.route({ method, url, schema: { tags: ['ed-fi'], ...schema }, handler });
}

export function tenantOf(request: FastifyRequest): string {
  return request.principal.tenantId;
}

/** The absolute URL of an item, honouring X-Forwarded-* (trustProxy is on). */
export function itemLocation(request: FastifyRequest, resource: string, edfiId: string): string {
  return `${request.protocol}://${request.host}${DATA}/${resource}/${edfiId}`;
}
