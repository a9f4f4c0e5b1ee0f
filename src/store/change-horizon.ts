// The change horizon (migration 010): per tenant, the newest change version and the time below
// which no transaction is still in flight. A read that follows changes — it compares change
// versions or modification times — answers only up to it, so a follower that moves its position
// to what it was given never steps over a write that commits later.
//
// The horizon must be taken before the snapshot of the read it bounds: in READ COMMITTED (every
// reader here) each statement takes a new snapshot, so taking it in its own statement first is
// enough. Inside a REPEATABLE READ transaction it would come too late.
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Condition, SessionField } from '../query/ast.ts';
import { and } from '../query/ast.ts';
import type { Tables } from './schema.ts';

type Executor = Kysely<Tables> | Transaction<Tables>;

export interface ChangeHorizon {
  /** Every change version ≤ this is committed or rolled back. */
  version: number;
  /** Every modification time before this instant (exclusive; ISO 8601, whole milliseconds) is settled. */
  before: string;
}

export async function changeHorizon(db: Executor, tenantId: string): Promise<ChangeHorizon> {
  const r = await sql<{ version: string | null; before: Date }>`SELECT h.settled_version::text AS version, h.settled_before AS before
    FROM change_horizon(${tenantId}) h`.execute(db);
  const row = r.rows[0]!;
  return { version: Number(row.version ?? 0), before: row.before.toISOString() };
}

/** Which change-tracking fields a condition compares: what makes a read a change-following one. */
export function trackedFields(c: Condition | undefined, found = new Set<SessionField>()): Set<SessionField> {
  if (!c) return found;
  if (c.op === 'and' || c.op === 'or') for (const a of c.args) trackedFields(a, found);
  else if (c.op === 'not') trackedFields(c.arg, found);
  else if (c.field === 'changeVersion' || c.field === 'updatedAt') found.add(c.field);
  return found;
}

/** `where` bounded by the horizon on the fields it compares, or unchanged when it compares none. */
export async function boundedByHorizon(db: Executor, tenantId: string, where: Condition | undefined): Promise<Condition | undefined> {
  const fields = trackedFields(where);
  if (fields.size === 0) return where;
  const h = await changeHorizon(db, tenantId);
  return and(
    where,
    fields.has('changeVersion') ? { field: 'changeVersion', op: 'lte', value: h.version } : undefined,
    fields.has('updatedAt') ? { field: 'updatedAt', op: 'lt', value: h.before } : undefined,
  );
}
