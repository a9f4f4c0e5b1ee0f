// Counts failed token requests per client id so a secret cannot be guessed online: after `max`
// failures inside `windowMs`, the client id is refused (429) until the oldest failure ages out.
// In memory, per process: several server processes each count separately (documented).

export interface FailedAttemptPolicy {
  max: number;
  windowMs: number;
}

export const DEFAULT_FAILED_ATTEMPT_POLICY: FailedAttemptPolicy = { max: 10, windowMs: 5 * 60_000 };

/** Guessing many different client ids must not grow memory without bound. */
const MAX_TRACKED_CLIENT_IDS = 10_000;

export class FailedAttemptLimiter {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly policy: FailedAttemptPolicy = DEFAULT_FAILED_ATTEMPT_POLICY,
    private readonly now: () => number = Date.now,
  ) {}

  private recent(clientId: string): number[] {
    const cutoff = this.now() - this.policy.windowMs;
    const kept = (this.failures.get(clientId) ?? []).filter((t) => t > cutoff);
    if (kept.length === 0) this.failures.delete(clientId);
    else this.failures.set(clientId, kept);
    return kept;
  }

  /** Seconds until this client id may try again; 0 when it may try now. */
  retryAfterSeconds(clientId: string): number {
    const recent = this.recent(clientId);
    if (recent.length < this.policy.max) return 0;
    const oldestCounted = recent[recent.length - this.policy.max]!;
    return Math.max(1, Math.ceil((oldestCounted + this.policy.windowMs - this.now()) / 1000));
  }

  recordFailure(clientId: string): void {
    const recent = this.recent(clientId);
    recent.push(this.now());
    this.failures.delete(clientId); // re-insert so Map order is least-recently-failed first
    this.failures.set(clientId, recent.slice(-this.policy.max));
    while (this.failures.size > MAX_TRACKED_CLIENT_IDS) this.failures.delete(this.failures.keys().next().value!);
  }

  recordSuccess(clientId: string): void {
    this.failures.delete(clientId);
  }
}
