// The SIS API under /sis/v1: a student information system pushes its calendar rows here, and
// reads the sync's error log. Writes need sis:write; reads sis:read (or sis:write).
import type { FastifyPluginAsync } from 'fastify';
import type { AppContext } from '../../app-context.ts';
import { SIS_ERROR } from './schemas.ts';
import { sisErrorBody, SisApiError, formatSisError } from './sis-errors.ts';
import { registerSyncRoutes } from './sync-routes.ts';
import { registerTableRoutes, SIS_PREFIX, TABLE_ROUTES } from './table-routes.ts';

export const SIS_READ = 'sis:read';
export const SIS_WRITE = 'sis:write';

export function sisScopes(): Record<string, string[]> {
  const read = [SIS_READ, SIS_WRITE];
  const write = [SIS_WRITE];
  const scopes: Record<string, string[]> = {};
  for (const r of TABLE_ROUTES) {
    const url = `${SIS_PREFIX}${r.path}`;
    scopes[`PUT ${url}`] = write;
    scopes[`GET ${url}`] = read;
    scopes[`DELETE ${url}`] = write;
  }
  scopes[`POST ${SIS_PREFIX}/uploads`] = write;
  scopes[`GET ${SIS_PREFIX}/sync/errors`] = read;
  scopes[`GET ${SIS_PREFIX}/sync/errors/:errorId`] = read;
  scopes[`POST ${SIS_PREFIX}/sync/errors/:errorId/retry`] = write;
  scopes[`POST ${SIS_PREFIX}/sync/errors/retry`] = write;
  scopes[`POST ${SIS_PREFIX}/sync/errors/:errorId/archive`] = write;
  scopes[`GET ${SIS_PREFIX}/sync/status`] = read;
  return scopes;
}

export const sisPlugin: FastifyPluginAsync<AppContext> = async (app, ctx) => {
  ctx.registry.register({ name: 'sis', prefixes: [SIS_PREFIX], scopes: sisScopes(), formatError: formatSisError });
  app.setErrorHandler((error, _request, reply) => {
    if (error instanceof SisApiError) return reply.code(error.status).send(sisErrorBody(error.status, error.status === 404 ? 'notFound' : 'badRequest', error.message, error.problems));
    throw error; // the app's handler answers everything else in this dialect's envelope
  });
  // Rows and log entries go out as the store gives them; the response schemas document them in
  // /docs and do not serialise (a schema cannot drop or coerce a field the store added).
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
  app.addSchema(SIS_ERROR);
  registerTableRoutes(app, ctx);
  registerSyncRoutes(app, ctx);
};
