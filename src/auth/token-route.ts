// POST /oauth/token — OAuth2 client credentials as Ed-Fi's ODS/API answers them (RFC 6749
// error bodies), shared by OneRoster clients that ask for OneRoster scope URIs.
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ClientRepository } from './client-repository.ts';

interface TokenBody {
  grant_type?: unknown;
  client_id?: unknown;
  client_secret?: unknown;
  scope?: unknown;
}

function oauthError(reply: FastifyReply, status: number, error: string, description: string): FastifyReply {
  return reply.code(status).header('cache-control', 'no-store').send({ error, error_description: description });
}

function basicCredentials(header: string | undefined): { id: string; secret: string } | 'absent' | 'malformed' | 'other-scheme' {
  if (!header) return 'absent';
  const [scheme, value] = header.trim().split(/\s+/, 2);
  if (!scheme || scheme.toLowerCase() !== 'basic') return 'other-scheme';
  if (!value) return 'malformed';
  const decoded = Buffer.from(value, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0 || !/^[A-Za-z0-9+/=]+$/.test(value)) return 'malformed';
  return { id: decodeURIComponent(decoded.slice(0, colon)), secret: decodeURIComponent(decoded.slice(colon + 1)) };
}

export type ScopeResolver = (clientScopes: string[], requested: string, tenantId: string) => Promise<string[] | null>;

/** Space-separated scopes must all be held by the client; absent means all it holds. */
export const defaultScopeResolver: ScopeResolver = async (clientScopes, requested) => {
  const asked = requested.split(/\s+/).filter(Boolean);
  if (asked.length === 0) return clientScopes;
  return asked.every((s) => clientScopes.includes(s)) ? asked : null;
};

export function registerTokenRoute(app: FastifyInstance, clients: ClientRepository, resolveScope: ScopeResolver = defaultScopeResolver): void {
  app.post('/oauth/token', { schema: { hide: false, summary: 'OAuth2 client credentials token endpoint', tags: ['auth'] } }, async (request, reply) => {
    const body = (request.body && typeof request.body === 'object' ? request.body : {}) as TokenBody;
    const basic = basicCredentials(request.headers.authorization);
    const bodyId = typeof body.client_id === 'string' ? body.client_id : undefined;
    const bodySecret = typeof body.client_secret === 'string' ? body.client_secret : undefined;
    if (basic === 'malformed') return oauthError(reply, 400, 'invalid_request', 'The Authorization header is not valid HTTP Basic credentials.');
    if (basic === 'other-scheme') return oauthError(reply, 401, 'invalid_client', 'Client credentials must be sent with the Basic scheme or in the body.');
    if (typeof basic === 'object' && (bodyId !== undefined || bodySecret !== undefined))
      return oauthError(reply, 400, 'invalid_client', 'Send client credentials either in the Authorization header or in the body, not both.');
    if (body.grant_type === undefined || body.grant_type === '')
      return oauthError(reply, 400, 'invalid_request', "The 'grant_type' parameter is required.");
    if (body.grant_type !== 'client_credentials')
      return oauthError(reply, 400, 'unsupported_grant_type', "Only grant_type 'client_credentials' is supported.");
    const id = typeof basic === 'object' ? basic.id : bodyId;
    const secret = typeof basic === 'object' ? basic.secret : bodySecret;
    if (!id || !secret) return oauthError(reply, 401, 'invalid_request', 'Both client_id and client_secret are required.');
    const client = await clients.authenticate(id, secret);
    if (!client) return oauthError(reply, 401, 'invalid_client', 'The client id or secret is not valid, or the client was revoked.');
    const requested = typeof body.scope === 'string' ? body.scope : '';
    const scopes = await resolveScope(client.scopes, requested, client.tenantId);
    if (!scopes) return oauthError(reply, 400, 'invalid_scope', `The requested scope '${requested}' is not granted to this client.`);
    const { token, expiresIn } = await clients.issueToken(client, scopes);
    return reply
      .header('cache-control', 'no-store')
      .send({ access_token: token, expires_in: expiresIn, token_type: 'bearer', scope: scopes.join(' ') });
  });
}
