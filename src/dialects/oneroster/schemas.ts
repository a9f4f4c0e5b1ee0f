// What /docs says OneRoster answers: the official 1.2 rostering OpenAPI's data types (same names,
// fields, requirements), plus termbridge's `org` on academicSessions and the vendor write and CSV
// answers. The routes build these shapes themselves (and `fields` may trim them), so the schemas
// document; they do not serialise (see plugin.ts).
import { Type, type TSchema } from '@sinclair/typebox';
import { MAX_LIMIT } from './collection-params.ts';

const ref = (name: string) => Type.Ref(name);
/** A string enum written as the official OpenAPI writes it (`enum`, not `anyOf` of constants). */
const stringEnum = <T extends string>(values: readonly T[], options: { description?: string; default?: T } = {}) =>
  Type.Unsafe<T>({ type: 'string', enum: [...values], ...options });

const Metadata = Type.Object({}, { $id: 'OneRosterMetadata', additionalProperties: true, description: 'Proprietary extensions.' });

const AcademicSessionRef = Type.Object(
  {
    href: Type.String({ format: 'uri' }),
    sourcedId: Type.String(),
    type: stringEnum(['academicSession']),
  },
  { $id: 'OneRosterAcadSessionGUIDRef', additionalProperties: false },
);

const OrgRef = Type.Object(
  {
    href: Type.String({ format: 'uri' }),
    sourcedId: Type.String(),
    type: stringEnum(['org']),
  },
  { $id: 'OneRosterOrgGUIDRef', additionalProperties: false },
);

const Status = stringEnum(['active', 'tobedeleted']);
const extensible = (values: string[]) => Type.Union([stringEnum(values), Type.String({ pattern: '(ext:)[a-zA-Z0-9\\.\\-_]+' })]);

const AcademicSession = Type.Object(
  {
    sourcedId: Type.String(),
    status: Status,
    dateLastModified: Type.String({ format: 'date-time' }),
    metadata: Type.Optional(ref('OneRosterMetadata')),
    title: Type.String(),
    startDate: Type.String({ format: 'date', description: 'The first day of the session.' }),
    endDate: Type.String({ format: 'date', description: 'The first day after the session (OneRoster excludes it).' }),
    type: extensible(['gradingPeriod', 'semester', 'schoolYear', 'term']),
    parent: Type.Optional(ref('OneRosterAcadSessionGUIDRef')),
    children: Type.Optional(Type.Array(ref('OneRosterAcadSessionGUIDRef'))),
    schoolYear: Type.String({ description: 'The year the school year ends, YYYY.' }),
    org: Type.Optional(
      Type.Object(
        { href: Type.String({ format: 'uri' }), sourcedId: Type.String(), type: stringEnum(['org']) },
        { additionalProperties: false, description: "termbridge's addition (as the vendor write API): the session's school, else the district." },
      ),
    ),
  },
  { $id: 'OneRosterAcademicSession', additionalProperties: false },
);

const Org = Type.Object(
  {
    sourcedId: Type.String(),
    status: Status,
    dateLastModified: Type.String({ format: 'date-time' }),
    metadata: Type.Optional(ref('OneRosterMetadata')),
    name: Type.String(),
    type: extensible(['department', 'district', 'local', 'national', 'school', 'state']),
    identifier: Type.String({ description: "A school's Ed-Fi schoolId; the district's Ed-Fi EducationOrganizationId; '' when it has none." }),
    parent: Type.Optional(ref('OneRosterOrgGUIDRef')),
    children: Type.Optional(Type.Array(ref('OneRosterOrgGUIDRef'))),
  },
  { $id: 'OneRosterOrg', additionalProperties: false },
);

const CodeMinorValue = stringEnum([
  'fullsuccess', 'invalid_filter_field', 'invalid_selection_field', 'invaliddata', 'unauthorisedrequest', 'forbidden', 'server_busy', 'unknownobject', 'internal_server_error',
]);

