// Every write runs here: one transaction that, when it loses a race with a concurrent writer
// (a unique index, a foreign key, a serialization failure or a deadlock), is run again from the
// start, so it reads what the winner committed and answers as if it had come second (an upsert
// by natural key updates instead of inserting; a reference the other writer deleted is a 4xx).
// A race still lost after the last attempt is a WriteConflict, each dialect's 409.
import type { Kysely, Transaction } from 'kysely';
import type { Tables } from './schema.ts';

/** PostgreSQL errors a retry can resolve: unique_violation, foreign_key_violation, serialization_failure, deadlock_detected. */
const RACE_CODES = new Set(['23505', '23503', '40001', '40P01']);
const ATTEMPTS = 5;

export class WriteConflict extends Error {
  constructor(
    /** The index or foreign key the last attempt hit, when the database named it. */
    readonly constraint: string | undefined,
    readonly code: string,
    /** The database error of the last attempt: a writer whose own checks rely on an index (a title taken) reads it. */
    override readonly cause: unknown,
  ) {
    super(
      code === '23503'
        ? 'Another request changed or deleted an item this write refers to at the same time; read it again and retry.'
        : 'Another request wrote the same item at the same time; read it again and retry.',
    );
  }
}

/** The PostgreSQL error code of a lost race, or undefined for any other error. */
export function raceCodeOf(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && RACE_CODES.has(code) ? code : undefined;
}

export async function writeTransaction<T>(db: Kysely<Tables> | Transaction<Tables>, work: (tx: Transaction<Tables>) => Promise<T>): Promise<T> {
  // Inside a caller's transaction, a retry cannot restart it: the caller's own writeTransaction does.
  if (db.isTransaction) return work(db as Transaction<Tables>);
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.transaction().execute(work);
    } catch (err) {
      const code = raceCodeOf(err);
      if (code === undefined) throw err;
      if (attempt >= ATTEMPTS) throw new WriteConflict((err as { constraint?: string }).constraint, code, err);
      // A short, growing, jittered pause lets the winner commit before the next attempt reads.
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * attempt));
    }
  }
}
