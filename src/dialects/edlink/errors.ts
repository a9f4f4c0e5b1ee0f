// Edlink's error and warning envelope: {"$request": uuid, "$errors": [{code, message}]}, with the
// codes Edlink documents. Edlink puts nearly every code under HTTP 400; termbridge keeps 400 for
// bad input but answers NOT_FOUND with 404, INVALID_TOKEN with 401, NO_PERMISSION with 403 and
// rate limiting with 429, so generic HTTP clients and retry logic behave (see README `edlink`).
import { randomUUID } from 'node:crypto';
import type { DialectErrorResponse, ErrorKind } from '../dialect.ts';

export type EdlinkErrorCode =
  | 'BAD_REQUEST'
  | 'INVALID_TOKEN'
  | 'NO_PERMISSION'
  | 'NOT_FOUND'
  | 'UNSUPPORTED_OPERATION'
  | 'INVALID_REQUEST_BODY'
  | 'RATE_LIMITED'
  | 'INTERNAL'
  | 'CONFLICT'
  | 'INVALID_UUID'
  | 'INVALID_CURSOR'
  | 'INVALID_PAGE_SIZE'
  | 'INVALID_FILTER';

export type EdlinkWarningCode = 'PAGING_IGNORED' | 'INVALID_FIELD_REQUESTED' | 'INVALID_EXPANSION' | 'DATETIME_MISSING_TIMEZONE';

export interface EdlinkMessage<C extends string> {
  code: C;
  message: string;
}

/** A request the route refuses; the plugin turns it into the envelope. */
export class EdlinkError extends Error {
  constructor(
    readonly code: EdlinkErrorCode,
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

const CODE_OF: Record<ErrorKind, EdlinkErrorCode> = {
  badRequest: 'BAD_REQUEST',
  unauthorized: 'INVALID_TOKEN',
  forbidden: 'NO_PERMISSION',
  notFound: 'NOT_FOUND',
  methodNotAllowed: 'UNSUPPORTED_OPERATION',
  conflict: 'CONFLICT',
  payloadTooLarge: 'INVALID_REQUEST_BODY',
  unsupportedMediaType: 'INVALID_REQUEST_BODY',
  rateLimited: 'RATE_LIMITED',
  uriTooLong: 'BAD_REQUEST',
  requestTimeout: 'BAD_REQUEST',
  unavailable: 'RATE_LIMITED',
  internal: 'INTERNAL',
};

export function errorBody(
  errors: EdlinkMessage<EdlinkErrorCode>[],
  warnings: EdlinkMessage<EdlinkWarningCode>[] = [],
  requestId: string = randomUUID(),
): Record<string, unknown> {
  return { $request: requestId, $errors: errors, ...(warnings.length > 0 ? { $warnings: warnings } : {}) };
}

export function formatEdlinkError(kind: ErrorKind, message: string, status: number): DialectErrorResponse {
  return { status, body: errorBody([{ code: CODE_OF[kind], message }]) };
}
