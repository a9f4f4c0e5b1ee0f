// filter / sort / fields / limit / offset on orgs, with the same grammar, rules and messages as on
// academicSessions. A tenant has one district and its schools (tens, at most a few thousand), all
// loaded by OrgDirectory for every OneRoster read already, so the filter is evaluated over the
// wire objects in memory rather than turned into SQL.
import { compareText, ORG_FIELDS, type OneRosterOrg, type OrgField } from './org-wire.ts';
import { filterText, parseFieldNames, parsePaging, parseSort, type QueryValue, type RecordNames } from './collection-params.ts';
import { FILTER_OPERATORS, type FilterOperator } from './filter-fields.ts';
import { parseFilter, type FilterTree } from './filter-parser.ts';
import { OneRosterQueryError } from './query-error.ts';

/** One predicate, ready to test an org. */
interface OrgTest {
  op: 'test';
  test: (org: OneRosterOrg) => boolean;
}

export interface OrgQuery {
  limit: number;
  offset: number;
  where: FilterTree<OrgTest> | undefined;
  compare: (a: OneRosterOrg, b: OneRosterOrg) => number;
  fields: OrgField[] | null;
}

const NAMES: RecordNames = { one: 'an org', many: 'orgs' };

type Kind = 'text' | 'status' | 'type' | 'dateTime' | 'ref';
const ALL = FILTER_OPERATORS;
const ORDERED: FilterOperator[] = ['=', '!=', '>', '>=', '<', '<='];
const EQUALITY: FilterOperator[] = ['=', '!='];

const FIELDS: Record<string, { kind: Kind; operators: FilterOperator[]; value: (o: OneRosterOrg) => string | undefined }> = {
  sourcedId: { kind: 'text', operators: ALL, value: (o) => o.sourcedId },
  status: { kind: 'status', operators: EQUALITY, value: (o) => o.status },
  dateLastModified: { kind: 'dateTime', operators: ORDERED, value: (o) => o.dateLastModified },
  name: { kind: 'text', operators: ALL, value: (o) => o.name },
  type: { kind: 'type', operators: EQUALITY, value: (o) => o.type },
  identifier: { kind: 'text', operators: ALL, value: (o) => o.identifier },
  'parent.sourcedId': { kind: 'ref', operators: EQUALITY, value: (o) => o.parent?.sourcedId },
};

const SORTABLE = ['sourcedId', 'status', 'dateLastModified', 'name', 'type', 'identifier'];

const DATE_TIME = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2}))?$/;

function fail(position: number, message: string): never {
  throw new OneRosterQueryError('invalid_filter_field', `filter: at position ${position}, ${message}`);
}

function holds(operator: FilterOperator, order: number): boolean {
  switch (operator) {
    case '=':
      return order === 0;
    case '!=':
      return order !== 0;
    case '>':
      return order > 0;
    case '>=':
      return order >= 0;
    case '<':
      return order < 0;
    default:
      return order <= 0;
  }
}

function predicate(field: string, operator: FilterOperator, value: string, position: number): OrgTest {
  const spec = Object.hasOwn(FIELDS, field) ? FIELDS[field] : undefined;
  if (!spec) fail(position, `'${field}' is not a field an org can be filtered on; use one of: ${Object.keys(FIELDS).join(', ')}.`);
  if (!spec.operators.includes(operator)) fail(position, `the operator ${operator} cannot be used on ${field}; use one of: ${spec.operators.join(' ')}.`);
  if (operator === '~') {
    const needle = value.toLowerCase();
    return { op: 'test', test: (o) => (spec.value(o) ?? '').toLowerCase().includes(needle) };
  }
  if (spec.kind === 'dateTime') {
    // Shown to the millisecond, compared at the millisecond: `>` the newest value seen is "changed since".
    const at = DATE_TIME.test(value) ? Date.parse(value.replace(' ', 'T')) : Number.NaN;
    if (Number.isNaN(at)) fail(position, `dateLastModified values are ISO 8601 date-times in UTC such as '2026-01-31T12:00:00.000Z'; '${value}' is not one.`);
    return { op: 'test', test: (o) => holds(operator, Math.sign(Date.parse(spec.value(o)!) - at)) };
  }
  return {
    op: 'test',
    test: (o) => {
      const v = spec.value(o);
      // An org without a parent (the district) is "not a child of" anything: != matches it.
      return v === undefined ? operator === '!=' : holds(operator, compareText(v, value));
    },
  };
}

export function parseOrgQuery(query: Record<string, QueryValue>): OrgQuery {
  const { limit, offset } = parsePaging(query);
  const order = parseSort(query, SORTABLE, NAMES);
  const text = filterText(query);
  const where = text === undefined ? undefined : parseFilter<OrgTest>(text, predicate);
  const sign = order.direction === 'asc' ? 1 : -1;
  const keys = order.names.map((name) => ({ name, sign }));
  // sourcedId last (ascending) unless sorted on, so equal keys keep one order across pages.
  if (!order.names.includes('sourcedId')) keys.push({ name: 'sourcedId', sign: 1 });
  const compare = (a: OneRosterOrg, b: OneRosterOrg) => {
    for (const k of keys) {
      const c = compareText(FIELDS[k.name]!.value(a) ?? '', FIELDS[k.name]!.value(b) ?? '');
      if (c !== 0) return k.sign * c;
    }
    return 0;
  };
  return { limit, offset, where, compare, fields: parseFieldNames(query, ORG_FIELDS, NAMES) };
}

export function matches(tree: FilterTree<OrgTest> | undefined, org: OneRosterOrg): boolean {
  if (tree === undefined) return true;
  if (tree.op === 'test') return (tree as OrgTest).test(org);
  const { op, args } = tree as { op: 'and' | 'or'; args: FilterTree<OrgTest>[] };
  return op === 'and' ? args.every((a) => matches(a, org)) : args.some((a) => matches(a, org));
}

/** The page and the total, as academicSessions' collections answer them. */
export function pageOf(orgs: OneRosterOrg[], q: OrgQuery): { records: OneRosterOrg[]; total: number } {
  const matching = orgs.filter((o) => matches(q.where, o)).sort(q.compare);
  return { records: matching.slice(q.offset, q.offset + q.limit), total: matching.length };
}

/** `fields` of a single org. */
export function parseOrgFields(query: Record<string, QueryValue>): OrgField[] | null {
  return parseFieldNames(query, ORG_FIELDS, NAMES);
}
