import { describe, expect, it } from 'vitest';
import { FailedAttempts, slowDownSeconds } from '../../src/auth/failed-attempts.ts';
import type { CounterKey, CounterState, SharedCounters } from '../../src/store/shared-counters.ts';

/** The counters' contract in memory, on the same clock as the attempts. */
function countersAt(clock: { now: number }) {
  const rows = new Map<string, CounterState>();
  const key = (t: string, c: string, w: number) => `${t}\u0001${c}\u0001${w}`;
  const fake = {
    async read(tenantId: string, counters: string[], windows: number[]) {
      const out = new Map<string, CounterState>();
      for (const c of counters) for (const w of windows) if (rows.has(key(tenantId, c, w))) out.set(key(tenantId, c, w), rows.get(key(tenantId, c, w))!);
      return out;
    },
    async add(hits: (CounterKey & { n: number })[]) {
      for (const h of hits) {
        const k = key(h.tenantId, h.counter, h.windowStart);
        rows.set(k, { hits: (rows.get(k)?.hits ?? 0) + h.n, lastHit: new Date(clock.now) });
      }
      return new Map();
    },
    async reset(k: CounterKey) {
      rows.delete(key(k.tenantId, k.counter, k.windowStart));
    },
  };
  return fake as unknown as SharedCounters;
}

describe('failed token attempts across a window boundary', () => {
  const subject = { tenantId: 't', clientId: 'sis', address: '192.0.2.1' };

  it('keeps slowing a guesser down when the counting window turns over', async () => {
    // Four failures in the last second of a window: before, the next window started from zero.
    const clock = { now: 60_000 * 10 - 1_000 };
    const attempts = new FailedAttempts(countersAt(clock), { max: 3, windowMs: 60_000, maxPerClient: 100 }, () => clock.now);
    for (let i = 0; i < 4; i++) await attempts.recordFailure(subject);
    expect(await attempts.retryAfterSeconds(subject)).toBe(4);
    clock.now += 1_500; // into the next window
    expect(await attempts.retryAfterSeconds(subject)).toBe(3);
    clock.now += 3_000;
    expect(await attempts.retryAfterSeconds(subject)).toBe(0);
  });

  it('forgets an address’s failures in both windows once its secret is right', async () => {
    const clock = { now: 60_000 * 10 - 500 };
    const attempts = new FailedAttempts(countersAt(clock), { max: 3, windowMs: 60_000, maxPerClient: 100 }, () => clock.now);
    for (let i = 0; i < 4; i++) await attempts.recordFailure(subject);
    clock.now += 1_000;
    await attempts.recordSuccess(subject);
    expect(await attempts.retryAfterSeconds(subject)).toBe(0);
  });

  it('waits twice as long for each failure past the free ones, up to the cap', () => {
    expect(slowDownSeconds(2, 3, 0, 0, 60)).toBe(0);
    expect(slowDownSeconds(3, 3, 0, 0, 60)).toBe(2);
    expect(slowDownSeconds(5, 3, 0, 0, 60)).toBe(8);
    expect(slowDownSeconds(20, 3, 0, 0, 60)).toBe(60);
  });
});
