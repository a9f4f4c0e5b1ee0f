// The log redaction of Canvas's access_token parameter, without I/O: whatever else the query
// holds and however the name is escaped, the value never survives and nothing else changes.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { queryToken, redactAccessToken } from '../../src/auth/query-token.ts';

const secret = fc.stringMatching(/^[A-Za-z0-9_-]{20,43}$/);
const other = fc.tuple(fc.stringMatching(/^[a-z][a-z_[\]]{0,8}$/), fc.string({ maxLength: 8 })).filter(([k]) => !k.startsWith('access_token'));
const tokenName = fc.constantFrom('access_token', 'access%5Ftoken', 'access%5ftoken', 'access_token[]', '%61ccess_token');

describe('access_token in URLs', () => {
  it('redacts every access_token value and leaves the rest of the URL as it was', () => {
    fc.assert(
      fc.property(fc.array(other, { maxLength: 4 }), tokenName, secret, fc.nat(4), (others, name, token, at) => {
        const pairs = others.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`);
        pairs.splice(Math.min(at, pairs.length), 0, `${name}=${encodeURIComponent(token)}`);
        const url = `/api/v1/accounts/self/terms?${pairs.join('&')}`;
        const logged = redactAccessToken(url);
        expect(logged).not.toContain(token);
        expect(logged.split('&').filter((p) => !p.includes('access_token'))).toEqual(url.split('&').filter((p) => !p.includes(`=${encodeURIComponent(token)}`)));
      }),
    );
  });

  it('leaves URLs without the parameter untouched', () => {
    fc.assert(fc.property(fc.webPath(), fc.webQueryParameters(), (path, query) => {
      const url = `${path || '/'}?${query}`;
      fc.pre(!/access/i.test(decodeURIComponentSafe(query)));
      expect(redactAccessToken(url)).toBe(url);
    }));
  });

  it('reads one non-empty value only', () => {
    expect(queryToken({ access_token: ' abc ' }, 'access_token')).toBe('abc');
    expect(queryToken({ access_token: ['a', 'b'] }, 'access_token')).toBeUndefined();
    expect(queryToken({ access_token: '' }, 'access_token')).toBeUndefined();
    expect(queryToken(undefined, 'access_token')).toBeUndefined();
  });
});

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
