// A parsed Ed-Fi GET many → the store's Query, and the paging headers of its answer.
import { and, type Condition, type Query } from '../../query/ast.ts';
import { encodePageToken, LAST_ROW } from './page-token.ts';
import type { ChangeWindow, CollectionQuery } from './query-params.ts';

export function changeWindowConditions(w: ChangeWindow): Condition[] {
  const out: Condition[] = [];
  if (w.minChangeVersion !== undefined) out.push({ field: 'changeVersion', op: 'gte', value: w.minChangeVersion });
  if (w.maxChangeVersion !== undefined) out.push({ field: 'changeVersion', op: 'lte', value: w.maxChangeVersion });
  return out;
}

export function toStoreQuery(q: CollectionQuery, view: Condition, filters: Condition[]): Query {
  const where = and(view, ...filters, ...changeWindowConditions(q));
  const page: Query['page'] =
    q.paging.kind === 'offset'
      ? { kind: 'offset', offset: q.paging.offset, limit: q.paging.limit }
      : { kind: 'rowRange', from: q.paging.range.from, to: q.paging.range.to, limit: q.paging.pageSize };
  // Insertion order: stable across pages and the space cursor tokens range over.
  return { where, sort: [{ field: 'rowSeq', direction: 'asc' }], page, withTotal: q.totalCount };
}

/**
 * Total-Count when asked; Next-Page-Token whenever the page has rows (ODS sends it on offset
 * pages too). An empty page ends cursor paging: no token.
 */
export function pagingHeaders(q: CollectionQuery, rows: { rowSeq: number }[], total: number | undefined): Record<string, string> {
  const headers: Record<string, string> = {};
  if (q.totalCount && total !== undefined) headers['total-count'] = String(total);
  const last = rows[rows.length - 1];
  if (last) {
    const to = q.paging.kind === 'cursor' ? q.paging.range.to : LAST_ROW;
    if (last.rowSeq < to) headers['next-page-token'] = encodePageToken({ from: last.rowSeq + 1, to });
  }
  return headers;
}
