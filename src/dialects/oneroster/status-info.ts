// OneRoster 1.2 error bodies: a top-level imsx_StatusInfo with one TargetEndSystem code minor.
import type { FastifyReply } from 'fastify';
import type { DialectErrorResponse, ErrorKind } from '../dialect.ts';

export type CodeMinor =
  | 'invalid_filter_field'
  | 'invalid_selection_field'
  | 'invaliddata'
  | 'unauthorisedrequest'
  | 'forbidden'
  | 'server_busy'
  | 'unknownobject'
  | 'internal_server_error';

export interface ImsxStatusInfo {
  imsx_codeMajor: 'failure';
  imsx_severity: 'error';
  imsx_description: string;
  imsx_CodeMinor: { imsx_codeMinorField: { imsx_codeMinorFieldName: 'TargetEndSystem'; imsx_codeMinorFieldValue: CodeMinor }[] };
}

export function statusInfo(codeMinor: CodeMinor, description: string): ImsxStatusInfo {
  return {
    imsx_codeMajor: 'failure',
    imsx_severity: 'error',
    imsx_description: description,
    imsx_CodeMinor: { imsx_codeMinorField: [{ imsx_codeMinorFieldName: 'TargetEndSystem', imsx_codeMinorFieldValue: codeMinor }] },
  };
}

const BY_KIND: Record<ErrorKind, CodeMinor> = {
  badRequest: 'invaliddata',
  unauthorized: 'unauthorisedrequest',
  forbidden: 'forbidden',
  notFound: 'unknownobject',
  methodNotAllowed: 'invaliddata',
  // 1.2 has no code minor for a lost race; server_busy tells a client to retry.
  conflict: 'server_busy',
  payloadTooLarge: 'invaliddata',
  unsupportedMediaType: 'invaliddata',
  rateLimited: 'server_busy',
  uriTooLong: 'invaliddata',
  requestTimeout: 'invaliddata',
  unavailable: 'server_busy',
  internal: 'internal_server_error',
};

export function formatOneRosterError(kind: ErrorKind, message: string, status: number): DialectErrorResponse {
  const description = kind === 'internal' ? 'An unexpected problem has occurred; it has been logged.' : message;
  return { status, body: statusInfo(BY_KIND[kind], description) };
}

export function sendStatusInfo(reply: FastifyReply, status: number, codeMinor: CodeMinor, description: string): FastifyReply {
  return reply.code(status).type('application/json; charset=utf-8').send(statusInfo(codeMinor, description));
}
