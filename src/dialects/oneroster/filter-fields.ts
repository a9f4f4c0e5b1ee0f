// The academicSession fields a OneRoster filter may name, and how each predicate becomes a
// canonical condition (and back, for printing). Wire values are converted here: endDate −1 day,
// ext: types, tobedeleted, and dateLastModified compared at the millisecond precision it is
// written with, so `dateLastModified>'<a value we returned>'` never returns that record again.
import { isIsoDate } from '../../domain/calendar-date.ts';
import type { Comparison, Condition, SessionField } from '../../query/ast.ts';
import { OneRosterQueryError } from './query-error.ts';
import {
  canonicalEndDate,
  canonicalStatus,
  canonicalType,
  unmapped,
  unmappedWire,
  wireEndDate,
  wireStatus,
  wireType,
} from './wire-values.ts';

export type FilterOperator = '=' | '!=' | '>' | '>=' | '<' | '<=' | '~';
export const FILTER_OPERATORS: FilterOperator[] = ['>=', '<=', '!=', '=', '>', '<', '~'];

type ValueKind = 'text' | 'date' | 'endDate' | 'dateTime' | 'year' | 'status' | 'type' | 'ref';

interface FieldSpec {
  canonical: SessionField;
  kind: ValueKind;
  operators: FilterOperator[];
}

const ALL: FilterOperator[] = ['=', '!=', '>', '>=', '<', '<=', '~'];
const ORDERED: FilterOperator[] = ['=', '!=', '>', '>=', '<', '<='];
const EQUALITY: FilterOperator[] = ['=', '!='];

export const SOURCED_ID_FIELD: SessionField = 'identifierOrId:oneroster';

export const FILTER_FIELDS: Record<string, FieldSpec> = {
  sourcedId: { canonical: SOURCED_ID_FIELD, kind: 'text', operators: ALL },
  status: { canonical: 'status', kind: 'status', operators: EQUALITY },
  dateLastModified: { canonical: 'updatedAt', kind: 'dateTime', operators: ORDERED },
  title: { canonical: 'name', kind: 'text', operators: ALL },
  type: { canonical: 'type', kind: 'type', operators: EQUALITY },
  startDate: { canonical: 'beginDate', kind: 'date', operators: ORDERED },
  endDate: { canonical: 'endDate', kind: 'endDate', operators: ORDERED },
  schoolYear: { canonical: 'schoolYear', kind: 'year', operators: ORDERED },
  'parent.sourcedId': { canonical: 'parentId', kind: 'ref', operators: EQUALITY },
  'org.sourcedId': { canonical: 'orgId', kind: 'ref', operators: EQUALITY },
};

type OrderedOp = 'eq' | 'ne' | 'gt' | 'gte' | 'lt' | 'lte';
const OP: Record<Exclude<FilterOperator, '~'>, OrderedOp> = { '=': 'eq', '!=': 'ne', '>': 'gt', '>=': 'gte', '<': 'lt', '<=': 'lte' };

const DATE_TIME = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2}))?$/;

function fail(position: number, message: string): never {
  throw new OneRosterQueryError('invalid_filter_field', `filter: at position ${position}, ${message}`);
}

/** One `field op 'value'` as a canonical condition. `position` is where the predicate starts. */
export function predicateCondition(field: string, operator: FilterOperator, value: string, position: number): Condition {
  const spec = Object.hasOwn(FILTER_FIELDS, field) ? FILTER_FIELDS[field] : undefined;
  if (!spec)
    fail(position, `'${field}' is not a field an academicSession can be filtered on; use one of: ${Object.keys(FILTER_FIELDS).join(', ')}.`);
  if (!spec.operators.includes(operator))
    fail(position, `the operator ${operator} cannot be used on ${field}; use one of: ${spec.operators.join(' ')}.`);
  const f = spec.canonical;
  if (operator === '~') return { field: f, op: 'contains', value, caseInsensitive: true };
  const op = OP[operator];
  switch (spec.kind) {
    case 'text':
    case 'ref':
      return { field: f, op, value };
    case 'status':
      return { field: f, op, value: canonicalStatus(value) ?? unmapped(value) };
    case 'type':
      return { field: f, op, value: canonicalType(value) ?? unmapped(value) };
    case 'date':
    case 'endDate': {
      if (!isIsoDate(value)) fail(position, `${field} values are dates written YYYY-MM-DD; '${value}' is not one.`);
      return { field: f, op, value: spec.kind === 'endDate' ? canonicalEndDate(value) : value };
    }
    case 'year': {
      if (!/^\d{4}$/.test(value)) fail(position, `schoolYear values are years written YYYY; '${value}' is not one.`);
      return { field: f, op, value: Number(value) };
    }
    case 'dateTime':
      return dateTimeCondition(f, op, value, position);
  }
}

/** dateLastModified is shown to the millisecond; compare as if the stored time were truncated to it. */
function dateTimeCondition(field: SessionField, op: OrderedOp, value: string, position: number): Condition {
  const ms = DATE_TIME.test(value) ? Date.parse(value.replace(' ', 'T')) : Number.NaN;
  if (Number.isNaN(ms))
    fail(position, `dateLastModified values are ISO 8601 date-times in UTC such as '2026-01-31T12:00:00.000Z'; '${value}' is not one.`);
  const at = new Date(ms).toISOString();
  const next = new Date(ms + 1).toISOString();
  switch (op) {
    case 'gt':
      return { field, op: 'gte', value: next };
    case 'gte':
      return { field, op: 'gte', value: at };
    case 'lt':
      return { field, op: 'lt', value: at };
    case 'lte':
      return { field, op: 'lt', value: next };
    case 'eq':
      return { op: 'and', args: [{ field, op: 'gte', value: at }, { field, op: 'lt', value: next }] };
    default:
      return { op: 'or', args: [{ field, op: 'lt', value: at }, { field, op: 'gte', value: next }] };
  }
}

const WIRE_OP: Partial<Record<Comparison['op'], FilterOperator>> = { eq: '=', ne: '!=', gt: '>', gte: '>=', lt: '<', lte: '<=', contains: '~' };

/** A canonical comparison as `field op 'value'`, or null when OneRoster cannot say it. */
export function printPredicate(c: Comparison): string | null {
  const field = Object.entries(FILTER_FIELDS).find(([, s]) => s.canonical === c.field);
  const op = WIRE_OP[c.op];
  if (!field || !op || !('value' in c)) return null;
  const [name, spec] = field;
  const raw = c.value;
  if (raw === null) return null;
  let value: string;
  switch (spec.kind) {
    case 'status':
      value = unmappedWire(String(raw)) ?? wireStatus(raw as 'active' | 'deleted');
      break;
    case 'type':
      value = unmappedWire(String(raw)) ?? wireType(raw as never);
      break;
    case 'endDate':
      value = wireEndDate(String(raw));
      break;
    default:
      value = String(raw);
  }
  return `${name}${op}${quote(value)}`;
}

export function quote(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}
