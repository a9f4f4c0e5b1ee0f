// Response shapes for /docs (and serialisation): the seed's Session object and Edlink envelopes.
// Every Session field is optional because `$fields` may trim any of them.
import { Type } from '@sinclair/typebox';

const Message = Type.Object({ code: Type.String(), message: Type.String() });
const NullableString = Type.Union([Type.String(), Type.Null()]);

export const EdlinkSessionSchema = Type.Partial(
  Type.Object({
    id: Type.String({ format: 'uuid' }),
    created_date: Type.String({ description: 'ISO-8601 UTC with milliseconds' }),
    updated_date: Type.String(),
    name: Type.String(),
    start_date: Type.Union([Type.String({ description: 'First day at T00:00:00.000Z' }), Type.Null()]),
    end_date: Type.Union([Type.String({ description: 'The day after the last day at T00:00:00.000Z (exclusive)' }), Type.Null()]),
    state: Type.Union([Type.Literal('active'), Type.Literal('upcoming'), Type.Literal('completed')]),
    type: Type.Union([Type.Literal('school_year'), Type.Literal('semester'), Type.Literal('term'), Type.Literal('grading_period')]),
    properties: Type.Record(Type.String(), Type.Unknown()),
    identifiers: Type.Array(Type.Object({ type: Type.String(), value: Type.String() })),
    school_id: NullableString,
    district_id: Type.String(),
  }),
);

export const ErrorEnvelope = Type.Object({ $request: Type.String(), $errors: Type.Array(Message), $warnings: Type.Optional(Type.Array(Message)) });

export const ListEnvelope = Type.Object({
  $data: Type.Array(EdlinkSessionSchema),
  $request: Type.String(),
  $next: Type.Optional(Type.String({ description: 'Present only when more pages exist' })),
  $warnings: Type.Optional(Type.Array(Message)),
});

export const OneEnvelope = Type.Object({ $data: EdlinkSessionSchema, $request: Type.String(), $warnings: Type.Optional(Type.Array(Message)) });

export const RESPONSES = {
  list: { 200: ListEnvelope, '4xx': ErrorEnvelope },
  one: { 200: OneEnvelope, '4xx': ErrorEnvelope },
};
