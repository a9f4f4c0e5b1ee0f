// GET many over reference data (schools, school years, descriptors): a district has tens of
// these, not thousands, so they are filtered, paged and partitioned in memory with the same rules
// and headers as sessions (insertion order, change window, offset or cursor paging, ODS's
// partition sizing). Filters compare against the item as Ed-Fi shows it.
import { partitionSize, partitionTokens } from './collection-query.ts';
import type { ChangeWindow, CollectionQuery, FilterValue, PartitionsQuery } from './query-params.ts';
import { toEdfiId } from './resource-id.ts';

export interface Tracked {
  rowSeq: number;
  changeVersion: number;
}

/** A stored item and its Ed-Fi wire form, which filters read. */
export interface ListedItem extends Tracked {
  wire: Record<string, unknown>;
}

/** Filter name → the value it compares on the wire form (default: the property of that name). */
export type FilterGetters = Record<string, (wire: Record<string, unknown>) => unknown>;

function inWindow<T extends Tracked>(items: T[], w: ChangeWindow): T[] {
  return items
    .filter((i) => (w.minChangeVersion === undefined || i.changeVersion >= w.minChangeVersion) && (w.maxChangeVersion === undefined || i.changeVersion <= w.maxChangeVersion))
    .sort((a, b) => a.rowSeq - b.rowSeq);
}

function matches(wire: Record<string, unknown>, name: string, value: FilterValue, getters: FilterGetters): boolean {
  const actual = getters[name] ? getters[name](wire) : wire[name];
  // `id` filters arrive as uuids ('' when the id names nothing); the wire writes 32 hex digits.
  if (name === 'id') return value !== '' && actual === toEdfiId(String(value));
  // Descriptor URIs compare as Ed-Fi compares descriptors: ignoring case.
  if (name.endsWith('Descriptor') && typeof actual === 'string' && typeof value === 'string') return actual.toLowerCase() === value.toLowerCase();
  return actual === value;
}

/** The items whose wire form has every filter's value. */
export function filterInMemory<T extends ListedItem>(items: T[], filters: Record<string, FilterValue>, getters: FilterGetters = {}): T[] {
  const given = Object.entries(filters);
  return items.filter((i) => given.every(([name, value]) => matches(i.wire, name, value, getters)));
}

export function pageInMemory<T extends Tracked>(items: T[], q: CollectionQuery): { rows: T[]; total: number } {
  const all = inWindow(items, q);
  const p = q.paging;
  const rows = p.kind === 'offset' ? all.slice(p.offset, p.offset + p.limit) : all.filter((i) => i.rowSeq >= p.range.from && i.rowSeq <= p.range.to).slice(0, p.pageSize);
  return { rows, total: all.length };
}

/** `/partitions` over the (already filtered) items: one token per partition of ODS's size. */
export function partitionsInMemory(items: Tracked[], q: PartitionsQuery): string[] {
  const all = inWindow(items, q);
  if (all.length === 0) return [];
  const size = partitionSize(all.length, q);
  const starts: number[] = [];
  for (let i = 0; i < all.length; i += size) starts.push(all[i]!.rowSeq);
  return partitionTokens(starts);
}
