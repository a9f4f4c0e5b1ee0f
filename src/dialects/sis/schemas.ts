// What /docs says the SIS API answers. Row schemas come from SIS_FIELDS (the validator's own
// table), so a field added there is documented here without a second list.
import { Type, type TSchema } from '@sinclair/typebox';
import type { SisTable } from '../../sync/sis-model.ts';
import { SIS_FIELDS } from '../../sync/sis-validation.ts';

const JSON_TYPE: Record<string, () => TSchema> = {
  bigint: () => Type.Integer(),
  year: () => Type.Integer({ description: 'the year the school year ends' }),
  int: () => Type.Integer(),
  bool: () => Type.Boolean(),
  date: () => Type.String({ format: 'date' }),
  uri: () => Type.String({ description: 'a descriptor URI' }),
  state: () => Type.String({ description: 'a two-letter state code' }),
};

export function rowSchema(table: SisTable): TSchema {
  const properties: Record<string, TSchema> = {};
  for (const [name, field] of Object.entries(SIS_FIELDS[table])) {
    const type = (JSON_TYPE[field.kind] ?? (() => Type.String()))();
    properties[name] = field.nullable ? Type.Union([type, Type.Null()]) : type;
  }
  return Type.Object(properties, { additionalProperties: false });
}

const Problem = Type.Object({ path: Type.String({ description: 'JSON path of the bad value, e.g. $.terms[0].endDate' }), message: Type.String() });

export const SIS_ERROR = Type.Object(
  { status: Type.Integer(), error: Type.String(), message: Type.String(), problems: Type.Optional(Type.Array(Problem)) },
  { $id: 'SisError' },
);

const errors = { '4xx': Type.Ref('SisError'), '5xx': Type.Ref('SisError') };
const schoolsToSync = Type.Array(Type.Integer(), { description: 'Ed-Fi schoolIds the sync worker will re-plan' });

export function putRowResponses(table: SisTable) {
  const body = Type.Object({ [table]: rowSchema(table), schoolsToSync });
  return { 200: body, 201: body, ...errors };
}

export function getRowResponses(table: SisTable) {
  return { 200: rowSchema(table), ...errors };
}

export const DELETE_ROW = { 204: Type.Null({ description: 'Deleted, with its dependent SIS rows.' }), ...errors };

export const UPLOAD = {
  200: Type.Object({ counts: Type.Record(Type.String(), Type.Integer(), { description: 'rows saved per table' }), schoolsToSync }),
  ...errors,
};

const SyncError = Type.Object({
  errorId: Type.Integer(),
  kind: Type.Unsafe<string>({ type: 'string', enum: ['derive', 'send', 'blocked'] }),
  state: Type.Unsafe<string>({ type: 'string', enum: ['open', 'retried', 'archived', 'resolved'] }),
  resource: Type.String(),
  keyText: Type.Union([Type.String(), Type.Null()]),
  schoolId: Type.Union([Type.Integer(), Type.Null()]),
  schoolYear: Type.Union([Type.Integer(), Type.Null()]),
  action: Type.Union([Type.String(), Type.Null()]),
  message: Type.String(),
  requestBody: Type.Unknown(),
  responseStatus: Type.Union([Type.Integer(), Type.Null()]),
  responseBody: Type.Unknown(),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
  actions: Type.Object(
    { retry: Type.Optional(Type.String()), archive: Type.Optional(Type.String()) },
    { description: 'What can be done with the entry next: METHOD and URL' },
  ),
});

export const ERROR_LIST = { 200: Type.Object({ errors: Type.Array(SyncError) }), ...errors };
export const ONE_ERROR = { 200: SyncError, ...errors };
export const RETRIED = { 200: Type.Object({ retried: Type.Integer({ description: 'entries queued again' }) }), ...errors };
export const ARCHIVED = { 200: Type.Object({ archived: Type.Integer() }), ...errors };
export const OUTBOX_STATUS = {
  200: Type.Object({
    pending: Type.Integer(),
    inFlight: Type.Integer(),
    sent: Type.Integer(),
    failed: Type.Integer(),
    blocked: Type.Integer(),
    superseded: Type.Integer(),
    nextInSeconds: Type.Union([Type.Number(), Type.Null()], { description: 'until the next pending send is due' }),
    schoolChanges: Type.Array(
      Type.Object({
        oldSchoolId: Type.Integer(),
        newSchoolId: Type.Integer(),
        detectedAt: Type.String(),
        resyncedAt: Type.Union([Type.String(), Type.Null()], { description: 'null: the new school id is sent nothing until a resync of it' }),
        deletedAt: Type.Union([Type.String(), Type.Null()]),
        itemsUnderOld: Type.Integer({ description: 'items the target holds under the old id until `termbridge sync delete --school OLD`' }),
      }),
      { description: 'school ids the SIS changed (seed 002: a new school for the sync)' },
    ),
  }),
  ...errors,
};
