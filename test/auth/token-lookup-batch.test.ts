// Batching token lookups, without I/O: a lookup is answered by a query that started after it
// was asked, concurrent lookups share queries, and a failed query fails only its own batch.
import { describe, expect, it } from 'vitest';
import { TokenLookupBatch } from '../../src/auth/token-lookup-batch.ts';

/** A fake query whose calls the test finishes by hand. */
function manualQuery() {
  const calls: { keys: string[]; finish(rows: Record<string, number>): void; fail(e: Error): void }[] = [];
  const run = (keys: string[]) =>
    new Promise<Map<string, number>>((resolve, reject) => {
      calls.push({ keys, finish: (rows) => resolve(new Map(Object.entries(rows))), fail: reject });
    });
  return { calls, run };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('TokenLookupBatch', () => {
  it('answers a lone lookup with a query of its own', async () => {
    const q = manualQuery();
    const batch = new TokenLookupBatch(q.run);
    const a = batch.lookup('a');
    await tick();
    expect(q.calls.map((c) => c.keys)).toEqual([['a']]);
    q.calls[0]!.finish({ a: 1 });
    expect(await a).toBe(1);
  });

  it('sends lookups that arrive during a query together in the next, which starts after they arrived', async () => {
    const q = manualQuery();
    const batch = new TokenLookupBatch(q.run);
    const first = batch.lookup('a');
    await tick();
    const later = [batch.lookup('b'), batch.lookup('c'), batch.lookup('b'), batch.lookup('a')];
    await tick();
    // Nothing new was sent while the first query runs: a lookup never rides on an older query.
    expect(q.calls).toHaveLength(1);
    q.calls[0]!.finish({ a: 1 });
    expect(await first).toBe(1);
    await tick();
    expect(q.calls[1]!.keys.sort()).toEqual(['a', 'b', 'c']);
    q.calls[1]!.finish({ a: 10, b: 20 });
    expect(await Promise.all(later)).toEqual([20, undefined, 20, 10]);
  });

  it('fails only the batch whose query failed', async () => {
    const q = manualQuery();
    const batch = new TokenLookupBatch(q.run);
    const a = batch.lookup('a');
    await tick();
    const b = batch.lookup('b');
    q.calls[0]!.fail(new Error('connection lost'));
    await expect(a).rejects.toThrow('connection lost');
    await tick();
    q.calls[1]!.finish({ b: 2 });
    expect(await b).toBe(2);
    // And it keeps working afterwards.
    const c = batch.lookup('c');
    await tick();
    q.calls[2]!.finish({ c: 3 });
    expect(await c).toBe(3);
  });

  it('carries at most 64 tokens a query', async () => {
    const q = manualQuery();
    const batch = new TokenLookupBatch(q.run);
    const first = batch.lookup('x');
    await tick();
    const many = Array.from({ length: 100 }, (_, i) => batch.lookup(`k${i}`));
    q.calls[0]!.finish({});
    await first;
    await tick();
    expect(q.calls[1]!.keys).toHaveLength(64);
    q.calls[1]!.finish({});
    await tick();
    expect(q.calls[2]!.keys).toHaveLength(36);
    q.calls[2]!.finish({});
    expect(await Promise.all(many)).toHaveLength(100);
  });
});
