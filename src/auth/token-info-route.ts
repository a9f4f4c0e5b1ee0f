// POST /oauth/token_info — token introspection as ODS's TokenInfoController answers it: the
// caller shows its own bearer token and names a token (JSON or form `token`) of the same client;
// the answer says what that token reaches (RFC 7662 fields and Ed-Fi's). Unknown, expired or
// revoked → 404; another client's token → 401; no token named → 400 "Invalid token".
import type { FastifyInstance, FastifyReply } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { DialectRegistry } from '../dialects/registry.ts';
import type { Db } from '../store/database.ts';
import { TenantRepository } from '../store/tenant-repository.ts';
import type { ClientRepository } from './client-repository.ts';
import { bearerToken } from './hook.ts';
import { OAuthError } from './token-route-schemas.ts';

export const TokenInfo = Type.Object({
  active: Type.Boolean({ description: 'Always true: an inactive token answers 404, as in ODS.' }),
  client_id: Type.String(),
  exp: Type.Integer({ description: 'Expiry, seconds since 1970-01-01 UTC.' }),
  scope: Type.String({ description: 'The scopes the token carries, space-separated.' }),
  namespace_prefixes: Type.Array(Type.String()),
  education_organizations: Type.Array(
    Type.Object({ education_organization_id: Type.Integer(), name_of_institution: Type.String(), type: Type.String() }),
  ),
  assigned_profiles: Type.Array(Type.String()),
  claim_set: Type.Object({ name: Type.String() }),
  resources: Type.Array(Type.Object({ resource: Type.String(), operations: Type.Array(Type.String()) })),
});

function refuse(reply: FastifyReply, status: number, error: string, description: string): FastifyReply {
  return reply.code(status).header('cache-control', 'no-store').send({ error, error_description: description });
}

export function registerTokenInfoRoute(app: FastifyInstance, options: { clients: ClientRepository; db: Db; registry: DialectRegistry }): void {
  const { clients, db, registry } = options;
  app.post(
    '/oauth/token_info',
    {
      schema: {
        summary: 'OAuth2 token introspection (Ed-Fi token_info)',
        description: 'Bearer token required; body (JSON or form) `token`: a token of the same client. Answers what that token reaches.',
        tags: ['auth'],
        security: [{ oauth2: [] }],
        response: { 200: TokenInfo, 400: OAuthError, 401: OAuthError, 404: OAuthError },
      },
    },
    async (request, reply) => {
      const bearer = bearerToken(request.headers.authorization);
      const caller = 'token' in bearer ? await clients.principal(bearer.token) : null;
      if (!caller) return refuse(reply.header('www-authenticate', 'Bearer'), 401, 'invalid_token', 'A valid bearer token is required to introspect a token.');
      const named = (request.body && typeof request.body === 'object' ? (request.body as Record<string, unknown>)['token'] : undefined) as unknown;
      if (typeof named !== 'string' || named.trim() === '') return refuse(reply, 400, 'invalid_request', 'Invalid token');
      const details = await clients.tokenDetails(named.trim());
      if (!details) return refuse(reply, 404, 'invalid_request', 'The token is unknown, expired or revoked.');
      if (details.clientId !== caller.clientId) return refuse(reply, 401, 'invalid_token', "A client may introspect only its own tokens.");

      const tenants = new TenantRepository(db);
      const org = details.schoolId === null ? (await tenants.orgs(details.tenantId, 'district'))[0] : await tenants.orgBySchoolId(details.tenantId, details.schoolId);
      const educationOrganizations =
        org && org.schoolId !== null
          ? [{ education_organization_id: org.schoolId, name_of_institution: org.name, type: org.kind === 'school' ? 'edfi.School' : 'edfi.LocalEducationAgency' }]
          : [];
      return reply.header('cache-control', 'no-store').send({
        active: true,
        client_id: details.clientId,
        exp: Math.floor(details.expiresAt.getTime() / 1000),
        scope: details.scopes.join(' '),
        namespace_prefixes: [],
        education_organizations: educationOrganizations,
        assigned_profiles: [],
        claim_set: { name: details.scopes.join(' ') },
        resources: registry.all().flatMap((d) => d.describeAccess?.(details.scopes) ?? []),
      });
    },
  );
}
