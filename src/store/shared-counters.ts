// Counters kept in the database (migration 016) so every server on it counts together: one
// statement adds hits to many counters and returns their totals. Every counter belongs to a
// tenant ('' for one that belongs to none, such as an address), and every statement names it.
import { CompiledQuery } from 'kysely';
import type { Db } from './database.ts';

export interface CounterKey {
  tenantId: string;
  counter: string;
  /** Start of the counter's fixed window, epoch milliseconds. */
  windowStart: number;
}

export interface CounterState {
  hits: number;
  lastHit: Date;
}

const keyOf = (k: CounterKey) => `${k.tenantId}\u0001${k.counter}\u0001${k.windowStart}`;

// Rows are upserted in key order, so two servers adding to the same counters never deadlock.
const ADD = `INSERT INTO shared_counters AS c (tenant_id, counter, window_start, hits, last_hit)
  SELECT t, k, w, n, now() FROM unnest($1::text[], $2::text[], $3::text[]::bigint[], $4::int[]) AS u(t, k, w, n) ORDER BY t, k, w
  ON CONFLICT (tenant_id, counter, window_start) DO UPDATE SET hits = c.hits + excluded.hits, last_hit = CASE WHEN excluded.hits > 0 THEN excluded.last_hit ELSE c.last_hit END
  RETURNING tenant_id, counter, window_start, hits, last_hit`;

const READ = `SELECT tenant_id, counter, window_start, hits, last_hit FROM shared_counters
  WHERE tenant_id = $1 AND counter = ANY($2::text[]) AND window_start = ANY($3::text[]::bigint[])`;

type Row = { tenant_id: string; counter: string; window_start: string; hits: number; last_hit: Date | string };

export class SharedCounters {
  private lastPrune = 0;

  constructor(private readonly db: Db) {}

  /** Adds `n` (0 only reads) to each counter; the totals after, by counter. */
  async add(hits: (CounterKey & { n: number })[]): Promise<Map<string, CounterState>> {
    if (hits.length === 0) return new Map();
    const sorted = [...hits].sort((a, b) => (keyOf(a) < keyOf(b) ? -1 : 1));
    const r = await this.db.executeQuery<Row>(
      CompiledQuery.raw(ADD, [sorted.map((h) => h.tenantId), sorted.map((h) => h.counter), sorted.map((h) => String(h.windowStart)), sorted.map((h) => h.n)]),
    );
    void this.pruneNow([...new Set(sorted.map((h) => h.tenantId))]);
    return toMap(r.rows);
  }

  /** The counters of one tenant in the given windows (absent: no hit yet). */
  async read(tenantId: string, counters: string[], windowStarts: number[]): Promise<Map<string, CounterState>> {
    const r = await this.db.executeQuery<Row>(CompiledQuery.raw(READ, [tenantId, counters, windowStarts.map(String)]));
    return toMap(r.rows);
  }

  /** Forgets a counter's hits in a window (a client that got its secret right). */
  async reset(key: CounterKey): Promise<void> {
    await this.db.executeQuery(
      CompiledQuery.raw('DELETE FROM shared_counters WHERE tenant_id = $1 AND counter = $2 AND window_start = $3', [key.tenantId, key.counter, String(key.windowStart)]),
    );
  }

  /** The counted tenants' windows that began more than a day ago are deleted, at most once a minute per server. */
  private async pruneNow(tenantIds: string[]): Promise<void> {
    const now = Date.now();
    if (now - this.lastPrune < 60_000) return;
    this.lastPrune = now;
    try {
      await this.db.executeQuery(
        CompiledQuery.raw('DELETE FROM shared_counters WHERE tenant_id = ANY($1::text[]) AND window_start < $2', [tenantIds, String(now - 86_400_000)]),
      );
    } catch {
      // Pruning is housekeeping: a failure (the store closing) costs nothing but space.
    }
  }
}

export function counterKey(k: CounterKey): string {
  return keyOf(k);
}

function toMap(rows: Row[]): Map<string, CounterState> {
  return new Map(
    rows.map((r) => [
      keyOf({ tenantId: r.tenant_id, counter: r.counter, windowStart: Number(r.window_start) }),
      { hits: Number(r.hits), lastHit: r.last_hit instanceof Date ? r.last_hit : new Date(r.last_hit) },
    ]),
  );
}
