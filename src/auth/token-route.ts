// POST /oauth/token — OAuth2 client credentials as Ed-Fi's ODS/API answers them (RFC 6749
// error bodies), shared by OneRoster clients that ask for OneRoster scope URIs.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { sql } from 'kysely';
import type { Db } from '../store/database.ts';
import type { ClientRepository } from './client-repository.ts';
import type { AttemptSubject, FailedAttempts } from './failed-attempts.ts';
import { grantScopes, parseScopeRequest } from './token-scope.ts';
import { OAuthError, TokenResponse } from './token-route-schemas.ts';

type OAuthError = 'invalid_request' | 'invalid_client' | 'unsupported_grant_type' | 'invalid_scope' | 'temporarily_unavailable';

function oauthError(reply: FastifyReply, status: number, error: OAuthError, description: string): FastifyReply {
  return reply.code(status).header('cache-control', 'no-store').header('pragma', 'no-cache').send({ error, error_description: description });
}

export type BasicCredentials = { id: string; secret: string } | 'absent' | 'malformed' | 'other-scheme';

/** RFC 6749 §2.3.1: Basic with the form-urlencoded client id and secret. */
export function basicCredentials(header: string | undefined): BasicCredentials {
  if (!header) return 'absent';
  const [scheme, value, ...rest] = header.trim().split(/\s+/);
  if (!scheme || scheme.toLowerCase() !== 'basic') return 'other-scheme';
  if (!value || rest.length > 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(value)) return 'malformed';
  const decoded = Buffer.from(value, 'base64').toString('utf8');
  // NUL is not text (PostgreSQL refuses it); an id or secret holding one is not a credential.
  if (decoded.includes('\0')) return 'malformed';
  const colon = decoded.indexOf(':');
  // "key:secret"; an empty key or secret is not malformed but missing (401 invalid_request).
  if (colon < 0) return 'malformed';
  try {
    const formDecode = (s: string) => decodeURIComponent(s.replace(/\+/g, ' '));
    const id = formDecode(decoded.slice(0, colon));
    const secret = formDecode(decoded.slice(colon + 1));
    if (id.includes('\0') || secret.includes('\0')) return 'malformed';
    return { id, secret };
  } catch {
    return 'malformed'; // a stray % that is not an escape
  }
}

const PARAMETERS = ['grant_type', 'client_id', 'client_secret', 'scope'] as const;

export interface TokenRouteOptions {
  clients: ClientRepository;
  db: Db;
  failedAttempts: FailedAttempts;
  /** Token lifetime in seconds (tests issue expired ones through the repository instead). */
  lifetimeSeconds?: number;
  /** Unexpired tokens a client may hold at once (Ed-Fi's BearerTokenPerClientLimit). */
  tokensPerClient?: number;
}

/** Ed-Fi's default is 15; ours is looser because OneRoster and Canvas clients are not used to a cap. */
export const DEFAULT_TOKENS_PER_CLIENT = 50;

