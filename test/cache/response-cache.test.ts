// The response cache's bookkeeping, without I/O: versions, recency, the byte bound.
import { describe, expect, it } from 'vitest';
import { ResponseCache, responseCacheKey, type CachedResponse } from '../../src/cache/response-cache.ts';

const response = (version: string, body = 'x'.repeat(100)): CachedResponse => ({ version, headers: { 'content-type': 'application/json' }, body });

describe('ResponseCache', () => {
  it('answers only the version a response was stored under', () => {
    const c = new ResponseCache(10_000);
    c.set('k', response('7'));
    expect(c.get('k', '7')?.body).toBe('x'.repeat(100));
    expect(c.get('k', '8')).toBeUndefined();
    expect(c.get('other', '7')).toBeUndefined();
    expect(c.stats()).toMatchObject({ hits: 1, misses: 2, entries: 1 });
  });

  it('keeps a newer answer when an older request finishes later', () => {
    const c = new ResponseCache(10_000);
    c.set('k', response('9', 'new'));
    c.set('k', response('8', 'old'));
    expect(c.get('k', '9')?.body).toBe('new');
    c.set('k', response('10', 'newer'));
    expect(c.get('k', '10')?.body).toBe('newer');
    expect(c.stats().entries).toBe(1);
  });

  it('stays under its byte bound, dropping the least recently used first', () => {
    // Each entry is 180 bytes (key, version, body, one header): eight fit in 1,500.
    const c = new ResponseCache(1_500);
    const body = 'x'.repeat(150);
    c.set('a', response('1', body));
    c.set('b', response('1', body));
    c.set('c', response('1', body));
    c.get('a', '1'); // a is now the most recently used
    for (const k of ['d', 'e', 'f', 'g', 'h', 'i']) c.set(k, response('1', body));
    expect(c.stats()).toMatchObject({ entries: 8, bytes: 1_440 });
    expect(c.get('b', '1')).toBeUndefined();
    expect(c.get('a', '1')).toBeDefined();
    expect(c.get('i', '1')).toBeDefined();
  });

  it('does not store a body larger than an eighth of its bound', () => {
    const c = new ResponseCache(1_000);
    c.set('big', response('1', 'y'.repeat(200)));
    expect(c.get('big', '1')).toBeUndefined();
    expect(c.stats().entries).toBe(0);
  });

  it('keys by tenant, scopes, school claim, address and URL', () => {
    const base = { tenantId: 't', scopes: ['edfi:read'], schoolId: undefined, url: '/a?b=1', host: 'h', proto: 'http', accept: '' };
    const keys = new Set([
      responseCacheKey(base),
      responseCacheKey({ ...base, tenantId: 'u' }),
      responseCacheKey({ ...base, scopes: ['edfi:read', 'edfi:write'] }),
      responseCacheKey({ ...base, schoolId: 255901001 }),
      responseCacheKey({ ...base, url: '/a?b=2' }),
      responseCacheKey({ ...base, host: 'g' }),
      responseCacheKey({ ...base, proto: 'https' }),
      responseCacheKey({ ...base, accept: 'text/csv' }),
    ]);
    expect(keys.size).toBe(8);
  });
});
