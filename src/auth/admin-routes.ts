// Loopback-only admin routes of a running server: tenants and API clients. The auth hook lets
// only the admin key through (ADMIN_SCOPE); this plugin checks again that the caller is the
// admin principal on a direct loopback connection, so a mistake in a scope table cannot open it.
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import type { AppContext } from '../app-context.ts';
import type { DialectDefinition, ErrorKind } from '../dialects/dialect.ts';
import { sendDialectError } from '../dialects/send-error.ts';
import { isDirectLoopback } from './admin-key.ts';
import { ADMIN_SCOPE, AdministrationError, StoreAdministration } from './administration.ts';

export const ADMIN_PREFIX = '/admin/v1';

const ROUTES = [
  'GET /admin/v1/tenants',
  'POST /admin/v1/tenants',
  'GET /admin/v1/clients',
  'POST /admin/v1/clients',
  'POST /admin/v1/clients/:clientId/revoke',
  'POST /admin/v1/clients/:clientId/rotate-secret',
] as const;

export const adminDialect: DialectDefinition = {
  name: 'admin',
  prefixes: [ADMIN_PREFIX],
  scopes: Object.fromEntries(ROUTES.map((r) => [r, [ADMIN_SCOPE]])),
  formatError(kind: ErrorKind, message: string, status: number) {
    return { status, body: { error: kind, message } };
  },
};

const KIND_OF: Record<AdministrationError['kind'], ErrorKind> = { invalid: 'badRequest', notFound: 'notFound', conflict: 'badRequest' };
const STATUS: Record<AdministrationError['kind'], number> = { invalid: 400, notFound: 404, conflict: 409 };

const TenantBody = Type.Object(
  {
    tenantId: Type.String(),
    name: Type.String(),
    timeZone: Type.Optional(Type.String()),
    districtEducationOrganizationId: Type.Optional(Type.Union([Type.Null(), Type.Integer()])),
  },
  { additionalProperties: false },
);
const ClientBody = Type.Object({ tenantId: Type.String(), name: Type.String(), scopes: Type.Array(Type.String()) }, { additionalProperties: false });
const ClientParams = Type.Object({ clientId: Type.String() });
const ClientQuery = Type.Object({ tenant: Type.Optional(Type.String()) });

export const adminRoutes: FastifyPluginAsync<AppContext> = async (app, ctx) => {
  ctx.registry.register(adminDialect);
  const admin = () => new StoreAdministration(ctx.store.db, ctx.registry.knownScopes());

  app.addHook('onRequest', async (request, reply) => {
    if (!request.principal?.admin || !isDirectLoopback(request))
      return sendDialectError(ctx.registry, request, reply, 'forbidden', 'Admin routes answer only the admin key on a loopback connection.');
  });

  const answer = async <T>(reply: FastifyReply, request: Parameters<typeof sendDialectError>[1], work: () => Promise<T>, status = 200) => {
    try {
      return reply.code(status).send(await work());
    } catch (err) {
      if (!(err instanceof AdministrationError)) throw err;
      return sendDialectError(ctx.registry, request, reply, KIND_OF[err.kind], err.message, STATUS[err.kind]);
    }
  };

  const hide = { hide: true, tags: ['admin'] };
  app.get('/admin/v1/tenants', { schema: hide }, (request, reply) => answer(reply, request, () => admin().listTenants()));
  app.post('/admin/v1/tenants', { schema: { ...hide, body: TenantBody } }, (request, reply) =>
    answer(reply, request, () => admin().createTenant(request.body as typeof TenantBody.static), 201),
  );
  app.get('/admin/v1/clients', { schema: { ...hide, querystring: ClientQuery } }, (request, reply) =>
    answer(reply, request, () => admin().listClients((request.query as typeof ClientQuery.static).tenant)),
  );
  app.post('/admin/v1/clients', { schema: { ...hide, body: ClientBody } }, (request, reply) =>
    answer(reply, request, () => admin().createClient(request.body as typeof ClientBody.static), 201),
  );
  app.post('/admin/v1/clients/:clientId/revoke', { schema: { ...hide, params: ClientParams } }, (request, reply) =>
    answer(reply, request, () => admin().revokeClient((request.params as typeof ClientParams.static).clientId)),
  );
  app.post('/admin/v1/clients/:clientId/rotate-secret', { schema: { ...hide, params: ClientParams } }, (request, reply) =>
    answer(reply, request, () => admin().rotateSecret((request.params as typeof ClientParams.static).clientId)),
  );
};
