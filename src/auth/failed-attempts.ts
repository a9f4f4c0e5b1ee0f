// Failed token requests slow a guesser down without locking the client's owner out (issue 18).
// Failures are counted in the database (migration 016), so every server counts together:
// - for a real client id, per (client id, address) and per client id overall, in the client's
//   tenant: a guesser at one address slows down that address, not the district's SIS at
//   another; many addresses guessing slow the id down everywhere, at a looser threshold;
// - for an id that is no client, per address only: junk ids cannot fill or evict anything.
// From `max` failures in a window on, each attempt waits 2^(failures − max + 1) seconds (at most
// `maxDelaySeconds`) after the last failure, answered 429 with Retry-After meanwhile.
import type { SharedCounters } from '../store/shared-counters.ts';

export interface FailedAttemptPolicy {
  /** Failures from one address for one client id before attempts are slowed down. */
  max: number;
  windowMs: number;
  /** The longest an attempt is made to wait. */
  maxDelaySeconds?: number;
  /** Failures for one client id from all addresses before attempts are slowed down everywhere. */
  maxPerClient?: number;
}

export const DEFAULT_FAILED_ATTEMPT_POLICY: FailedAttemptPolicy = { max: 10, windowMs: 15 * 60_000, maxDelaySeconds: 60, maxPerClient: 100 };

/** Seconds an attempt must still wait after `failures` failures, the last at `lastFailure`; 0: now. */
export function slowDownSeconds(failures: number, free: number, lastFailure: number, now: number, maxDelaySeconds: number): number {
  if (failures < free) return 0;
  const delayMs = Math.min(2 ** (failures - free + 1), maxDelaySeconds) * 1000;
  const left = lastFailure + delayMs - now;
  return left > 0 ? Math.ceil(left / 1000) : 0;
}

/** Who is guessing: a real client id (its tenant) or an id that is no client (no tenant). */
export interface AttemptSubject {
  /** The client's tenant; undefined for an id that is no client. */
  tenantId: string | undefined;
  clientId: string;
  address: string;
}

export class FailedAttempts {
  constructor(
    private readonly counters: SharedCounters,
    private readonly policy: FailedAttemptPolicy = DEFAULT_FAILED_ATTEMPT_POLICY,
    private readonly now: () => number = Date.now,
  ) {}

  private window(): number {
    return Math.floor(this.now() / this.policy.windowMs) * this.policy.windowMs;
  }

  /** The counters an attempt is held to, with the failures each allows before slowing down. */
  private countersOf(s: AttemptSubject): { tenantId: string; limits: [counter: string, free: number][] } {
    if (s.tenantId === undefined) return { tenantId: '', limits: [[`token-failures:addr:${s.address}`, this.policy.max]] };
    return {
      tenantId: s.tenantId,
      limits: [
        [`token-failures:${s.clientId}:addr:${s.address}`, this.policy.max],
        [`token-failures:${s.clientId}`, this.policy.maxPerClient ?? this.policy.max * 10],
      ],
    };
  }

  /** Seconds until this subject may try again; 0 when it may try now. */
  async retryAfterSeconds(s: AttemptSubject): Promise<number> {
    const { tenantId, limits } = this.countersOf(s);
    // This window and the one before: a guesser gains nothing by waiting for a window to turn over.
    const windows = [this.window(), this.window() - this.policy.windowMs];
    const states = await this.counters.read(tenantId, limits.map(([c]) => c), windows);
    let wait = 0;
    for (const [counter, free] of limits) {
      const seen = windows.map((w) => states.get(`${tenantId}\u0001${counter}\u0001${w}`)).filter((x) => x !== undefined);
      if (seen.length === 0) continue;
      const hits = seen.reduce((n, x) => n + x.hits, 0);
      const lastHit = Math.max(...seen.map((x) => x.lastHit.getTime()));
      wait = Math.max(wait, slowDownSeconds(hits, free, lastHit, this.now(), this.policy.maxDelaySeconds ?? 60));
    }
    return wait;
  }

  async recordFailure(s: AttemptSubject): Promise<void> {
    const { tenantId, limits } = this.countersOf(s);
    const windowStart = this.window();
    await this.counters.add(limits.map(([counter]) => ({ tenantId, counter, windowStart, n: 1 })));
  }

  /** The right secret from an address clears that address's failures (not the client-wide count). */
  async recordSuccess(s: AttemptSubject): Promise<void> {
    if (s.tenantId === undefined) return;
    for (const windowStart of [this.window(), this.window() - this.policy.windowMs])
      await this.counters.reset({ tenantId: s.tenantId, counter: `token-failures:${s.clientId}:addr:${s.address}`, windowStart });
  }
}