const StatusInfo = Type.Object(
  {
    imsx_codeMajor: stringEnum(['success', 'processing', 'failure', 'unsupported']),
    imsx_severity: stringEnum(['status', 'warning', 'error']),
    imsx_description: Type.Optional(Type.String()),
    imsx_CodeMinor: Type.Optional(
      Type.Object(
        {
          imsx_codeMinorField: Type.Array(
            Type.Object({ imsx_codeMinorFieldName: Type.String({ default: 'TargetEndSystem' }), imsx_codeMinorFieldValue: CodeMinorValue }, { additionalProperties: false }),
            { minItems: 1 },
          ),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { $id: 'OneRosterStatusInfo', additionalProperties: false },
);

/** Shared schemas, added to the OneRoster plugin so routes (and /docs components) refer to them. */
export const ONEROSTER_SCHEMAS: TSchema[] = [Metadata, AcademicSessionRef, OrgRef, AcademicSession, Org, StatusInfo];

const errors = { '4xx': ref('OneRosterStatusInfo'), '5xx': ref('OneRosterStatusInfo') };

export const ACADEMIC_SESSION_SET = {
  200: Type.Object({ academicSessions: Type.Array(ref('OneRosterAcademicSession')) }, { additionalProperties: false, description: 'A page; X-Total-Count and Link headers.' }),
  ...errors,
};
export const SINGLE_ACADEMIC_SESSION = { 200: Type.Object({ academicSession: ref('OneRosterAcademicSession') }, { additionalProperties: false }), ...errors };
export const ORG_SET = {
  200: Type.Object({ orgs: Type.Array(ref('OneRosterOrg')) }, { additionalProperties: false, description: 'A page; X-Total-Count and Link headers.' }),
  ...errors,
};
export const SINGLE_ORG = { 200: Type.Object({ org: ref('OneRosterOrg') }, { additionalProperties: false }), ...errors };

/** The vendor write API: PUT answers the stored object unwrapped, POST the sourcedId pair. */
export const PUT_ACADEMIC_SESSION = { 200: ref('OneRosterAcademicSession'), 201: ref('OneRosterAcademicSession'), ...errors };
export const POST_ACADEMIC_SESSION = {
  201: Type.Object({ sourcedIdPairs: Type.Object({ suppliedSourcedId: Type.String(), allocatedSourcedId: Type.String() }) }),
  ...errors,
};
export const DELETE_ACADEMIC_SESSION = { 204: Type.Null({ description: 'Marked tobedeleted.' }), ...errors };

const CsvProblem = Type.Object({
  file: Type.String(),
  line: Type.Integer({ description: '1-based; the header is line 1; 0 for the whole file.' }),
  column: Type.String(),
  reason: Type.String(),
});
const Counts = (names: string[]) => Type.Object(Object.fromEntries(names.map((n) => [n, Type.Integer()])));
const Mode = stringEnum(['bulk', 'delta', 'absent']);

export const CSV_IMPORT = {
  200: Type.Object({
    modes: Type.Object({ academicSessions: Mode, orgs: Mode }),
    academicSessions: Counts(['rows', 'created', 'updated', 'unchanged', 'deleted', 'reactivated']),
    orgs: Counts(['created', 'updated', 'skipped']),
    ignoredFiles: Type.Array(Type.String(), { description: 'Files the manifest lists that termbridge does not import.' }),
  }),
  400: Type.Intersect([ref('OneRosterStatusInfo'), Type.Object({ problems: Type.Optional(Type.Array(CsvProblem)) })], {
    description: 'Rejected, nothing written: every problem found (the first 1,000).',
  }),
  ...errors,
};

const queryFields = Type.Optional(
  Type.Array(Type.String(), { description: 'Fields to return; repeated (fields=a&fields=b) or comma separated (fields=a,b).' }),
);

export const COLLECTION_QUERY = Type.Object({
  limit: Type.Optional(
    Type.Integer({ format: 'int32', minimum: 1, default: 100, description: `Records per page: default 100, at most ${MAX_LIMIT} (larger values are served as ${MAX_LIMIT}).` }),
  ),
  offset: Type.Optional(Type.Integer({ format: 'int32', minimum: 0, default: 0, description: 'Index of the first record, from 0.' })),
  sort: Type.Optional(Type.String({ description: 'Field(s) to sort on, comma separated; sourcedId when absent.' })),
  orderBy: Type.Optional(stringEnum(['asc', 'desc'], { description: 'asc (default) or desc.' })),
  filter: Type.Optional(Type.String({ description: "e.g. type='term' AND dateLastModified>'2026-01-01T00:00:00Z'" })),
  fields: queryFields,
});
export const SINGLE_QUERY = Type.Object({ fields: queryFields });
