// The sessions table as the session contract declares it: the select list, a row → content
// mapping, and the values of an insert or update, all derived from SESSION_CONTRACT so that a
// new field is one row there and one column in a migration.
import { sql, type RawBuilder } from 'kysely';
import { CONTENT_FIELDS, SESSION_CONTRACT, type ContentField, type FieldSpec, type SessionContent } from '../domain/session-contract.ts';
import type { SessionInput } from '../domain/session.ts';

/** `s.<column>` for every content field, for SELECT lists over `sessions s`. */
export const CONTENT_COLUMNS: RawBuilder<unknown> = sql.join(CONTENT_FIELDS.map((k) => sql.ref(`s.${SESSION_CONTRACT[k].column}`)));

/** A selected row's content fields (json columns arrive parsed; an absent one is empty). */
export function contentFromRow(row: Record<string, unknown>): SessionContent {
  const out: Partial<Record<ContentField, unknown>> = {};
  for (const k of CONTENT_FIELDS) {
    const spec = SESSION_CONTRACT[k];
    const v = row[spec.column];
    out[k] = spec.type === 'json' ? (v ?? {}) : v;
  }
  return out as SessionContent;
}

/** What a write stores in each content column; an omittable field left out keeps `current`'s value. */
function columnValues(input: SessionInput, current: Partial<SessionContent>): [string, RawBuilder<unknown>][] {
  return CONTENT_FIELDS.map((k) => {
    const spec: FieldSpec = SESSION_CONTRACT[k];
    const value = input[k] ?? (spec.whenOmitted ? current[k] : null);
    return [spec.column, spec.type === 'json' ? sql`${JSON.stringify(value)}::jsonb` : sql`${value}`];
  });
}

/** `(col, …) VALUES (…, …)` of an insert's content columns. */
export function insertColumns(input: SessionInput): { columns: RawBuilder<unknown>; values: RawBuilder<unknown> } {
  const initial: Partial<Record<ContentField, unknown>> = {};
  for (const k of CONTENT_FIELDS) {
    const omitted = (SESSION_CONTRACT[k] as FieldSpec).whenOmitted;
    if (omitted) initial[k] = omitted.initial;
  }
  const pairs = columnValues(input, initial as Partial<SessionContent>);
  return { columns: sql.join(pairs.map(([c]) => sql.ref(c))), values: sql.join(pairs.map(([, v]) => v)) };
}

/** `col = value, …` of an update's content columns. */
export function updateAssignments(input: SessionInput, current: SessionContent): RawBuilder<unknown> {
  return sql.join(columnValues(input, current).map(([c, v]) => sql`${sql.ref(c)} = ${v}`));
}
