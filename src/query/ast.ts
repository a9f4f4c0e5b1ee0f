// The one query shape every dialect parses into and the store turns into SQL.
// Field names are canonical (see SessionField); values are already canonical (inclusive end
// dates, uuids with hyphens, ...): each dialect converts its wire values before building this.

import type { ContentField } from '../domain/session-contract.ts';

export type SessionField =
  /** The session contract's content fields (src/domain/session-contract.ts), all but the free-form properties. */
  | Exclude<ContentField, 'properties'>
  | 'id'
  | 'schoolId'
  /** The owning org: the school, else the tenant's district. */
  | 'orgId'
  | 'changeVersion'
  | 'createdAt'
  | 'updatedAt'
  | 'canvasId'
  | 'rowSeq'
  /** Canvas's "Default Term": every tenant has one; only Canvas lists it. */
  | 'isDefaultTerm'
  /** `identifier:<system>`: the value of the session's identifier in that system. */
  | `identifier:${string}`
  /** `identifierOrId:<system>`: that identifier when the session has one, else its uuid as text (OneRoster's sourcedId). */
  | `identifierOrId:${string}`;

export type Scalar = string | number | boolean | null;

export type Comparison =
  | { field: SessionField; op: 'eq' | 'ne' | 'gt' | 'gte' | 'lt' | 'lte'; value: Scalar; caseInsensitive?: boolean }
  | { field: SessionField; op: 'contains' | 'startsWith'; value: string; caseInsensitive?: boolean }
  | { field: SessionField; op: 'in' | 'notIn'; values: Scalar[] }
  | { field: SessionField; op: 'isNull' | 'isNotNull' };

export type Condition =
  | Comparison
  | { op: 'and'; args: Condition[] }
  | { op: 'or'; args: Condition[] }
  | { op: 'not'; arg: Condition };

export interface SortKey {
  field: SessionField;
  direction: 'asc' | 'desc';
  /** Where NULLs go; PostgreSQL's default (last for asc, first for desc) when absent. */
  nulls?: 'first' | 'last';
}

export type Page =
  | { kind: 'offset'; offset: number; limit: number }
  /** Keyset on rowSeq (Ed-Fi cursor paging): rows with from ≤ rowSeq ≤ to. */
  | { kind: 'rowRange'; from: number; to: number; limit: number }
  | { kind: 'all' };

export interface Query {
  where?: Condition | undefined;
  sort: SortKey[];
  page: Page;
  /** Also count every matching row, ignoring paging. */
  withTotal?: boolean;
}

export const and = (...args: (Condition | undefined)[]): Condition | undefined => {
  const present = args.filter((a): a is Condition => a !== undefined);
  if (present.length === 0) return undefined;
  if (present.length === 1) return present[0];
  return { op: 'and', args: present };
};

export const eq = (field: SessionField, value: Scalar): Comparison => ({ field, op: 'eq', value });
