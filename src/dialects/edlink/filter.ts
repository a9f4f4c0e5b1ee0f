// Edlink's `$filter`: a URL-encoded JSON object `{"<field>": [{"operator": "...", "value": "..."}]}`,
// every operator on every field ANDed, parsed into the shared Query AST. Only the operators the
// seed lists per field are accepted. Values are converted from what the wire shows to canonical:
// start_date/end_date are midnight UTC of the first day / the day AFTER the last (Edlink's end is
// exclusive), updated_date is the stored timestamp truncated to milliseconds.
import { addDays, MAX_DATE, MIN_DATE } from '../../domain/calendar-date.ts';
import type { Condition, SessionField } from '../../query/ast.ts';
import { EdlinkError, type EdlinkMessage, type EdlinkWarningCode } from './errors.ts';

export const FILTER_OPERATORS = {
  id: ['equals', 'in', 'not in'],
  updated_date: ['equals', 'gt', 'lt', 'gte', 'lte'],
  name: ['equals', 'starts with', 'contains', 'in', 'not in', 'is known', 'is unknown'],
  start_date: ['equals', 'gt', 'lt', 'gte', 'lte'],
  end_date: ['equals', 'gt', 'lt', 'gte', 'lte'],
} as const satisfies Record<string, readonly string[]>;

export type FilterField = keyof typeof FILTER_OPERATORS;
export type FilterOperator = (typeof FILTER_OPERATORS)[FilterField][number];

/** Session fields Edlink lists without any $filter operator. */
const UNFILTERABLE = new Set(['created_date', 'state', 'type', 'properties', 'identifiers', 'school_id', 'district_id']);

const LOWER_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const DATE_VALUE = /^(\d{4}-\d{2}-\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?(Z|[+-]\d{2}:\d{2})?)?$/;

const NOTHING: Condition = { op: 'or', args: [] };
/** Conditions in one $filter (every one ANDed); more is refused. */
export const MAX_CLAUSES = 100;

export interface ParsedFilter {
  where: Condition | undefined;
  warnings: EdlinkMessage<EdlinkWarningCode>[];
}

function describeFields(): string {
  return Object.entries(FILTER_OPERATORS)
    .map(([f, ops]) => `${f} (${ops.join(', ')})`)
    .join('; ');
}

function invalid(message: string): EdlinkError {
  return new EdlinkError('INVALID_FILTER', message, 400);
}

export function parseEdlinkFilter(raw: string): ParsedFilter {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw invalid(
      `$filter is not valid JSON. Send a URL-encoded JSON object such as {"name":[{"operator":"starts with","value":"Fall"}]}.`,
    );
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
    throw invalid(`$filter must be a JSON object mapping fields to lists of {"operator","value"}, e.g. {"name":[{"operator":"equals","value":"Fall 2025"}]}.`);
  const conditions: Condition[] = [];
  const warnings: EdlinkMessage<EdlinkWarningCode>[] = [];
  const clauseCount = Object.values(parsed as Record<string, unknown>).reduce<number>((n, c) => n + (Array.isArray(c) ? c.length : 1), 0);
  if (clauseCount > MAX_CLAUSES) throw invalid(`$filter has ${clauseCount} conditions; at most ${MAX_CLAUSES} are allowed.`);
  for (const [field, clauses] of Object.entries(parsed as Record<string, unknown>)) {
    if (!Object.hasOwn(FILTER_OPERATORS, field)) {
      const why = UNFILTERABLE.has(field) ? `The field '${field}' cannot be filtered.` : `Unknown field '${field}'.`;
      throw invalid(`${why} Filterable fields and their operators: ${describeFields()}.`);
    }
    const f = field as FilterField;
    const allowed: readonly string[] = FILTER_OPERATORS[f];
    if (!Array.isArray(clauses))
      throw invalid(`$filter.${f} must be a list of {"operator","value"} objects; '${f}' allows the operators: ${allowed.join(', ')}.`);
    for (const clause of clauses) {
      if (clause === null || typeof clause !== 'object' || Array.isArray(clause))
        throw invalid(`Each entry of $filter.${f} must be an object {"operator","value"}; '${f}' allows the operators: ${allowed.join(', ')}.`);
      const { operator, value } = clause as { operator?: unknown; value?: unknown };
      if (typeof operator !== 'string' || !allowed.includes(operator))
        throw invalid(`The field '${f}' does not allow the operator ${JSON.stringify(operator ?? null)}; it allows: ${allowed.join(', ')}.`);
      conditions.push(clauseCondition(f, operator as FilterOperator, value, warnings));
    }
  }
  return { where: conditions.length === 0 ? undefined : conditions.length === 1 ? conditions[0] : { op: 'and', args: conditions }, warnings };
}

