// What a public API (a "dialect") tells the server about itself: the URL prefixes it owns, the
// scope each of its routes needs, and how it writes an error. Auth, rate limiting, body limits
// and unknown routes all answer through formatError, so every client sees its own envelope.

export type ErrorKind =
  | 'badRequest'
  | 'unauthorized'
  | 'forbidden'
  | 'notFound'
  | 'methodNotAllowed'
  | 'conflict'
  | 'payloadTooLarge'
  | 'unsupportedMediaType'
  | 'rateLimited'
  | 'uriTooLong' // a path segment past the router's limit (414)
  | 'requestTimeout' // the client did not send its request in time (408)
  | 'unavailable' // the server is busy or draining (503, Retry-After)
  | 'internal';

/**
 * Why a request was refused, for wire formats that tell these apart (Canvas answers a missing
 * token differently from a bad one; Edlink has EXPIRED_TOKEN). Formatters may ignore it.
 */
export type ErrorReason =
  | 'missingToken' // no Authorization header
  | 'malformedToken' // an Authorization header that is not `Bearer <token>`
  | 'invalidToken' // unknown token, or its client was revoked
  | 'expiredToken'
  | 'insufficientScope' // authenticated, but the token's scopes do not include the route's
  | 'noScopeEntry'; // the route has no entry in any scope table (a bug the route-table test catches)

/** What the server knows about an error beyond kind, message and status. */
export interface ErrorContext {
  reason?: ErrorReason;
  /** For 'rateLimited' and 'unavailable': seconds until the client may retry; sendDialectError sets Retry-After from it. */
  retryAfterSeconds?: number;
  /** For 'forbidden': the scopes any one of which the route accepts. */
  requiredScopes?: string[];
  /** The refused request's headers and query, for formats that echo a value of it (Ed-Fi's correlation id). */
  request?: { headers: Record<string, string | string[] | undefined>; query?: unknown };
}

export interface DialectErrorResponse {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

/** `METHOD /route/pattern` exactly as Fastify registers it, e.g. `GET /data/v3/ed-fi/sessions/:id`. */
export type RouteKey = string;

export interface DialectDefinition {
  name: string;
  /** URL prefixes this dialect answers under (longest match wins). */
  prefixes: string[];
  /** Route → scopes; holding any one of them allows the call. Every route needs an entry. */
  scopes: Record<RouteKey, string[]>;
  /** Routes of this dialect anyone may call without a token (e.g. Ed-Fi's `GET /` discovery). */
  publicRoutes?: RouteKey[];
  /**
   * A query parameter that may carry the bearer token when no Authorization header does
   * (Canvas's `access_token`); absent: only the header (see src/auth/query-token.ts).
   */
  queryTokenParameter?: string;
  /**
   * The dialect's own error envelope. Headers it returns are sent as they are (Canvas's
   * WWW-Authenticate); Retry-After for 'rateLimited' is added by sendDialectError when absent.
   */
  formatError(kind: ErrorKind, message: string, status: number, context?: ErrorContext): DialectErrorResponse;
  /**
   * For a dialect whose real system routes case-insensitively: the request URL spelled as this
   * dialect's routes spell it (undefined: not this dialect's, or already so). The server applies
   * it before routing.
   */
  respellUrl?(url: string): string | undefined;
  /** What a token with these scopes may do with each of the dialect's resources (token introspection). */
  describeAccess?(scopes: string[]): ResourceAccess[];
}

export interface ResourceAccess {
  /** e.g. `/ed-fi/sessions` */
  resource: string;
  /** e.g. Create, Read, Update, Delete, ReadChanges */
  operations: string[];
}

export const STATUS_OF: Record<ErrorKind, number> = {
  badRequest: 400,
  unauthorized: 401,
  forbidden: 403,
  notFound: 404,
  methodNotAllowed: 405,
  conflict: 409,
  payloadTooLarge: 413,
  unsupportedMediaType: 415,
  rateLimited: 429,
  uriTooLong: 414,
  requestTimeout: 408,
  unavailable: 503,
  internal: 500,
};
