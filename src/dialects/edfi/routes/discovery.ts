// GET / (ODS's VersionController: anonymous, says where everything is), the aggregate
// dependencies (the order a client loads resources in; anonymous metadata like ODS's) and
// /changeQueries/v1/availableChangeVersions (newest: the tenant's change horizon, below which
// every change is committed; see src/store/change-horizon.ts).
import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import { SessionRepository } from '../../../store/session-repository.ts';
import { EDFI_READ, route, tenantOf, type EdfiRoutes } from '../edfi-route.ts';
import { ProblemDetails } from '../schemas.ts';

export const DEPENDENCIES_URL = '/metadata/data/v3/dependencies';

const Discovery = Type.Object({
  version: Type.String(),
  applicationName: Type.String(),
  informationalVersion: Type.String(),
  suite: Type.String(),
  build: Type.String(),
  apiMode: Type.String(),
  dataModels: Type.Array(Type.Object({ name: Type.String(), version: Type.String(), informationalVersion: Type.String() })),
  urls: Type.Record(Type.String(), Type.String(), { description: 'dependencies, openApiMetadata, oauth, oauthTokenIntrospection, dataManagementApi, changeQueries, oneRoster' }),
});

const Dependency = Type.Object({ resource: Type.String(), order: Type.Integer(), operations: Type.Array(Type.String()) });

/**
 * Load order of the resources served, as ODS computes it from references: descriptors and school
 * years first, then schools (charterApprovalSchoolYearTypeReference), grading periods (school,
 * year, descriptor), sessions (all of these).
 */
const LOAD_ORDER: [string, number][] = [
  ['/ed-fi/gradingPeriodDescriptors', 1],
  ['/ed-fi/schoolYearTypes', 1],
  ['/ed-fi/termDescriptors', 1],
  ['/ed-fi/schools', 2],
  ['/ed-fi/gradingPeriods', 3],
  ['/ed-fi/sessions', 4],
];

export function registerDiscovery(r: EdfiRoutes): void {
  r.app.get('/', { schema: { tags: ['ed-fi'], summary: 'Ed-Fi API discovery (anonymous)', response: { 200: Discovery, 429: ProblemDetails, 500: ProblemDetails } } }, async (request: FastifyRequest) => {
    const root = `${request.protocol}://${request.host}`;
    return {
      version: '7.3',
      applicationName: 'termbridge',
      informationalVersion: '7.3',
      suite: '3',
      build: 'termbridge',
      apiMode: 'District Specific',
      dataModels: [{ name: 'Ed-Fi', version: '5.2.0', informationalVersion: 'The Ed-Fi Data Standard v5.2' }],
      // The URLs ODS lists that termbridge serves (no XSD metadata, composites or identity API).
      urls: {
        dependencies: `${root}${DEPENDENCIES_URL}`,
        openApiMetadata: `${root}/docs/json`,
        oauth: `${root}/oauth/token`,
        oauthTokenIntrospection: `${root}/oauth/token_info`,
        dataManagementApi: `${root}/data/v3/`,
        changeQueries: `${root}/changeQueries/v1/`,
        oneRoster: `${root}/ims/oneroster/rostering/v1p2/`,
      },
    };
  });

  r.app.get(
    DEPENDENCIES_URL,
    { schema: { tags: ['ed-fi'], summary: 'The order to load resources in (anonymous, as ODS)', response: { 200: Type.Array(Dependency), 429: ProblemDetails, 500: ProblemDetails } } },
    async () => LOAD_ORDER.map(([resource, order]) => ({ resource, order, operations: ['Create', 'Update'] })),
  );
  for (const segment of DEPENDENCIES_URL.split('/')) if (segment) r.segments.add(segment);

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
