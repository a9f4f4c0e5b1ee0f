// What an error thrown by the framework (or by a hook at the edge) means for the client, as an
// ErrorKind the dialect of the URL formats. Fastify's own bodies never reach a client.
import type { FastifyError } from 'fastify';
import type { ErrorKind } from '../dialects/dialect.ts';
import { WriteConflict } from '../store/write-transaction.ts';

/** An error a hook at the edge raises with its kind already decided (timeouts, JSON limits). */
export class EdgeError extends Error {
  constructor(
    readonly kind: ErrorKind,
    message: string,
    readonly statusCode: number,
  ) {
    super(message);
  }
}

export function classify(error: FastifyError, bodyLimit: number): { kind: ErrorKind; message: string } {
  if (error instanceof EdgeError) return { kind: error.kind, message: error.message };
  // A race the store's retries could not settle: each dialect's 409.
  if (error instanceof WriteConflict) return { kind: 'conflict', message: error.message };
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return { kind: 'payloadTooLarge', message: `The request body is larger than the ${bodyLimit} bytes allowed.` };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return { kind: 'unsupportedMediaType', message: "The value specified in the 'Content-Type' header is not supported by this host." };
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return { kind: 'badRequest', message: `The request body is not valid JSON: ${error.message}` };
    case 'FST_ERR_BAD_URL':
      return { kind: 'badRequest', message: 'The URL path holds a malformed percent-encoding (a % not followed by two hex digits, or bytes that are not UTF-8).' };
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return { kind: 'uriTooLong', message: 'A segment of the URL path is longer than this server accepts.' };
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return { kind: 'badRequest', message: 'The Content-Length header does not match the body sent.' };
  }
  if (error.validation) return { kind: 'badRequest', message: error.message };
  if (error.statusCode === 429) return { kind: 'rateLimited', message: error.message || 'Too many requests; retry later.' };
  if (error.statusCode === 408) return { kind: 'requestTimeout', message: 'The request was not received in time.' };
  if (error.statusCode === 413) return { kind: 'payloadTooLarge', message: error.message };
  if (error.statusCode === 414) return { kind: 'uriTooLong', message: error.message };
  if (error.statusCode === 415) return { kind: 'unsupportedMediaType', message: error.message };
  if (error.statusCode === 503) return { kind: 'unavailable', message: error.message };
  if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) return { kind: 'badRequest', message: error.message };
  return { kind: 'internal', message: 'An unexpected problem has occurred.' };
}
