// TypeBox schemas of the Ed-Fi wire shapes: they document every route at /docs and serialise
// responses. Bodies and query strings are checked by the dialect's own readers (ODS wording),
// so the plugin's validator accepts anything and these only describe.
import { Type, type TSchema } from '@sinclair/typebox';

const LinkSchema = Type.Optional(Type.Object({ rel: Type.String(), href: Type.String() }));
const Descriptor = (description: string) => Type.String({ maxLength: 306, description });

export const SchoolReference = Type.Object({ schoolId: Type.Integer(), link: LinkSchema });
export const SchoolYearTypeReference = Type.Object({ schoolYear: Type.Integer(), link: LinkSchema });

const Tracked = {
  _etag: Type.String({ description: 'The stored change version; the ETag header quotes it.' }),
  _lastModifiedDate: Type.String({ format: 'date-time' }),
};

export const GradingPeriodReference = Type.Object({
  gradingPeriodDescriptor: Descriptor('uri://ed-fi.org/GradingPeriodDescriptor#…'),
  gradingPeriodName: Type.String({ maxLength: 60 }),
  schoolId: Type.Integer(),
  schoolYear: Type.Integer(),
  link: LinkSchema,
});

const SessionFields = {
  schoolReference: SchoolReference,
  schoolYearTypeReference: SchoolYearTypeReference,
  sessionName: Type.String({ maxLength: 60 }),
  beginDate: Type.String({ format: 'date' }),
  endDate: Type.String({ format: 'date' }),
  termDescriptor: Descriptor('uri://ed-fi.org/TermDescriptor#…'),
  totalInstructionalDays: Type.Optional(Type.Integer({ minimum: 0 })),
  academicWeeks: Type.Optional(Type.Array(Type.Object({}, { additionalProperties: true }))),
  gradingPeriods: Type.Optional(Type.Array(Type.Object({ gradingPeriodReference: GradingPeriodReference }))),
};

export const Session = Type.Object({ id: Type.String({ pattern: '^[0-9a-f]{32}$' }), ...SessionFields, ...Tracked });
export const SessionBody = Type.Object(SessionFields);

const GradingPeriodFields = {
  gradingPeriodDescriptor: Descriptor('uri://ed-fi.org/GradingPeriodDescriptor#…'),
  gradingPeriodName: Type.String({ maxLength: 60 }),
  schoolReference: SchoolReference,
  schoolYearTypeReference: SchoolYearTypeReference,
  beginDate: Type.String({ format: 'date' }),
  endDate: Type.String({ format: 'date' }),
  totalInstructionalDays: Type.Optional(Type.Integer({ minimum: 0 })),
  periodSequence: Type.Optional(Type.Integer({ minimum: 0 })),
};
export const GradingPeriod = Type.Object({ id: Type.String(), ...GradingPeriodFields, ...Tracked });
export const GradingPeriodBody = Type.Object(GradingPeriodFields);

const SchoolFields = {
  schoolId: Type.Integer(),
  nameOfInstitution: Type.String({ maxLength: 75 }),
  educationOrganizationCategories: Type.Optional(Type.Array(Type.Object({ educationOrganizationCategoryDescriptor: Type.String() }))),
  gradeLevels: Type.Optional(Type.Array(Type.Object({ gradeLevelDescriptor: Type.String() }))),
  localEducationAgencyReference: Type.Optional(Type.Object({ localEducationAgencyId: Type.Integer(), link: LinkSchema })),
};
export const School = Type.Object({ id: Type.String(), ...SchoolFields, ...Tracked });
export const SchoolBody = Type.Object(SchoolFields);

const SchoolYearTypeFields = {
  schoolYear: Type.Integer(),
  currentSchoolYear: Type.Boolean(),
  schoolYearDescription: Type.String({ maxLength: 50 }),
};
export const SchoolYearType = Type.Object({ id: Type.String(), ...SchoolYearTypeFields, ...Tracked });
export const SchoolYearTypeBody = Type.Object(SchoolYearTypeFields);

const DescriptorFields = {
  codeValue: Type.String({ maxLength: 50 }),
  namespace: Type.String({ maxLength: 255 }),
  shortDescription: Type.String({ maxLength: 75 }),
  description: Type.Optional(Type.String({ maxLength: 1024 })),
  effectiveBeginDate: Type.Optional(Type.String({ format: 'date' })),
  effectiveEndDate: Type.Optional(Type.String({ format: 'date' })),
};
export const DescriptorItem = Type.Object({ id: Type.String(), ...DescriptorFields, ...Tracked });
export const DescriptorBody = Type.Object(DescriptorFields);