function stringValue(field: FilterField, operator: string, value: unknown): string {
  if (typeof value !== 'string') throw invalid(`The operator '${operator}' on '${field}' needs a string "value".`);
  return value;
}

/** More values than this in one `in` list is refused rather than sent to the database as parameters. */
export const MAX_LIST_VALUES = 1000;

/** `in`/`not in` take one comma-separated string (Edlink's form) or, leniently, a list of strings. */
function listValue(field: FilterField, operator: string, value: unknown): string[] {
  const values = Array.isArray(value) && value.every((v) => typeof v === 'string') ? (value as string[]) : stringValue(field, operator, value).split(',');
  if (values.length > MAX_LIST_VALUES) throw invalid(`The operator '${operator}' on '${field}' takes at most ${MAX_LIST_VALUES} values; got ${values.length}.`);
  return values;
}

function clauseCondition(field: FilterField, operator: FilterOperator, value: unknown, warnings: EdlinkMessage<EdlinkWarningCode>[]): Condition {
  switch (field) {
    case 'id':
      return idCondition(operator, value);
    case 'name':
      return nameCondition(operator, value);
    case 'updated_date':
      return timestampCondition(operator, instant(field, operator, value, warnings));
    case 'start_date':
      return dayCondition('beginDate', operator, instant(field, operator, value, warnings), 0);
    case 'end_date':
      return dayCondition('endDate', operator, instant(field, operator, value, warnings), -1);
  }
}

/**
 * Ids: only lowercase hyphenated uuids can match (equals is case-sensitive). Compared as text
 * (`caseInsensitive` makes the store compare `lower(id::text)`, exact for lowercase values),
 * because the store casts plain values to text and a uuid column does not compare with text.
 */
export function idEquals(field: SessionField, id: string): Condition {
  return { field, op: 'eq', value: id, caseInsensitive: true };
}

function idCondition(operator: FilterOperator, value: unknown): Condition {
  const values = operator === 'equals' ? [stringValue('id', operator, value)] : listValue('id', operator, value);
  const matching = values.filter((v) => LOWER_UUID.test(v)).map((v) => idEquals('id', v));
  const any: Condition = { op: 'or', args: matching };
  return operator === 'not in' ? { op: 'not', arg: any } : any;
}

/** name: equality and lists case-sensitive, patterns case-insensitive, known/unknown. */
function nameCondition(operator: FilterOperator, value: unknown): Condition {
  switch (operator) {
    case 'equals':
      return { field: 'name', op: 'eq', value: stringValue('name', operator, value) };
    case 'in':
      return { field: 'name', op: 'in', values: listValue('name', operator, value) };
    case 'not in':
      return { field: 'name', op: 'notIn', values: listValue('name', operator, value) };
    case 'starts with':
      return { field: 'name', op: 'startsWith', value: stringValue('name', operator, value), caseInsensitive: true };
    case 'contains':
      return { field: 'name', op: 'contains', value: stringValue('name', operator, value), caseInsensitive: true };
    case 'is known':
      return { field: 'name', op: 'isNotNull' };
    case 'is unknown':
      return { field: 'name', op: 'isNull' };
    default:
      throw invalid(`The field 'name' does not allow the operator '${operator}'.`);
  }
}

