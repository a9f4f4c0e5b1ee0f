import { describe, expect, it } from 'vitest';
import { STATUS_OF, type ErrorKind } from '../../../src/dialects/dialect.ts';
import { formatOneRosterError } from '../../../src/dialects/oneroster/status-info.ts';
import { expectValid } from './openapi-schema.ts';

describe('formatOneRosterError', () => {
  it.each<[ErrorKind, string]>([
    ['badRequest', 'invaliddata'],
    ['unauthorized', 'unauthorisedrequest'],
    ['forbidden', 'forbidden'],
    ['notFound', 'unknownobject'],
    ['rateLimited', 'server_busy'],
    ['internal', 'internal_server_error'],
    ['payloadTooLarge', 'invaliddata'],
    ['unsupportedMediaType', 'invaliddata'],
    ['methodNotAllowed', 'invaliddata'],
  ])('%s is a schema-valid imsx_StatusInfo with code minor %s', (kind, codeMinor) => {
    const r = formatOneRosterError(kind, 'why', STATUS_OF[kind]);
    expect(r.status).toBe(STATUS_OF[kind]);
    expectValid('statusInfo', r.body);
    expect(r.body).toMatchObject({ imsx_codeMajor: 'failure', imsx_severity: 'error', imsx_CodeMinor: { imsx_codeMinorField: [{ imsx_codeMinorFieldName: 'TargetEndSystem', imsx_codeMinorFieldValue: codeMinor }] } });
    // A 500 never shows internals.
    expect((r.body as { imsx_description: string }).imsx_description).toBe(kind === 'internal' ? 'An unexpected problem has occurred; it has been logged.' : 'why');
  });
});
