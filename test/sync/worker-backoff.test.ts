// Back-off between retries: exponential, capped, with jitter that never drops below half.
import { describe, expect, it } from 'vitest';
import { backoffDelay } from '../../src/sync/worker.ts';

describe('backoffDelay', () => {
  it('doubles per attempt from the base, within [half, full] of the step', () => {
    const lo = (a: number) => backoffDelay(a, { backoffBaseMs: 100, random: () => 0 });
    const hi = (a: number) => backoffDelay(a, { backoffBaseMs: 100, random: () => 1 });
    expect([1, 2, 3, 4].map(lo)).toEqual([50, 100, 200, 400]);
    expect([1, 2, 3, 4].map(hi)).toEqual([100, 200, 400, 800]);
  });

  it('is capped', () => {
    expect(backoffDelay(30, { backoffBaseMs: 500, backoffCapMs: 60_000, random: () => 1 })).toBe(60_000);
  });
});
