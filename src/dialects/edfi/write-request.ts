// What every Ed-Fi write reads before touching data: a JSON object body without a client id,
// and an If-Match that, when present, names the stored version.
import type { FastifyRequest } from 'fastify';
import { parseEtag } from './etag.ts';
import { dataValidationFailed, emptyBody, optimisticLockFailed, parameterValidationFailed, requestDataInvalid } from './problem-details.ts';
import { fromEdfiId } from './resource-id.ts';
import { bodyObject, propertyOf } from './wire-body.ts';

export function writeBody(request: FastifyRequest, options: { refuseId: boolean }): Record<string, unknown> {
  const body = bodyObject(request.body);
  if (body === 'empty') throw emptyBody();
  if (body === 'notObject') throw requestDataInvalid('The request body must be a JSON object.');
  if (options.refuseId && propertyOf(body, 'id') !== undefined)
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

/**
 * The uuid the route's `:id` names. ODS routes GET by `{id:guid}`, so another id finds nothing
 * (null → 404); PUT and DELETE bind it as a Guid, so another id is a 400 on `$.id`.
 */
export function itemId(request: FastifyRequest, options: { malformed: 'notFound' }): string | null;
export function itemId(request: FastifyRequest, options: { malformed: 'badRequest' }): string;
export function itemId(request: FastifyRequest, options: { malformed: 'notFound' | 'badRequest' }): string | null {
  const raw = (request.params as { id?: string }).id ?? '';
  const id = fromEdfiId(raw);
  if (id === null && options.malformed === 'badRequest') throw dataValidationFailed({ '$.id': [`The value '${raw}' is not valid.`] });
  return id;
}
