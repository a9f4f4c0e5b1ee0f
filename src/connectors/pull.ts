// Runs one connection's pull: read the source page by page, staging each page with its
// checkpoint in one transaction; then merge everything staged into the sessions in one
// transaction together with the connection's new state. A pull that fails while reading leaves
// every session as it was; the next pull resumes after the last staged page.
import { writeTransaction } from '../store/write-transaction.ts';
import { sql } from 'kysely';
import type { Store } from '../store/database.ts';
import type { Connection } from './connection-repository.ts';
import { ConnectionRepository } from './connection-repository.ts';
import type { Connector, ConnectorRecord } from './connector.ts';
import { mergeRecords, type PullSummary } from './merge.ts';

export interface PullProgress {
  pages: number;
  records: number;
  done?: number | undefined;
  total?: number | undefined;
}

export interface PullResult {
  summary: PullSummary;
  pages: number;
  records: number;
  resumed: boolean;
}

export class PullInProgressError extends Error {}

export async function runPull(
  store: Store,
  connection: Connection,
  connector: Connector,
  onProgress: (p: PullProgress) => void = () => {},
): Promise<PullResult> {
  // The embedded database is one process's (the data-directory lock); on a PostgreSQL server two
  // processes could pull one connection at once and interleave their staged pages, so a session
  // advisory lock, held on its own connection for the whole pull, lets only one run.
  if (store.driver !== 'postgres') return pullUnlocked(store, connection, connector, onProgress);
  const key = `termbridge-pull:${connection.tenantId}:${connection.id}`;
  return store.db.connection().execute(async (conn) => {
    const got = await sql<{ ok: boolean }>`SELECT pg_try_advisory_lock(hashtext(${key})) AS ok`.execute(conn);
    if (!got.rows[0]?.ok) throw new PullInProgressError(`connection ${connection.id} is being pulled by another process; run it again when that pull has finished`);
    try {
      return await pullUnlocked(store, connection, connector, onProgress);
    } finally {
      await sql`SELECT pg_advisory_unlock(hashtext(${key}))`.execute(conn);
    }
  });
}

async function pullUnlocked(store: Store, connection: Connection, connector: Connector, onProgress: (p: PullProgress) => void): Promise<PullResult> {
  const { tenantId, id } = connection;
  const repo = new ConnectionRepository(store.db);
  let checkpoint = await repo.checkpoint(tenantId, id);
  // A connector that cannot resume (a CSV file is read again from the start) stages no position:
  // drop what an interrupted run staged rather than merge it twice.
  if (checkpoint && checkpoint.resume === null) {
    await repo.clearCheckpoint(tenantId, id);
    checkpoint = null;
  }
  let pages = checkpoint?.pages ?? 0;
  let records = 0;
  const pager = connector.pages(connection.state ?? null, checkpoint?.resume ?? null);
  let step = await pager.next();
  while (!step.done) {
    const page = step.value;
    await writeTransaction(store.db, async (tx) => new ConnectionRepository(tx).stagePage(tenantId, id, page.records, page.resume));
    pages++;
    records += page.records.length;
    onProgress({ pages, records, done: page.progress?.done, total: page.progress?.total });
    step = await pager.next();
  }
  const newState = step.value;
  const summary = await writeTransaction(store.db, async (tx) => {
    const staged = (await new ConnectionRepository(tx).stagedRecords(tenantId, id)) as ConnectorRecord[];
    const result = await mergeRecords(tx, tenantId, connection.identifierSystem, staged, { keyIsIdentity: connection.kind === 'edfi' });
    await new ConnectionRepository(tx).completePull(tenantId, id, newState, {
      created: result.created,
      updated: result.updated,
      deleted: result.deleted,
      unchanged: result.unchanged,
      failed: result.failed,
      schoolsCreated: result.schoolsCreated,
    });
    return result;
  });
  return { summary, pages, records, resumed: checkpoint !== null };
}
