// The token endpoint's own "dialect": whatever goes wrong under /oauth (a 413, a 415, malformed
// JSON, a rate limit) answers as an RFC 6749 §5.2 error body, like the route's own errors.
import { pathSpelling, respell } from '../dialects/case-insensitive-path.ts';
import type { DialectDefinition, ErrorKind } from '../dialects/dialect.ts';

const OAUTH_ERROR: Record<ErrorKind, string> = {
  badRequest: 'invalid_request',
  unauthorized: 'invalid_client',
  forbidden: 'unauthorized_client',
  notFound: 'invalid_request',
  methodNotAllowed: 'invalid_request',
  conflict: 'temporarily_unavailable',
  payloadTooLarge: 'invalid_request',
  unsupportedMediaType: 'invalid_request',
  rateLimited: 'temporarily_unavailable',
  uriTooLong: 'invalid_request',
  requestTimeout: 'invalid_request',
  unavailable: 'temporarily_unavailable',
  internal: 'server_error',
};

export const TOKEN_ROUTE = 'POST /oauth/token';
export const TOKEN_INFO_ROUTE = 'POST /oauth/token_info';

// Ed-Fi clients call the token endpoints as ODS (ASP.NET) routes them: without regard to case.
const SPELLING = pathSpelling(['/oauth/'], ['oauth', 'token', 'token_info']);

export const oauthDialect: DialectDefinition = {
  name: 'oauth',
  prefixes: ['/oauth'],
  scopes: {},
  publicRoutes: [TOKEN_ROUTE, TOKEN_INFO_ROUTE],
  respellUrl: (url) => respell(url, SPELLING),
  formatError(kind, message, status) {
    return { status, body: { error: OAUTH_ERROR[kind], error_description: message }, headers: { 'cache-control': 'no-store' } };
  },
};
