// @fastify/rate-limit's store over the database's shared counters, so every server on one
// database enforces one request limit per client. A request does not wait for the database
// each time: a counter read within the last `syncMs` is counted locally and the hits are
// written in one statement shortly after; one not read for longer (a client's first request,
// or a quiet one) is written and read before the request goes on. Several servers may so let
// a client exceed its limit by what it sends in `syncMs`, not more.
import type { FastifyRateLimitStore } from '@fastify/rate-limit';
import type { SharedCounters } from '../store/shared-counters.ts';

export const DEFAULT_RATE_LIMIT_SYNC_MS = 250;

interface Entry {
  windowStart: number;
  /** The shared total when last read. */
  known: number;
  /** Hits counted here and not yet written. */
  pending: number;
  syncedAt: number;
}

// The plugin passes the route's window too, though its types leave it out.
type Incr = (key: string, cb: (err: Error | null, result?: { current: number; ttl: number }) => void, timeWindow?: number) => void;

/** `client:<tenant>:<client id>` or `addr:<ip>` (src/auth/rate-limit.ts) → the tenant and counter. */
function counterOf(key: string): { tenantId: string; counter: string } {
  if (key.startsWith('client:')) {
    const rest = key.slice('client:'.length);
    const colon = rest.indexOf(':');
    return { tenantId: rest.slice(0, colon), counter: `requests:${rest.slice(colon + 1)}` };
  }
  return { tenantId: '', counter: `requests:${key}` };
}

/** A store class for the plugin's `store` option (it constructs it itself). */
export function sharedRateLimitStore(counters: SharedCounters, windowMs: number, syncMs: number, now: () => number = Date.now): new () => FastifyRateLimitStore {
  const entries = new Map<string, Entry>();
  let flushTimer: NodeJS.Timeout | null = null;

  async function write(batch: [string, Entry, number][]): Promise<void> {
    const totals = await counters.add(batch.map(([key, e, n]) => ({ ...counterOf(key), windowStart: e.windowStart, n })));
    const at = now();
    for (const [key, e] of batch) {
      const { tenantId, counter } = counterOf(key);
      const total = totals.get(`${tenantId}\u0001${counter}\u0001${e.windowStart}`);
      if (total) e.known = total.hits;
      e.syncedAt = at;
    }
  }

  function flushSoon(): void {
    if (flushTimer) return;
    flushTimer = setTimeout(() => {
      flushTimer = null;
      const batch: [string, Entry, number][] = [];
      for (const [key, e] of entries) {
        if (e.pending > 0) batch.push([key, e, e.pending]);
        e.known += e.pending; // until the write returns the shared total
        e.pending = 0;
      }
      write(batch).catch(() => undefined); // a lost write undercounts by one sync's hits at most
    }, syncMs);
    flushTimer.unref();
  }

  class Store {
    incr: Incr = (key, cb, timeWindow = windowMs) => {
      const t = now();
      const windowStart = Math.floor(t / timeWindow) * timeWindow;
      const ttl = windowStart + timeWindow - t;
      let e = entries.get(key);
      if (!e || e.windowStart !== windowStart) {
        e = { windowStart, known: 0, pending: 0, syncedAt: 0 };
        entries.set(key, e);
        if (entries.size > 10_000) for (const [k, old] of entries) if (old.windowStart !== windowStart) entries.delete(k);
      }
      if (t - e.syncedAt >= syncMs) {
        const entry = e;
        entry.syncedAt = t; // requests meanwhile count locally instead of each waiting
        write([[key, entry, 1]]).then(
          () => cb(null, { current: entry.known + entry.pending, ttl }),
          (err: Error) => cb(err),
        );
        return;
      }
      e.pending++;
      flushSoon();
      cb(null, { current: e.known + e.pending, ttl });
    };
    child(): FastifyRateLimitStore {
      return new Store();
    }
  }
  return Store;
}
