// Ed-Fi ODS/API error bodies: RFC 9457 problem details with Ed-Fi's type URNs and wording.
import { randomUUID } from 'node:crypto';
import type { DialectErrorResponse, ErrorContext, ErrorKind } from '../dialect.ts';
import { correlationIdOf, type CorrelatedRequest } from './correlation-id.ts';

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
  conflict: [409, 'urn:ed-fi:api:data-conflict', 'Data Conflict', 'The request could not be completed because another request changed the same data at the same time.'],
  payloadTooLarge: [413, 'urn:ed-fi:api:bad-request:payload-too-large', 'Payload Too Large', 'The request body is too large.'],
  unsupportedMediaType: [415, 'urn:ed-fi:api:unsupported-media-type', 'Unsupported Media Type', 'The request construction was invalid.'],
  rateLimited: [429, 'urn:ed-fi:api:too-many-requests', 'Too Many Requests', 'Too many requests have been made; retry later.'],
  uriTooLong: [414, 'urn:ed-fi:api:bad-request', 'URI Too Long', 'The request construction was invalid.'],
  requestTimeout: [408, 'urn:ed-fi:api:request-timeout', 'Request Timeout', 'The request was not received in time.'],
  unavailable: [503, 'urn:ed-fi:api:service-unavailable', 'Service Unavailable', 'The service is temporarily unavailable; retry later.'],
  internal: [500, 'urn:ed-fi:api:system', 'System Error', 'An unexpected problem has occurred.'],
};

export function formatEdfiError(kind: ErrorKind, message: string, status: number, context: ErrorContext = {}): DialectErrorResponse {
  const [defaultStatus, type, title, detail] = BY_KIND[kind];
  const code = status || defaultStatus;
  const body = kind === 'internal' ? problem(code, type, title, detail) : problem(code, type, title, detail, { errors: [message] });
  return { status: code, body: context.request ? correlated(body, context.request) : body };
}

/** The problem with the request's own correlation id, when it sent one. */
export function correlated(body: ProblemDetails, request: CorrelatedRequest): ProblemDetails {
  const id = correlationIdOf(request);
  return id === undefined ? body : { ...body, correlationId: id };
}

/** A problem a route throws; the Ed-Fi plugin's error handler writes it as-is. */
export class EdfiProblem extends Error {
  readonly headers: Record<string, string>;
  constructor(
    readonly body: ProblemDetails,
    headers: Record<string, string> = {},
  ) {
    super(body.detail);
    this.headers = headers;
  }
}

const DATA_VALIDATION = 'urn:ed-fi:api:bad-request:data-validation-failed';
const PARAMETER_VALIDATION = 'urn:ed-fi:api:bad-request:parameter-validation-failed';

/** 400 with messages keyed by JSON path (`$.sessionName`). */
export function dataValidationFailed(validationErrors: Record<string, string[]>): EdfiProblem {
  return new EdfiProblem(
    problem(400, DATA_VALIDATION, 'Data Validation Failed', "Data validation failed. See 'validationErrors' for details.", { validationErrors }),
  );
}

/** 400 for a body that is wrong as a whole (not one property). */
export function requestDataInvalid(message: string): EdfiProblem {
  return new EdfiProblem(problem(400, DATA_VALIDATION, 'Data Validation Failed', 'The request data was constructed incorrectly.', { errors: [message] }));
}

export function parameterValidationFailed(message: string | string[], detail = 'The request construction was invalid.'): EdfiProblem {
  return new EdfiProblem(problem(400, PARAMETER_VALIDATION, 'Parameter Validation Failed', detail, { errors: Array.isArray(message) ? message : [message] }));
}

export function emptyBody(): EdfiProblem {
  return new EdfiProblem(
    problem(400, 'urn:ed-fi:api:bad-request', 'Bad Request', "The request could not be processed. See 'errors' for details.", {
      errors: ['A non-empty request body is required.'],
    }),
  );
}

export function keyChangeNotSupported(entity: string): EdfiProblem {
  return new EdfiProblem(
    problem(
      400,
      `${DATA_VALIDATION}:key-change-not-supported`,
      'Key Change Not Supported',
      `Identifying values for the ${entity} data cannot be changed. Delete and recreate the item instead.`,
    ),
  );
}

/** 403: the item (or the body's reference) is outside the token's education-organization claim. */
export function authorizationDenied(error: string): EdfiProblem {
  return new EdfiProblem(
    problem(403, 'urn:ed-fi:api:security:authorization', 'Authorization Denied', 'Access to the requested data could not be authorized.', { errors: [error] }),
  );
}

export function notFound(detail = 'The specified item could not be found.'): EdfiProblem {
  return new EdfiProblem(problem(404, 'urn:ed-fi:api:not-found', 'Not Found', detail));
}

export function methodNotAllowed(message: string, allow?: string): EdfiProblem {
  return new EdfiProblem(
    problem(405, 'urn:ed-fi:api:method-not-allowed', 'Method Not Allowed', 'The request construction was invalid.', { errors: [message] }),
    allow ? { allow } : {},
  );
}

export function unresolvedReference(entity: string): EdfiProblem {
  return new EdfiProblem(
    problem(409, 'urn:ed-fi:api:data-conflict:unresolved-reference', 'Unresolved Reference', `The referenced '${entity}' item does not exist.`),
  );
}

export function dependentItemExists(entity: string): EdfiProblem {
  return new EdfiProblem(
    problem(
      409,
      'urn:ed-fi:api:data-conflict:dependent-item-exists',
      'Dependent Item Exists',
      `The requested action cannot be performed because this item is referenced by an existing '${entity}' item.`,
    ),
  );
}

export function nonUniqueIdentity(message: string): EdfiProblem {
  return new EdfiProblem(
    problem(
      409,
      'urn:ed-fi:api:data-conflict:non-unique-identity',
      'Identifying Values Are Not Unique',
      'The identifying value(s) of the item are the same as another item that already exists.',
      { errors: [message] },
    ),
  );
}

export function optimisticLockFailed(): EdfiProblem {
  return new EdfiProblem(
    problem(412, 'urn:ed-fi:api:optimistic-lock-failed', 'Optimistic Lock Failed', 'The item has been modified by another user.', {
      errors: [
        "The resource item's etag value does not match what was specified in the 'If-Match' request header indicating that it has been modified by another client since it was last retrieved.",
      ],
    }),
  );
}

export function unsupportedMediaType(): EdfiProblem {
  return new EdfiProblem(
    problem(415, 'urn:ed-fi:api:unsupported-media-type', 'Unsupported Media Type', 'The request construction was invalid.', {
      errors: ["The value specified in the 'Content-Type' header is not supported by this host."],
    }),
  );
}

export function snapshotNotFound(): EdfiProblem {
  return new EdfiProblem(
    problem(404, 'urn:ed-fi:api:not-found', 'Not Found', 'Snapshot not found.', {
      errors: ['The snapshot connection for the ODS has not been configured.'],
    }),
  );
}

export function snapshotsAreReadOnly(): EdfiProblem {
  return new EdfiProblem(
    problem(
      405,
      'urn:ed-fi:api:snapshots:method-not-allowed',
      'Method Not Allowed with Snapshots',
      'An attempt was made to modify data in a Snapshot, but this data is read-only.',
    ),
    { allow: 'GET' },
  );
}
