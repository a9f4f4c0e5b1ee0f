// Route schemas: they serialise the answers and document the API at /docs. Inputs are read
// the way Canvas reads them (term-body.ts, list-params.ts), so the input schemas accept
// anything a query string or body can hold and only describe it.
import { Type } from '@sinclair/typebox';

const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);
const Loose = (description: string) => Type.Union([Type.String(), Type.Array(Type.String())], { description });
const Instant = Nullable(Type.String({ format: 'date-time' }));

export const OverrideDatesSchema = Type.Object({ start_at: Instant, end_at: Instant });

export const EnrollmentTermSchema = Type.Object(
  {
    id: Type.Union([Type.Integer(), Type.String()], { description: 'a string with Accept: application/json+canvas-string-ids' }),
    name: Type.String(),
    start_at: Instant,
    end_at: Instant,
    created_at: Type.String({ format: 'date-time' }),
    workflow_state: Type.Union([Type.Literal('active'), Type.Literal('deleted')]),
    grading_period_group_id: Type.Union([Type.Integer(), Type.String(), Type.Null()]),
    sis_term_id: Nullable(Type.String()),
    sis_import_id: Type.Union([Type.Integer(), Type.String(), Type.Null()]),
    overrides: Type.Optional(
      Type.Record(Type.String(), OverrideDatesSchema, {
        description: 'StudentEnrollment | TeacherEnrollment | TaEnrollment | DesignerEnrollment → {start_at, end_at}',
      }),
    ),
    course_count: Type.Optional(Type.Integer()),
    used_in_subaccount: Type.Optional(Type.Boolean()),
  },
  { $id: 'CanvasEnrollmentTerm' },
);

export const EnrollmentTermsListSchema = Type.Object({ enrollment_terms: Type.Array(Type.Ref('CanvasEnrollmentTerm')) });

export const AccountParams = Type.Object({
  account_id: Type.String({ description: '`self` or `1` (the district, the root account)' }),
});
export const TermParams = Type.Object({
  account_id: Type.String({ description: '`self` or `1` (the district, the root account)' }),
  id: Type.String({ description: 'term id, `sis_term_id:<id>`, `sis:<id>`, `hex:sis_term_id:<hex>`, `default` or `current`' }),
});

export const ListQuery = Type.Object(
  {
    'workflow_state[]': Type.Optional(Loose('active (default), deleted or all')),
    'include[]': Type.Optional(Loose('overrides, course_count')),
    term_name: Type.Optional(Loose('case-insensitive substring of the name')),
    subaccount_id: Type.Optional(Loose('adds used_in_subaccount: the term belongs to that school (or is the Default Term)')),
    per_page: Type.Optional(Loose('1–100, default 10')),
    page: Type.Optional(Loose('1-based page')),
  },
  { additionalProperties: true },
);

export const TermBodySchema = Type.Object(
  {
    enrollment_term: Type.Optional(
      Type.Object(
        {
          name: Type.Optional(Type.Unknown({ description: 'The name of the term.' })),
          start_at: Type.Optional(Type.Unknown({ description: 'ISO 8601, e.g. 2025-08-13T05:00:00Z; a day alone is local midnight' })),
          end_at: Type.Optional(Type.Unknown({ description: 'ISO 8601' })),
          sis_term_id: Type.Optional(Type.Unknown({ description: 'string or number; "" clears it' })),
          overrides: Type.Optional(Type.Unknown({ description: '{<EnrollmentType>: {start_at, end_at}}' })),
        },
        { additionalProperties: true },
      ),
    ),
    override_sis_stickiness: Type.Optional(Type.Unknown({ description: 'PUT only; false leaves fields an SIS import set unchanged' })),
  },
  { additionalProperties: true },
);

/** A single term in an answer. */
export const TermRef = Type.Ref('CanvasEnrollmentTerm');
