// Ed-Fi ODS/API error bodies: RFC 9457 problem details with Ed-Fi's type URNs and wording.
import { randomUUID } from 'node:crypto';
import type { DialectErrorResponse, ErrorKind } from '../dialect.ts';

export interface ProblemDetails {
  detail: string;
  type: string;
  title: string;
  status: number;
  correlationId: string;
  validationErrors?: Record<string, string[]>;
  errors?: string[];
}

export function problem(
  status: number,
  type: string,
  title: string,
  detail: string,
  extra: { validationErrors?: Record<string, string[]>; errors?: string[] } = {},
): ProblemDetails {
  return { detail, type, title, status, correlationId: randomUUID(), ...extra };
}

const BY_KIND: Record<ErrorKind, [number, string, string, string]> = {
  badRequest: [400, 'urn:ed-fi:api:bad-request', 'Bad Request', 'The request construction was invalid.'],
  unauthorized: [401, 'urn:ed-fi:api:security:authentication', 'Authentication Failed', 'The caller could not be authenticated.'],
  forbidden: [403, 'urn:ed-fi:api:security:authorization', 'Authorization Denied', 'Access to the requested data could not be authorized.'],
  notFound: [404, 'urn:ed-fi:api:not-found', 'Not Found', 'The specified data could not be found.'],
  methodNotAllowed: [405, 'urn:ed-fi:api:method-not-allowed', 'Method Not Allowed', 'The request construction was invalid.'],
  payloadTooLarge: [413, 'urn:ed-fi:api:bad-request:payload-too-large', 'Payload Too Large', 'The request body is too large.'],
  unsupportedMediaType: [415, 'urn:ed-fi:api:unsupported-media-type', 'Unsupported Media Type', 'The request construction was invalid.'],
  rateLimited: [429, 'urn:ed-fi:api:too-many-requests', 'Too Many Requests', 'Too many requests have been made; retry later.'],
  internal: [500, 'urn:ed-fi:api:system', 'System Error', 'An unexpected problem has occurred.'],
};

export function formatEdfiError(kind: ErrorKind, message: string, status: number): DialectErrorResponse {
  const [defaultStatus, type, title, detail] = BY_KIND[kind];
  const code = status || defaultStatus;
  const body = kind === 'internal' ? problem(code, type, title, detail) : problem(code, type, title, detail, { errors: [message] });
  return { status: code, body };
}
