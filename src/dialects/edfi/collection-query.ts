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
 * Total-Count when asked; Next-Page-Token on every page that has rows (ODS sends it on offset
 * pages too), even the last of a partition (then naming the empty range past its end). An empty
 * page ends cursor paging: no token.
 */
export function pagingHeaders(q: CollectionQuery, rows: { rowSeq: number }[], total: number | undefined): Record<string, string> {
  const headers: Record<string, string> = {};
  if (q.totalCount && total !== undefined) headers['total-count'] = String(total);
  const last = rows[rows.length - 1];
  if (last) {
    const to = q.paging.kind === 'cursor' ? q.paging.range.to : LAST_ROW;
    headers['next-page-token'] = encodePageToken({ from: last.rowSeq + 1, to });
  }
  return headers;
}

/** ODS's minimum partition size: 5 × its default page size limit. */
export const MIN_PARTITION_SIZE = 2500;

/**
 * Rows per partition, as ODS sizes them: MAX(CEILING(count / number), 2500), or with
 * `allowSmallPartitions=true` MAX(1, CEILING(count / number)). A small collection is one partition.
 */
export function partitionSize(count: number, q: { number: number; allowSmallPartitions: boolean }): number {
  const perPartition = Math.ceil(count / q.number);
  return q.allowSmallPartitions ? Math.max(1, perPartition) : Math.max(perPartition, MIN_PARTITION_SIZE);
}

/** One token per partition: each from its first row to the row before the next partition's first. */
export function partitionTokens(starts: number[]): string[] {
  return starts.map((from, i) => encodePageToken({ from, to: i + 1 < starts.length ? starts[i + 1]! - 1 : LAST_ROW }));
}
