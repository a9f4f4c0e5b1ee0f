// GET many over reference data (schools, school years, descriptors): a district has tens of
// these, not thousands, so they are filtered and paged in memory with the same rules and
// headers as sessions (insertion order, change window, offset or cursor paging).
import type { CollectionQuery } from './query-params.ts';

export interface Tracked {
  rowSeq: number;
  changeVersion: number;
}

export function pageInMemory<T extends Tracked>(items: T[], q: CollectionQuery): { rows: T[]; total: number } {
  const inWindow = items
    .filter((i) => (q.minChangeVersion === undefined || i.changeVersion >= q.minChangeVersion) && (q.maxChangeVersion === undefined || i.changeVersion <= q.maxChangeVersion))
    .sort((a, b) => a.rowSeq - b.rowSeq);
  const p = q.paging;
  const rows =
    p.kind === 'offset'
      ? inWindow.slice(p.offset, p.offset + p.limit)
      : inWindow.filter((i) => i.rowSeq >= p.range.from && i.rowSeq <= p.range.to).slice(0, p.pageSize);
  return { rows, total: inWindow.length };
}
