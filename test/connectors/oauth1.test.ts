// OAuth 1.0a signing against published worked examples: RFC 5849 §3.4.1's base string and
// §3.1's secrets, and OAuth Core 1.0 Appendix A's photos request (whose HMAC-SHA1 signature is
// printed correctly; the RFC's own printed signature is a known erratum, so its HMAC values here
// were computed with `openssl dgst -hmac` over the RFC's printed base string instead).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  baseStringUri,
  normalizeParameters,
  oauth1Authorization,
  percentEncode,
  queryParameters,
  sign,
  signatureBaseString,
  signingKey,
} from '../../src/connectors/oauth1.ts';
import type { FakeRequest } from './native/fake-platform.ts';
import { oauth1Verifier } from './oauth1-verifier.ts';

// RFC 5849 §3.4.1.1: POST /request?b5=%3D%253D&a3=a&c%40=&a2=r%20b with body `c2&a3=2+q`.
const RFC_URL = 'http://example.com/request?b5=%3D%253D&a3=a&c%40=&a2=r%20b';
const RFC_BODY: [string, string][] = [...new URLSearchParams('c2&a3=2+q').entries()];
const rfcProtocol = (method: string): [string, string][] => [
  ['oauth_consumer_key', '9djdj82h48djs9d2'],
  ['oauth_token', 'kkk9d7dh3k39sjv7'],
  ['oauth_signature_method', method],
  ['oauth_timestamp', '137131201'],
  ['oauth_nonce', '7d8f3e4a'],
];
const RFC_BASE_STRING =
  'POST&http%3A%2F%2Fexample.com%2Frequest&a2%3Dr%2520b%26a3%3D2%2520q%26a3%3Da%26b5%3D%253D%25253D%26c%2540%3D%26c2%3D%26oauth_consumer_key%3D9djdj82h48djs9d2' +
  '%26oauth_nonce%3D7d8f3e4a%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D137131201%26oauth_token%3Dkkk9d7dh3k39sjv7';

describe('RFC 5849 signature base string (§3.4.1)', () => {
  it('decodes the query as the RFC tabulates it: b5 is "=%3D", c@ and c2 empty, a3 twice', () => {
    expect([...queryParameters(RFC_URL), ...RFC_BODY]).toEqual([
      ['b5', '=%3D'],
      ['a3', 'a'],
      ['c@', ''],
      ['a2', 'r b'],
      ['c2', ''],
      ['a3', '2 q'],
    ]);
  });

  it('normalizes the parameters (§3.4.1.3.2) and builds the base string (§3.4.1.1) exactly as printed', () => {
    const params = [...queryParameters(RFC_URL), ...RFC_BODY, ...rfcProtocol('HMAC-SHA1')];
    expect(normalizeParameters(params)).toBe(
      'a2=r%20b&a3=2%20q&a3=a&b5=%3D%253D&c%40=&c2=&oauth_consumer_key=9djdj82h48djs9d2&oauth_nonce=7d8f3e4a&oauth_signature_method=HMAC-SHA1&oauth_timestamp=137131201&oauth_token=kkk9d7dh3k39sjv7',
    );
    expect(signatureBaseString('post', RFC_URL, params)).toBe(RFC_BASE_STRING);
  });

  it('signs the RFC request with its §3.1 secrets (values from openssl over the printed base string)', () => {
    const key = signingKey('j49sk3j29djd', 'dh893hdasih9');
    expect(key).toBe('j49sk3j29djd&dh893hdasih9');
    expect(sign('HMAC-SHA1', RFC_BASE_STRING, key)).toBe('r6/TJjbCOr97/+UU0NsvSne7s5g=');
    const sha256Base = signatureBaseString('POST', RFC_URL, [...queryParameters(RFC_URL), ...RFC_BODY, ...rfcProtocol('HMAC-SHA256')]);
    expect(sha256Base).toBe(RFC_BASE_STRING.replace('HMAC-SHA1', 'HMAC-SHA256'));
    expect(sign('HMAC-SHA256', sha256Base, key)).toBe('ypAxjNip++Dm0fTM+gCl8wAo6ufSnseu1WHxL7py3BU=');
  });

  it('takes the base URI with scheme and host in lower case and the port only when it is not the default (§3.4.1.2)', () => {
    expect(baseStringUri('HTTP://EXAMPLE.COM:80/r%20v/X?id=123')).toBe('http://example.com/r%20v/X');
    expect(baseStringUri('https://www.example.net:8080/?q=1')).toBe('https://www.example.net:8080/');
    expect(baseStringUri('https://d.oneroster.com:443/ims/oneroster/v1p1/academicSessions')).toBe('https://d.oneroster.com/ims/oneroster/v1p1/academicSessions');
  });
});

