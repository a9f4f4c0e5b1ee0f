// GET …/terms parameters, read as Canvas reads them: nothing here is ever an error except a
// page number that is not a positive integer (Folio's InvalidPage, a 404 in Canvas).
import { and, type Condition, type Query } from '../../query/ast.ts';

export const DEFAULT_PER_PAGE = 10;
export const MAX_PER_PAGE = 100;

export type WorkflowState = 'active' | 'deleted';
export type TermInclude = 'overrides' | 'course_count';

export interface TermListParams {
  /** null: every state (`all`). */
  states: WorkflowState[] | null;
  includes: Set<TermInclude>;
  termName: string | null;
  perPage: number;
  page: number;
  /** subaccount_id as sent (resolved against the account's schools by the route). */
  subaccountId: string | null;
}

/** Ruby's String#to_i: the leading integer, else 0. */
export function rubyToI(value: unknown): number {
  if (typeof value === 'number') return Math.trunc(value);
  if (typeof value !== 'string') return 0;
  const m = /^\s*([+-]?\d+)/.exec(value);
  return m ? Number(m[1]) : 0;
}

/** Ruby's Array(x) over a query parameter that may be a scalar or a list. */
function asArray(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

function last(value: unknown): unknown {
  return Array.isArray(value) ? value[value.length - 1] : value;
}

export function parseTermListParams(query: Record<string, unknown>): TermListParams | 'invalidPage' {
  const wanted = asArray(query.workflow_state).filter((s): s is string => typeof s === 'string');
  const known = wanted.filter((s) => s === 'all' || s === 'active' || s === 'deleted');
  const states: WorkflowState[] | null = known.includes('all')
    ? null
    : known.length === 0
      ? ['active']
      : [...new Set(known as WorkflowState[])];
  const includes = new Set<TermInclude>();
  for (const i of asArray(query.include)) if (i === 'overrides' || i === 'course_count') includes.add(i);
  const name = last(query.term_name);
  const termName = typeof name === 'string' && name.trim() !== '' ? name : null;
  const perPageRaw = last(query.per_page);
  const perPage = perPageRaw === undefined || perPageRaw === '' ? DEFAULT_PER_PAGE : Math.min(MAX_PER_PAGE, Math.max(1, rubyToI(perPageRaw)));
  const pageRaw = last(query.page);
  let page = 1;
  if (pageRaw !== undefined && pageRaw !== '') {
    page = rubyToI(pageRaw);
    if (page < 1) return 'invalidPage';
  }
  const sub = last(query.subaccount_id);
  const subaccountId = typeof sub === 'string' && sub.trim() !== '' ? sub.trim() : null;
  return { states, includes, termName, perPage, page, subaccountId };
}

/**
 * The store query: every session that is a Canvas term (anything but a grading period —
 * those are Canvas grading periods, not terms), in Canvas's order: start_at desc, end_at
 * desc (NULLs first, as PostgreSQL sorts them for Canvas), then id.
 */
export function termListQuery(params: TermListParams): Query {
  const conditions: (Condition | undefined)[] = [{ field: 'type', op: 'ne', value: 'gradingPeriod' }];
  if (params.states) conditions.push({ field: 'status', op: 'in', values: params.states });
  if (params.termName !== null) conditions.push({ field: 'name', op: 'contains', value: params.termName, caseInsensitive: true });
  return {
    where: and(...conditions),
    sort: [
      { field: 'beginDate', direction: 'desc', nulls: 'first' },
      { field: 'endDate', direction: 'desc', nulls: 'first' },
      { field: 'canvasId', direction: 'asc' },
    ],
    page: { kind: 'offset', offset: (params.page - 1) * params.perPage, limit: params.perPage },
    withTotal: true,
  };
}
