// GET / (ODS's VersionController: anonymous, says where everything is) and
// /changeQueries/v1/availableChangeVersions (newest: the tenant's change horizon, below which
// every change is committed; see src/store/change-horizon.ts).
import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import { SessionRepository } from '../../../store/session-repository.ts';
import { EDFI_READ, route, tenantOf, type EdfiRoutes } from '../edfi-route.ts';

const Discovery = Type.Object({
  version: Type.String(),
  informationalVersion: Type.String(),
  suite: Type.String(),
  build: Type.String(),
  apiMode: Type.String(),
  dataModels: Type.Array(Type.Object({ name: Type.String(), version: Type.String(), informationalVersion: Type.String() })),
  urls: Type.Record(Type.String(), Type.String()),
});

export function registerDiscovery(r: EdfiRoutes): void {
  r.app.get('/', { schema: { tags: ['ed-fi'], summary: 'Ed-Fi API discovery (anonymous)', response: { 200: Discovery } } }, async (request: FastifyRequest) => {
    const root = `${request.protocol}://${request.host}`;
    return {
      version: '7.3',
      informationalVersion: '7.3',
      suite: '3',
      build: 'termbridge',
      apiMode: 'District Specific',
      dataModels: [{ name: 'Ed-Fi', version: '5.2.0', informationalVersion: 'The Ed-Fi Data Standard v5.2' }],
      urls: {
        dataManagementApi: `${root}/data/v3/`,
        oauth: `${root}/oauth/token`,
        changeQueries: `${root}/changeQueries/v1/`,
        openApiMetadata: `${root}/docs/json`,
      },
    };
  });

  route(
    r,
    'GET',
    '/changeQueries/v1/availableChangeVersions',
    {
      summary: 'The oldest and newest change versions (oldest is always 0, as in ODS)',
      response: { 200: Type.Object({ oldestChangeVersion: Type.Integer(), newestChangeVersion: Type.Integer() }) },
    },
    async (request: FastifyRequest) => ({ oldestChangeVersion: 0, newestChangeVersion: await new SessionRepository(r.ctx.store.db).newestChangeVersion(tenantOf(request)) }),
    [EDFI_READ],
  );
}
