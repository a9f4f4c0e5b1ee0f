// What every Ed-Fi write reads before touching data: a JSON object body without a client id,
// and an If-Match that, when present, names the stored version.
import type { FastifyRequest } from 'fastify';
import { parseEtag } from './etag.ts';
import { emptyBody, optimisticLockFailed, parameterValidationFailed, requestDataInvalid } from './problem-details.ts';
import { bodyObject } from './wire-body.ts';

export function writeBody(request: FastifyRequest, options: { refuseId: boolean }): Record<string, unknown> {
  const body = bodyObject(request.body);
  if (body === 'empty') throw emptyBody();
  if (body === 'notObject') throw requestDataInvalid('The request body must be a JSON object.');
  if (options.refuseId && body['id'] !== undefined)
    throw requestDataInvalid("Resource identifiers cannot be assigned by the client. The 'id' property should not be included in the request body.");
  return body;
}

/** The If-Match change version; a value that cannot be one never matches (412). */
export function ifMatch(request: FastifyRequest): number | 'invalid' | undefined {
  return parseEtag(request.headers['if-match']);
}

export function checkIfMatch(expected: number | 'invalid' | undefined, current: number): void {
  if (expected !== undefined && expected !== current) throw optimisticLockFailed();
}

/** DELETE's If-Match: ODS answers 400 when the value cannot be an ETag at all. */
export function deleteIfMatch(request: FastifyRequest): number | undefined {
  const v = ifMatch(request);
  if (v === 'invalid') throw parameterValidationFailed('An invalid value was provided for use in detecting changes applied by other users.');
  return v;
}
