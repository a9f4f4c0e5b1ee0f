// The server side of OAuth 1.0a, written for the fakes from RFC 5849 §3.2 without termbridge's
// signer: it rebuilds the signature base string from the request as it arrived (Host header, raw
// request target), recomputes the HMAC and compares, and refuses a stale timestamp or a nonce it
// has seen (§3.3), as a OneRoster 1.1 server such as ClassLink's does.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { FakeRequest } from './native/fake-platform.ts';

export interface OAuth1Verifier {
  /** Why the request is refused, or null when its signature holds. */
  check(req: FakeRequest): string | null;
  /** Nonces accepted so far. */
  nonces: Set<string>;
  /** Signature methods seen on accepted requests. */
  methods: Set<string>;
}

const UNRESERVED = /[A-Za-z0-9\-._~]/;

/** §3.6, byte by byte. */
function enc(s: string): string {
  let out = '';
  for (const byte of Buffer.from(s, 'utf8')) {
    const ch = String.fromCharCode(byte);
    out += byte < 0x80 && UNRESERVED.test(ch) ? ch : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** application/x-www-form-urlencoded decoding of one name or value. */
const formDecode = (s: string) => decodeURIComponent(s.replace(/\+/g, ' '));

/** The Authorization header's parameters (§3.5.1), values decoded. */
function headerParams(header: string): Map<string, string> | null {
  if (!header.startsWith('OAuth ')) return null;
  const params = new Map<string, string>();
  for (const part of header.slice(6).split(',')) {
    const m = /^\s*([A-Za-z0-9_]+)="([^"]*)"\s*$/.exec(part);
    if (!m) return null;
    params.set(m[1]!, decodeURIComponent(m[2]!));
  }
  return params;
}

export function oauth1Verifier(consumers: Record<string, string>, options: { methods?: string[]; nowSeconds?: () => number } = {}): OAuth1Verifier {
  const nonces = new Set<string>();
  const methods = new Set<string>();
  const allowed = options.methods ?? ['HMAC-SHA256'];
  const now = options.nowSeconds ?? (() => Math.floor(Date.now() / 1000));
  return {
    nonces,
    methods,
    check(req) {
      const p = headerParams(req.headers.authorization ?? '');
      if (!p) return 'no OAuth Authorization header';
      const key = p.get('oauth_consumer_key') ?? '';
      const secret = consumers[key];
      if (secret === undefined) return 'unknown consumer key';
      const method = p.get('oauth_signature_method') ?? '';
      if (!allowed.includes(method)) return `signature method ${method} not accepted`;
      if (p.has('oauth_version') && p.get('oauth_version') !== '1.0') return 'oauth_version must be 1.0';
      const timestamp = Number(p.get('oauth_timestamp'));
      if (!Number.isInteger(timestamp) || Math.abs(now() - timestamp) > 600) return 'timestamp out of range';
      const nonce = p.get('oauth_nonce') ?? '';
      if (nonce === '' || nonces.has(nonce)) return 'nonce missing or used before';
      const [path, query = ''] = req.target.split(/\?(.*)/s);
      const pairs: [string, string][] = query === '' ? [] : query.split('&').map((kv) => {
        const i = kv.indexOf('=');
        return i < 0 ? [formDecode(kv), ''] : [formDecode(kv.slice(0, i)), formDecode(kv.slice(i + 1))];
      });
      for (const [k, v] of p) if (k !== 'oauth_signature' && k !== 'realm') pairs.push([k, v]);
      const normalized = pairs
        .map(([k, v]) => [enc(k), enc(v)])
        .sort(([a, x], [b, y]) => (a === b ? (x! < y! ? -1 : x! > y! ? 1 : 0) : a! < b! ? -1 : 1))
        .map(([k, v]) => `${k}=${v}`)
        .join('&');
      const base = [req.method.toUpperCase(), enc(`http://${String(req.headers.host).toLowerCase()}${path}`), enc(normalized)].join('&');
      const expected = createHmac(method === 'HMAC-SHA1' ? 'sha1' : 'sha256', `${enc(secret)}&`).update(base).digest();
      const given = Buffer.from(p.get('oauth_signature') ?? '', 'base64');
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'signature does not match';
      nonces.add(nonce);
      methods.add(method);
      return null;
    },
  };
}
