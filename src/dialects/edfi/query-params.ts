// Ed-Fi GET-many query strings → typed paging, change-version window and property filters.
// Pure: the routes turn the result into the Query AST; every rule and message is ODS 7.3's
// (QueryParametersValidator, PagingHelpers). Names match case-insensitively, as ASP.NET's model
// binding matches them (`?schoolid=` filters, `?Offset=` pages); a name that is no parameter of
// the route is ignored, as ODS ignores it (it binds only the names it knows).
import { isIsoDate } from '../../domain/calendar-date.ts';
import { decodePageToken, type RowRange } from './page-token.ts';
import { fromEdfiId } from './resource-id.ts';

export const DEFAULT_PAGE_SIZE = 25; // the seed's documented default (ODS itself uses 500)
export const MAX_PAGE_SIZE = 500;

export type FilterKind = 'string' | 'int' | 'date' | 'id' | 'bool';
/** Wire property name → how its value parses. */
export type FilterSpec = Record<string, FilterKind>;
export type FilterValue = string | number | boolean;
export type RawQuery = Record<string, unknown>;

export type Paging = { kind: 'offset'; offset: number; limit: number } | { kind: 'cursor'; range: RowRange; pageSize: number };

export interface ChangeWindow {
  minChangeVersion?: number | undefined;
  maxChangeVersion?: number | undefined;
}

export interface CollectionQuery extends ChangeWindow {
  paging: Paging;
  totalCount: boolean;
  /** Wire name → value; `id` values are uuids ('' when the id cannot name anything). */
  filters: Record<string, FilterValue>;
}

/** A failure names its first problem; `errors` lists every one found (ODS lists them all where it checks them together). */
export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string; errors: string[] };

const fail = <T>(message: string, ...more: string[]): Parsed<T> => ({ ok: false, message, errors: [message, ...more] });

const PAGING = ['offset', 'limit', 'pageToken', 'pageSize', 'totalCount', 'minChangeVersion', 'maxChangeVersion'];

/**
 * The query with every name this route knows spelled as the route spells it, whatever case the
 * client used; values given under several spellings are kept in the order they came, like
 * ASP.NET's case-insensitive query collection. Other names stay as they are.
 */
export function canonicalQuery(raw: RawQuery, names: readonly string[]): RawQuery {
  const byLower = new Map(names.map((n) => [n.toLowerCase(), n]));
  // No prototype: a query name like `valueOf` or `__proto__` is only a name.
  const out: RawQuery = Object.create(null) as RawQuery;
  for (const [key, value] of Object.entries(raw)) {
    const name = byLower.get(key.toLowerCase()) ?? key;
    const values = Array.isArray(value) ? value : [value];
    const before = Object.hasOwn(out, name) ? out[name] : undefined;
    out[name] = before === undefined ? value : [...(Array.isArray(before) ? before : [before]), ...values];
  }
  return out;
}

function single(raw: RawQuery, name: string): string | undefined {
  const v = raw[name];
  if (v === undefined) return undefined;
  if (Array.isArray(v)) return v.length === 0 ? undefined : String(v[0]);
  return String(v);
}

function integer(raw: RawQuery, name: string): number | undefined | 'invalid' {
  const v = single(raw, name);
  if (v === undefined) return undefined;
  const t = v.trim();
  if (!/^-?\d{1,15}$/.test(t)) return 'invalid';
  return Number(t);
}

function invalidValue(name: string, raw: RawQuery): string {
  return `The value '${single(raw, name) ?? ''}' is not valid for ${name}.`;
}

function bool(raw: RawQuery, name: string): boolean | undefined | 'invalid' {
  const v = single(raw, name);
  if (v === undefined) return undefined;
  const t = v.trim().toLowerCase();
  if (t === 'true') return true;
  if (t === 'false') return false;
  return 'invalid';
}

export function parseChangeWindow(raw: RawQuery): Parsed<ChangeWindow> {
  const out: ChangeWindow = {};
  for (const name of ['minChangeVersion', 'maxChangeVersion'] as const) {
    const v = integer(raw, name);
    if (v === 'invalid' || (typeof v === 'number' && v < 0)) return fail(invalidValue(name, raw));
    out[name] = v;
  }
  return { ok: true, value: out };
}

export function parseFilters(raw: RawQuery, spec: FilterSpec): Parsed<Record<string, FilterValue>> {
  const filters: Record<string, FilterValue> = {};
  for (const [name, kind] of Object.entries(spec)) {
    const v = single(raw, name);
    if (v === undefined) continue;
    switch (kind) {
      case 'string':
        filters[name] = v;
        break;
      case 'int': {
        const n = integer(raw, name);
        if (n === 'invalid' || n === undefined) return fail(invalidValue(name, raw));
        filters[name] = n;
        break;
      }
      case 'date':
        if (!isIsoDate(v.trim())) return fail(`The value '${v}' is not valid for ${name}; dates are written YYYY-MM-DD.`);
        filters[name] = v.trim();
        break;
      case 'bool': {
        const b = bool(raw, name);
        if (b === 'invalid' || b === undefined) return fail(invalidValue(name, raw));
        filters[name] = b;
        break;
      }
      case 'id':
        filters[name] = fromEdfiId(v.trim()) ?? '';
        break;
    }
  }
  return { ok: true, value: filters };
}