/** A filter date as epoch milliseconds; a date or date-time without a zone is read as UTC. */
function instant(field: FilterField, operator: string, value: unknown, warnings: EdlinkMessage<EdlinkWarningCode>[]): number {
  const text = stringValue(field, operator, value);
  const m = DATE_VALUE.exec(text);
  const example = `e.g. "2025-08-01T00:00:00.000Z"`;
  if (!m) throw invalid(`The value ${JSON.stringify(text)} for '${field}' is not an ISO-8601 date or date-time with at most millisecond precision (${example}).`);
  const [, day, hh, mm, ss, frac, zone] = m;
  if (day! < MIN_DATE || day! > MAX_DATE) throw invalid(`The date ${day} for '${field}' is outside ${MIN_DATE}…${MAX_DATE}.`);
  if (hh !== undefined && zone === undefined && !warnings.some((w) => w.code === 'DATETIME_MISSING_TIMEZONE'))
    warnings.push({ code: 'DATETIME_MISSING_TIMEZONE', message: `The date-time ${JSON.stringify(text)} has no time zone; UTC was assumed.` });
  const iso = `${day}T${hh ?? '00'}:${mm ?? '00'}:${ss ?? '00'}.${(frac ?? '0').padEnd(3, '0')}${zone ?? 'Z'}`;
  const ms = Date.parse(iso);
  if (Number.isNaN(ms) || Number(hh ?? 0) > 23 || Number(mm ?? 0) > 59 || Number(ss ?? 0) > 59 || new Date(Date.parse(`${day}T00:00:00Z`)).toISOString().slice(0, 10) !== day)
    throw invalid(`The value ${JSON.stringify(text)} for '${field}' is not a real date or time (${example}).`);
  const utcDay = new Date(ms).toISOString().slice(0, 10);
  if (utcDay < MIN_DATE || utcDay > MAX_DATE) throw invalid(`The date ${text} for '${field}' is outside ${MIN_DATE}…${MAX_DATE}.`);
  return ms;
}

/** updated_date shows the stored time truncated to ms: shown value v covers stored [v, v+1ms). */
function timestampCondition(operator: FilterOperator, ms: number): Condition {
  const at = new Date(ms).toISOString();
  const next = new Date(ms + 1).toISOString();
  switch (operator) {
    case 'equals':
      return { op: 'and', args: [{ field: 'updatedAt', op: 'gte', value: at }, { field: 'updatedAt', op: 'lt', value: next }] };
    case 'gt':
      return { field: 'updatedAt', op: 'gte', value: next };
    case 'gte':
      return { field: 'updatedAt', op: 'gte', value: at };
    case 'lt':
      return { field: 'updatedAt', op: 'lt', value: at };
    default:
      return { field: 'updatedAt', op: 'lt', value: next };
  }
}

/**
 * start_date/end_date show midnight UTC of a day D (first day; for end_date the last day + 1).
 * Comparing that midnight with an instant t in UTC day d: exact when t is itself midnight.
 * `shift` turns D back into the stored day (−1 for end_date).
 */
function dayCondition(column: 'beginDate' | 'endDate', operator: FilterOperator, ms: number, shift: number): Condition {
  const d = new Date(ms).toISOString().slice(0, 10);
  const midnight = ms % 86_400_000 === 0;
  const day = addDays(d, shift);
  switch (operator) {
    case 'equals':
      return midnight ? { field: column, op: 'eq', value: day } : NOTHING;
    case 'gt':
      return { field: column, op: 'gt', value: day };
    case 'gte':
      return { field: column, op: midnight ? 'gte' : 'gt', value: day };
    case 'lt':
      return { field: column, op: midnight ? 'lt' : 'lte', value: day };
    default:
      return { field: column, op: 'lte', value: day };
  }
}