export function registerTokenRoute(app: FastifyInstance, options: TokenRouteOptions): void {
  const { clients, db, failedAttempts } = options;
  app.post(
    '/oauth/token',
    {
      schema: {
        summary: 'OAuth2 client credentials token endpoint',
        description:
          'Form (application/x-www-form-urlencoded) or JSON body with grant_type=client_credentials; credentials by HTTP Basic or client_id/client_secret; ' +
          'optional scope: space-separated scope names (OneRoster scope URIs) or one Ed-Fi EducationOrganizationId.',
        tags: ['auth'],
        security: [],
        response: { 200: TokenResponse, 400: OAuthError, 401: OAuthError, 413: OAuthError, 415: OAuthError, 429: OAuthError },
      },
    },
    async (request, reply) => {
      const body = (request.body && typeof request.body === 'object' ? request.body : {}) as Record<string, unknown>;
      for (const name of PARAMETERS)
        if (body[name] !== undefined && typeof body[name] !== 'string')
          return oauthError(reply, 400, 'invalid_request', `The '${name}' parameter must be given once, as a string.`);
      const { grant_type: grantType, client_id: bodyId, client_secret: bodySecret, scope } = body as Partial<Record<(typeof PARAMETERS)[number], string>>;
      const basic = basicCredentials(request.headers.authorization);
      if (basic === 'malformed')
        return oauthError(reply, 400, 'invalid_request', 'The Authorization header is not valid HTTP Basic credentials (base64 of client_id:client_secret, without NUL characters).');
      if (basic === 'other-scheme')
        return oauthError(reply, 401, 'invalid_client', 'Client credentials must be sent with the Basic scheme or as client_id and client_secret in the body.');
      if (typeof basic === 'object' && (bodyId !== undefined || bodySecret !== undefined))
        return oauthError(reply, 400, 'invalid_client', 'Send client credentials either in the Authorization header or in the body, not both.');
      if (!grantType) return oauthError(reply, 400, 'invalid_request', "The 'grant_type' parameter is required.");
      if (grantType !== 'client_credentials') return oauthError(reply, 400, 'unsupported_grant_type', "Only grant_type 'client_credentials' is supported.");
      const id = typeof basic === 'object' ? basic.id : bodyId;
      const secret = typeof basic === 'object' ? basic.secret : bodySecret;
      if (!id || !secret) return oauthError(reply, 401, 'invalid_request', 'Both client_id and client_secret are required.');

      const claimant = await clients.claimant(id);
      const subject: AttemptSubject = { tenantId: claimant?.tenantId, clientId: id, address: request.ip };
      const wait = await failedAttempts.retryAfterSeconds(subject);
      if (wait > 0)
        return oauthError(
          reply.header('retry-after', String(wait)),
          429,
          'temporarily_unavailable',
          `Too many failed attempts for this client id from this address; retry in ${wait} seconds.`,
        );
      const client = await clients.verify(claimant, secret);
      if (!client) {
        await failedAttempts.recordFailure(subject);
        if (typeof basic === 'object') reply.header('www-authenticate', 'Basic realm="termbridge"');
        return oauthError(reply, 401, 'invalid_client', 'The client id or secret is not valid, or the client was revoked.');
      }
      await failedAttempts.recordSuccess(subject);

      const grant = await grantScopes(client.scopes, parseScopeRequest(scope ?? ''), async (edOrgId) => {
        const r = await sql<{ kind: 'district' | 'school' }>`SELECT kind FROM orgs WHERE tenant_id = ${client.tenantId} AND school_id = ${edOrgId} AND status = 'active'`.execute(db);
        return r.rows[0]?.kind ?? null;
      });
      if ('invalid' in grant) return oauthError(reply, 400, 'invalid_scope', grant.invalid);
      // Every token is a row until it expires: cap them per client, as Ed-Fi does, so a client
      // asking for a token per request cannot grow the table without bound.
      const cap = options.tokensPerClient ?? DEFAULT_TOKENS_PER_CLIENT;
      const live = await clients.liveTokens(client);
      if (live.count >= cap) {
        const wait = Math.max(1, Math.ceil(((live.firstExpiry?.getTime() ?? Date.now()) - Date.now()) / 1000));
        return oauthError(
          reply.header('retry-after', String(wait)),
          429,
          'temporarily_unavailable',
          `This client already holds ${live.count} unexpired tokens, the most allowed; reuse one until it expires (in ${wait} seconds) instead of requesting a new token per call.`,
        );
      }
      const { token, expiresIn } = await clients.issueToken(client, grant.scopes, options.lifetimeSeconds, grant.schoolId);
      return reply
        .header('cache-control', 'no-store')
        .header('pragma', 'no-cache')
        .send({ access_token: token, expires_in: expiresIn, token_type: 'bearer', scope: grant.echo });
    },
  );
}
