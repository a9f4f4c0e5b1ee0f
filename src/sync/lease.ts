// Claims on outbox operations are leases: short (so a worker killed with -9 holds its
// operations only seconds), and renewed by a heartbeat while the worker lives (so a send that
// outlasts the lease is never taken over, and never sent twice, while its worker still waits).
import type { Db } from '../store/database.ts';
import { renewClaims } from './outbox.ts';

export const LEASE_ENV = 'TERMBRIDGE_SYNC_LEASE_SECONDS';
export const DEFAULT_LEASE_SECONDS = 10;

/** The lease length from the environment; refuses a value that is not a positive number. */
export function leaseSeconds(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env[LEASE_ENV]?.trim();
  if (!raw) return DEFAULT_LEASE_SECONDS;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0 || n > 3600) throw new Error(`${LEASE_ENV}='${raw}' must be a number of seconds above 0 (at most 3600)`);
  return n;
}

export interface Heartbeat {
  stop(): Promise<void>;
}

/**
 * Renews this worker's claims three times per lease. A renewal that fails (the database is
 * briefly away) is tried again at the next beat; two missed beats still leave a third of the
 * lease, so a live worker keeps its claims through a short outage.
 */
export function startHeartbeat(db: Db, tenantId: string, workerId: string, lease: number, onError?: (err: unknown) => void): Heartbeat {
  let running: Promise<void> = Promise.resolve();
  const timer = setInterval(() => {
    running = running.then(() => renewClaims(db, tenantId, workerId, lease).then(
      () => undefined,
      (err) => onError?.(err),
    ));
  }, Math.max(50, (lease * 1000) / 3));
  // A heartbeat never keeps a process alive on its own.
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
