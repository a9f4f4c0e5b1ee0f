// What a public API (a "dialect") tells the server about itself: the URL prefixes it owns, the
// scope each of its routes needs, and how it writes an error. Auth, rate limiting, body limits
// and unknown routes all answer through formatError, so every client sees its own envelope.

export type ErrorKind =
  | 'badRequest'
  | 'unauthorized'
  | 'forbidden'
  | 'notFound'
  | 'methodNotAllowed'
  | 'payloadTooLarge'
  | 'unsupportedMediaType'
  | 'rateLimited'
  | 'internal';

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
  formatError(kind: ErrorKind, message: string, status: number): DialectErrorResponse;
}

export const STATUS_OF: Record<ErrorKind, number> = {
  badRequest: 400,
  unauthorized: 401,
  forbidden: 403,
  notFound: 404,
  methodNotAllowed: 405,
  payloadTooLarge: 413,
  unsupportedMediaType: 415,
  rateLimited: 429,
  internal: 500,
};