export const ItemParams = Type.Object({ id: Type.String({ description: 'The resource id: 32 hex digits (a uuid without hyphens).' }) });

const Int = (description: string) => Type.Optional(Type.Integer({ description }));
export const PagingQuery = {
  offset: Int('How many items to skip.'),
  limit: Int('How many items to return (0..500, default 25).'),
  pageToken: Type.Optional(Type.String({ description: 'Cursor paging: a Next-Page-Token or a partitions token.' })),
  pageSize: Int('Cursor paging page size (0..500, default 25).'),
  minChangeVersion: Int('Only items whose change version is at least this.'),
  maxChangeVersion: Int('Only items whose change version is at most this.'),
  totalCount: Type.Optional(Type.Boolean({ description: 'Return the Total-Count header.' })),
};
export const TrackedChangesQuery = Type.Object({
  offset: PagingQuery.offset,
  limit: PagingQuery.limit,
  minChangeVersion: PagingQuery.minChangeVersion,
  maxChangeVersion: PagingQuery.maxChangeVersion,
  totalCount: PagingQuery.totalCount,
});

export const SessionQuery = Type.Object({
  ...PagingQuery,
  sessionName: Type.Optional(Type.String()),
  schoolId: Type.Optional(Type.Integer()),
  schoolYear: Type.Optional(Type.Integer()),
  termDescriptor: Type.Optional(Type.String({ description: "Descriptor URI; send '#' as %23." })),
  beginDate: Type.Optional(Type.String({ format: 'date' })),
  endDate: Type.Optional(Type.String({ format: 'date' })),
  id: Type.Optional(Type.String()),
  totalInstructionalDays: Type.Optional(Type.Integer()),
});

export const PartitionsQuery = (filters: Record<string, TSchema>) =>
  Type.Object({
    number: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, description: 'How many partitions (default 10).' })),
    allowSmallPartitions: Type.Optional(Type.Boolean({ description: 'Allow partitions under 2,500 rows (ODS: undocumented).' })),
    minChangeVersion: PagingQuery.minChangeVersion,
    maxChangeVersion: PagingQuery.maxChangeVersion,
    ...filters,
  });

export const PageTokens = Type.Object({ pageTokens: Type.Array(Type.String()) });

const KeyValues = Type.Object({}, { additionalProperties: true });
export const DeletedItem = Type.Object({ id: Type.String(), changeVersion: Type.Integer(), keyValues: KeyValues });
export const KeyChangeItem = Type.Object({ id: Type.String(), changeVersion: Type.Integer(), oldKeyValues: KeyValues, newKeyValues: KeyValues });

export const Headers = {
  ifMatch: Type.Object({ 'if-match': Type.Optional(Type.String({ description: 'The ETag last read; a mismatch answers 412.' })) }),
  ifNoneMatch: Type.Object({ 'if-none-match': Type.Optional(Type.String({ description: 'The ETag last read; unchanged answers 304.' })) }),
};

export const Empty = Type.Null({ description: 'No content' });

export const ProblemDetails = Type.Object(
  {
    detail: Type.String(),
    type: Type.String({ description: "Ed-Fi's error URN, e.g. urn:ed-fi:api:bad-request:data-validation-failed" }),
    title: Type.String(),
    status: Type.Integer(),
    correlationId: Type.String({ description: "The request's correlation-id header (or correlationId query value) when it sent one." }),
    validationErrors: Type.Optional(Type.Record(Type.String(), Type.Array(Type.String()), { description: 'Messages by JSON path, e.g. "$.sessionName"' })),
    errors: Type.Optional(Type.Array(Type.String())),
  },
  { description: 'RFC 9457 problem details, as ODS/API 7.3 writes them' },
);

/** The error statuses an Ed-Fi operation can answer, by method (ODS's documented ones, plus 413/415/429). */
const ERROR_STATUSES: Record<string, number[]> = {
  GET: [400, 401, 403, 404, 405, 429, 500],
  POST: [400, 401, 403, 405, 409, 412, 413, 415, 429, 500],
  PUT: [400, 401, 403, 404, 405, 409, 412, 413, 415, 429, 500],
  DELETE: [400, 401, 403, 404, 405, 409, 412, 429, 500],
};

export function errorResponses(method: string): Record<number, typeof ProblemDetails> {
  return Object.fromEntries((ERROR_STATUSES[method] ?? [400, 401, 403, 404, 405, 429, 500]).map((status) => [status, ProblemDetails]));
}
