// limit / offset / sort / orderBy / fields / filter of a OneRoster request, checked and turned
// into the shared Query AST's sort keys and paging. Repeated parameters arrive as arrays.
import type { Condition, SessionField, SortKey } from '../../query/ast.ts';
import { FILTER_FIELDS, SOURCED_ID_FIELD } from './filter-fields.ts';
import { parseOneRosterFilter } from './filter-parser.ts';
import { OneRosterQueryError } from './query-error.ts';

export const DEFAULT_LIMIT = 100;
/** Larger `limit`s are served as this many records (the binding lets a server return fewer). */
export const MAX_LIMIT = 1000;
const INT32_MAX = 2_147_483_647;

export const SELECTABLE_FIELDS = [
  'sourcedId',
  'status',
  'dateLastModified',
  'metadata',
  'title',
  'startDate',
  'endDate',
  'type',
  'parent',
  'children',
  'schoolYear',
  'org',
] as const;
export type SelectableField = (typeof SELECTABLE_FIELDS)[number];

const SORTABLE = ['sourcedId', 'status', 'dateLastModified', 'title', 'type', 'startDate', 'endDate', 'schoolYear'];

export interface CollectionParams {
  limit: number;
  offset: number;
  sort: SortKey[];
  where: Condition | undefined;
  fields: SelectableField[] | null;
}

export type QueryValue = string | string[] | undefined;

function single(query: Record<string, QueryValue>, name: string): string | undefined {
  const v = query[name];
  if (Array.isArray(v)) {
    if (v.length > 1) throw new OneRosterQueryError('invaliddata', `${name} was given ${v.length} times; give it once.`);
    return v[0];
  }
  return v;
}

function wholeNumber(name: string, raw: string | undefined, min: number, fallback: number): number {
  if (raw === undefined) return fallback;
  if (!/^\d{1,10}$/.test(raw) || Number(raw) < min || Number(raw) > INT32_MAX)
    throw new OneRosterQueryError('invaliddata', `${name} must be a whole number from ${min} to ${INT32_MAX}; '${raw}' is not.`);
  return Number(raw);
}

/** What a collection's messages call its records: `an academicSession` / `academicSessions`. */
export interface RecordNames {
  one: string;
  many: string;
}
const SESSION_NAMES: RecordNames = { one: 'an academicSession', many: 'academicSessions' };

/** `fields`, repeated or comma separated, as names the resource has (null: every field). */
export function parseFieldNames<F extends string>(query: Record<string, QueryValue>, selectable: readonly F[], names: RecordNames): F[] | null {
  const raw = query.fields;
  if (raw === undefined) return null;
  const list = (Array.isArray(raw) ? raw : [raw]).flatMap((v) => v.split(','));
  const out: F[] = [];
  for (const item of list.map((s) => s.trim())) {
    if (item === '') throw new OneRosterQueryError('invalid_selection_field', `fields contains a blank field name; list field names separated by commas.`);
    if (!(selectable as readonly string[]).includes(item))
      throw new OneRosterQueryError('invalid_selection_field', `fields: '${item}' is not a field of ${names.one}; choose from ${selectable.join(', ')}.`);
    if (!out.includes(item as F)) out.push(item as F);
  }
  return out;
}

export function parseFields(query: Record<string, QueryValue>): SelectableField[] | null {
  return parseFieldNames(query, SELECTABLE_FIELDS, SESSION_NAMES);
}

/** limit (1…, larger than MAX_LIMIT served as MAX_LIMIT) and offset (0…). */
export function parsePaging(query: Record<string, QueryValue>): { limit: number; offset: number } {
  const requestedLimit = wholeNumber('limit', single(query, 'limit'), 1, DEFAULT_LIMIT);
  const offset = wholeNumber('offset', single(query, 'offset'), 0, 0);
  return { limit: Math.min(requestedLimit, MAX_LIMIT), offset };
}

/** `sort` (names the resource can be sorted on, comma separated) and `orderBy`. */
export function parseSort(query: Record<string, QueryValue>, sortable: readonly string[], names: RecordNames): { names: string[]; direction: 'asc' | 'desc' } {
  const orderBy = single(query, 'orderBy');
  if (orderBy !== undefined && orderBy !== 'asc' && orderBy !== 'desc')
    throw new OneRosterQueryError('invaliddata', `orderBy must be asc or desc; '${orderBy}' is neither.`);
  const sortText = single(query, 'sort');
  const out: string[] = [];
  if (sortText !== undefined)
    for (const name of sortText.split(',').map((s) => s.trim())) {
      if (!sortable.includes(name))
        throw new OneRosterQueryError('invalid_selection_field', `sort: '${name}' is not a field ${names.many} can be sorted on; use one of ${sortable.join(', ')}.`);
      out.push(name);
    }
  return { names: out, direction: orderBy ?? 'asc' };
}

/** The `filter` text, or undefined when absent or blank. */
export function filterText(query: Record<string, QueryValue>): string | undefined {
  const text = single(query, 'filter');
  return text === undefined || text.trim() === '' ? undefined : text;
}

export function parseCollectionParams(query: Record<string, QueryValue>): CollectionParams {
  const { limit, offset } = parsePaging(query);
  const order = parseSort(query, SORTABLE, SESSION_NAMES);
  const sort: SortKey[] = order.names.map((name) => ({ field: FILTER_FIELDS[name]!.canonical, direction: order.direction }));
  // sourcedId last, so equal keys keep one order across pages.
  if (!sort.some((k) => k.field === SOURCED_ID_FIELD)) sort.push({ field: SOURCED_ID_FIELD as SessionField, direction: 'asc' });
  const text = filterText(query);
  const where = text === undefined ? undefined : parseOneRosterFilter(text);
  return { limit, offset, sort, where, fields: parseFields(query) };
}
