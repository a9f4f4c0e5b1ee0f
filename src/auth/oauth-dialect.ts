// The token endpoint's own "dialect": whatever goes wrong under /oauth (a 413, a 415, malformed
// JSON, a rate limit) answers as an RFC 6749 §5.2 error body, like the route's own errors.
import type { DialectDefinition, ErrorKind } from '../dialects/dialect.ts';

const OAUTH_ERROR: Record<ErrorKind, string> = {
  badRequest: 'invalid_request',
  unauthorized: 'invalid_client',
  forbidden: 'unauthorized_client',
  notFound: 'invalid_request',
  methodNotAllowed: 'invalid_request',
  payloadTooLarge: 'invalid_request',
  unsupportedMediaType: 'invalid_request',
  rateLimited: 'temporarily_unavailable',
  internal: 'server_error',
};

export const TOKEN_ROUTE = 'POST /oauth/token';

export const oauthDialect: DialectDefinition = {
  name: 'oauth',
  prefixes: ['/oauth'],
  scopes: {},
  publicRoutes: [TOKEN_ROUTE],
  formatError(kind, message, status) {
    return { status, body: { error: OAUTH_ERROR[kind], error_description: message }, headers: { 'cache-control': 'no-store' } };
  },
};
