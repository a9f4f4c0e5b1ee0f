// Canvas's error envelopes. Canvas uses three shapes, and a faithful imitation uses each where
// Canvas does: `{"errors":[{"message"}]}` (auth, not found, most failures),
// `{"errors":{"attr":[{attribute,type,message}]}}` (model validation) and a bare
// `{"message"}` (a few controller checks: sub-accounts, override types, SIS id type).
import type { DialectErrorResponse, ErrorContext, ErrorKind } from '../dialect.ts';

export const NOT_FOUND_MESSAGE = 'The specified resource does not exist.';
const WWW_AUTHENTICATE = { 'www-authenticate': 'Bearer realm="canvas-lms"' };
const INVALID_TOKEN = 'Invalid access token.';

/** A finished Canvas answer thrown out of a handler (and out of a transaction, rolling it back). */
export class CanvasReply extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super(`canvas ${status}`);
  }
}

export function notFound(): CanvasReply {
  return new CanvasReply(404, { errors: [{ message: NOT_FOUND_MESSAGE }] });
}

export function messageOnly(status: number, message: string): CanvasReply {
  return new CanvasReply(status, { message });
}

export function errorList(status: number, message: string): CanvasReply {
  return new CanvasReply(status, { errors: [{ message }] });
}

/** ActiveModel errors as Canvas renders them: a hash keyed by attribute; `type` repeats the message. */
export function attributeErrors(errors: Record<string, string[]>): CanvasReply {
  const body: Record<string, { attribute: string; type: string; message: string }[]> = {};
  for (const [attribute, messages] of Object.entries(errors))
    body[attribute] = messages.map((message) => ({ attribute, type: message, message }));
  return new CanvasReply(400, { errors: body });
}

export function formatCanvasError(kind: ErrorKind, message: string, status: number, context?: ErrorContext): DialectErrorResponse {
  switch (kind) {
    case 'unauthorized':
      // A token that was sent but is not valid (or expired), versus no usable token at all.
      return context?.reason === 'invalidToken' || context?.reason === 'expiredToken' || (context?.reason === undefined && message === INVALID_TOKEN)
        ? { status: 401, body: { errors: [{ message: INVALID_TOKEN }] }, headers: WWW_AUTHENTICATE }
        : { status: 401, body: { status: 'unauthenticated', errors: [{ message: 'user authorization required' }] }, headers: WWW_AUTHENTICATE };
    case 'forbidden':
      return { status: 403, body: { status: 'unauthorized', errors: [{ message: 'user not authorized to perform that action' }] } };
    case 'notFound':
      return { status: 404, body: { errors: [{ message: NOT_FOUND_MESSAGE }] } };
    case 'internal':
      return { status: 500, body: { errors: [{ message: 'An error occurred.' }] } };
    default:
      return { status: status || 400, body: { errors: [{ message }] } };
  }
}