/** GET-many: offset/limit or pageToken/pageSize, totalCount, change window, filters. */
export function parseCollectionQuery(given: RawQuery, spec: FilterSpec): Parsed<CollectionQuery> {
  const raw = canonicalQuery(given, [...PAGING, ...Object.keys(spec)]);
  const offset = integer(raw, 'offset');
  const limit = integer(raw, 'limit');
  const pageSize = integer(raw, 'pageSize');
  const pageToken = single(raw, 'pageToken');
  const totalCount = bool(raw, 'totalCount');
  if (offset === 'invalid') return fail(invalidValue('offset', raw));
  if (limit === 'invalid') return fail(invalidValue('limit', raw));
  if (pageSize === 'invalid') return fail(invalidValue('pageSize', raw));
  if (totalCount === 'invalid') return fail(invalidValue('totalCount', raw));
  if (offset !== undefined && offset < 0) return fail('Offset cannot be a negative value.');
  if (limit !== undefined && (limit < 0 || limit > MAX_PAGE_SIZE)) return fail(`Limit must be a value between 0 and ${MAX_PAGE_SIZE}.`);

  let paging: Paging;
  if (pageToken === undefined) {
    if (pageSize !== undefined && offset !== undefined && limit === undefined) return fail('Use limit instead of pageSize when using limit/offset paging.');
    if (pageSize !== undefined) return fail('PageToken is required when pageSize is specified.');
    paging = { kind: 'offset', offset: offset ?? 0, limit: limit ?? DEFAULT_PAGE_SIZE };
  } else {
    if (offset !== undefined)
      return fail('Both offset and pageToken parameters were provided, but they support alternative paging approaches and cannot be used together.');
    if (limit !== undefined && pageSize === undefined) return fail('Use pageSize instead of limit when using cursor paging with pageToken.');
    if (pageSize !== undefined && (pageSize < 0 || pageSize > MAX_PAGE_SIZE)) return fail(`PageSize must be a value between 0 and ${MAX_PAGE_SIZE}.`);
    if (totalCount === true) return fail('Total count cannot be determined while using cursor paging (when pageToken is specified).');
    const range = decodePageToken(pageToken);
    if (!range) return fail('The page token provided was invalid.');
    paging = { kind: 'cursor', range, pageSize: pageSize ?? DEFAULT_PAGE_SIZE };
  }

  const window = parseChangeWindow(raw);
  if (!window.ok) return window;
  const filters = parseFilters(raw, spec);
  if (!filters.ok) return filters;
  return { ok: true, value: { paging, totalCount: totalCount === true, filters: filters.value, ...window.value } };
}

export interface TrackedChangesQuery extends ChangeWindow {
  offset: number;
  limit: number;
  totalCount: boolean;
}

/** `/deletes` and `/keyChanges`: offset/limit only (ODS's DeletesController wording). */
export function parseTrackedChangesQuery(given: RawQuery): Parsed<TrackedChangesQuery> {
  const raw = canonicalQuery(given, PAGING);
  const offset = integer(raw, 'offset');
  const limit = integer(raw, 'limit');
  const totalCount = bool(raw, 'totalCount');
  // ODS's DeletesController validates the paging parameters together and reports every problem.
  const problems: string[] = [];
  if (offset === 'invalid' || (offset !== undefined && offset < 0)) problems.push('Offset must be greater than or equal to 0.');
  if (limit === 'invalid' || (limit !== undefined && (limit < 1 || limit > MAX_PAGE_SIZE))) problems.push(`Limit must be omitted or set to a value between 1 and ${MAX_PAGE_SIZE}.`);
  if (totalCount === 'invalid') problems.push(invalidValue('totalCount', raw));
  if (problems.length > 0) return fail(problems[0]!, ...problems.slice(1));
  const window = parseChangeWindow(raw);
  if (!window.ok) return window;
  return { ok: true, value: { offset: typeof offset === 'number' ? offset : 0, limit: typeof limit === 'number' ? limit : DEFAULT_PAGE_SIZE, totalCount: totalCount === true, ...window.value } };
}

export const DEFAULT_PARTITIONS = 10;

export interface PartitionsQuery extends ChangeWindow {
  number: number;
  allowSmallPartitions: boolean;
  filters: Record<string, FilterValue>;
}

export function parsePartitionsQuery(given: RawQuery, spec: FilterSpec): Parsed<PartitionsQuery> {
  const raw = canonicalQuery(given, ['number', 'allowSmallPartitions', 'minChangeVersion', 'maxChangeVersion', ...Object.keys(spec)]);
  const number = integer(raw, 'number');
  if (number === 'invalid' || (number !== undefined && (number < 1 || number > 200))) return fail('Number of partitions must be between 1 and 200.');
  const small = bool(raw, 'allowSmallPartitions');
  if (small === 'invalid') return fail(invalidValue('allowSmallPartitions', raw));
  const window = parseChangeWindow(raw);
  if (!window.ok) return window;
  const filters = parseFilters(raw, spec);
  if (!filters.ok) return filters;
  return { ok: true, value: { number: number ?? DEFAULT_PARTITIONS, allowSmallPartitions: small === true, filters: filters.value, ...window.value } };
}