describe('OAuth Core 1.0 Appendix A (photos.example.net), HMAC-SHA1', () => {
  it('produces the published header signature tR3+Ty81lMeYAr/Fid0kMTYa/WM=', () => {
    const header = oauth1Authorization(
      { consumerKey: 'dpf43f3p2l4k3l03', consumerSecret: 'kd94hf93k423kf44', token: { key: 'nnch734d00sl2jdk', secret: 'pfkkdhi9sl3r4s00' }, signatureMethod: 'HMAC-SHA1', realm: 'http://photos.example.net/' },
      { method: 'GET', url: 'http://photos.example.net/photos?file=vacation.jpg&size=original' },
      'kllo9940pd9333jh',
      1191242096,
    );
    expect(header).toBe(
      'OAuth realm="http://photos.example.net/", oauth_consumer_key="dpf43f3p2l4k3l03", oauth_token="nnch734d00sl2jdk", oauth_nonce="kllo9940pd9333jh", oauth_timestamp="1191242096", oauth_signature_method="HMAC-SHA1", oauth_version="1.0", oauth_signature="tR3%2BTy81lMeYAr%2FFid0kMTYa%2FWM%3D"',
    );
  });
});

describe('two-legged HMAC-SHA256 as a OneRoster 1.1 server receives it', () => {
  it('signs the filter and paging parameters of the request and leaves out oauth_token', () => {
    const url = "https://d.oneroster.com/ims/oneroster/v1p1/academicSessions?limit=100&offset=0&sort=dateLastModified&filter=dateLastModified%3E%3D'2019-08-15T10%3A00%3A00.000Z'";
    const header = oauth1Authorization({ consumerKey: 'or-client', consumerSecret: 'or-secret', signatureMethod: 'HMAC-SHA256' }, { method: 'GET', url }, 'n0nce', 1_700_000_000);
    expect(header).not.toContain('oauth_token');
    const signature = decodeURIComponent(/oauth_signature="([^"]+)"/.exec(header)![1]!);
    const base =
      'GET&https%3A%2F%2Fd.oneroster.com%2Fims%2Foneroster%2Fv1p1%2FacademicSessions&filter%3DdateLastModified%253E%253D%25272019-08-15T10%253A00%253A00.000Z%2527%26limit%3D100' +
      '%26oauth_consumer_key%3Dor-client%26oauth_nonce%3Dn0nce%26oauth_signature_method%3DHMAC-SHA256%26oauth_timestamp%3D1700000000%26oauth_version%3D1.0%26offset%3D0%26sort%3DdateLastModified';
    expect(signature).toBe(sign('HMAC-SHA256', base, 'or-secret&'));
  });
});

describe('percent encoding (§3.6)', () => {
  it('leaves only the unreserved characters bare, encodes every other UTF-8 octet as upper-case %XX, and round-trips', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (s) => {
        const e = percentEncode(s);
        expect(e).toMatch(/^(?:[A-Za-z0-9\-._~]|%[0-9A-F]{2})*$/);
        expect(decodeURIComponent(e)).toBe(s);
      }),
    );
    expect(percentEncode("!*'() +&=")).toBe('%21%2A%27%28%29%20%2B%26%3D');
    expect(percentEncode('é~')).toBe('%C3%A9~');
  });
});

describe('the signer against an independent verifier (the fakes\' server side)', () => {
  it('signs any query — repeated names, spaces as + or %20, reserved and non-ASCII characters — so that the server recomputes the same signature', () => {
    const pair = fc.tuple(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 8 }), fc.string({ unit: 'grapheme', maxLength: 12 }));
    let n = 0;
    fc.assert(
      fc.property(fc.array(pair, { maxLength: 6 }), fc.boolean(), fc.constantFrom('HMAC-SHA256', 'HMAC-SHA1') as fc.Arbitrary<'HMAC-SHA256' | 'HMAC-SHA1'>, (params, plusForSpace, method) => {
        const query = params.map(([k, v]) => [k, v].map((x) => (plusForSpace ? new URLSearchParams({ x }).toString().slice(2) : encodeURIComponent(x))).join('=')).join('&');
        const target = `/ims/oneroster/v1p1/academicSessions${query ? `?${query}` : ''}`;
        const url = `http://127.0.0.1:8080${target}`;
        const verifier = oauth1Verifier({ 'or-client': 's3cr&t é' }, { methods: [method], nowSeconds: () => 1_700_000_000 });
        const authorization = oauth1Authorization({ consumerKey: 'or-client', consumerSecret: 's3cr&t é', signatureMethod: method }, { method: 'GET', url }, `nonce-${++n}`, 1_700_000_000);
        const req = { method: 'GET', target, path: '', query: new URLSearchParams(), headers: { host: '127.0.0.1:8080', authorization }, body: '' } as FakeRequest;
        expect(verifier.check(req)).toBeNull();
        // Replayed, it is refused; the same header over another query is refused by a server that has not seen it.
        expect(verifier.check(req)).toBe('nonce missing or used before');
        const fresh = oauth1Verifier({ 'or-client': 's3cr&t é' }, { methods: [method], nowSeconds: () => 1_700_000_000 });
        expect(fresh.check({ ...req, target: `${target}${query ? '&' : '?'}extra=1` })).toBe('signature does not match');
      }),
    );
  });
});
