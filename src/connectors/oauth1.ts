// OAuth 1.0a request signing (RFC 5849 §3), as the outbound client sends it: two-legged (a
// consumer key and secret, no token) for Schoology's PLAINTEXT and for the OneRoster 1.1
// binding's HMAC-SHA256 (ClassLink Roster Server and other 1.1 servers that sign rather than
// hand out OAuth 2 tokens). HMAC-SHA256 is not in RFC 5849 itself; it is HMAC-SHA1's
// construction (§3.4.2) with SHA-256, as the IMS security framework and ClassLink's own
// libraries use it. Every GET is signed over its method, its base URI and its query parameters.
import { createHmac } from 'node:crypto';

export type OAuth1SignatureMethod = 'PLAINTEXT' | 'HMAC-SHA1' | 'HMAC-SHA256';

export const OAUTH1_SIGNATURE_METHODS: readonly OAuth1SignatureMethod[] = ['PLAINTEXT', 'HMAC-SHA1', 'HMAC-SHA256'];

export interface OAuth1Credentials {
  consumerKey: string;
  consumerSecret: string;
  signatureMethod: OAuth1SignatureMethod;
  /** Sent as `realm` (not signed, §3.4.1.3.1). */
  realm?: string | undefined;
  /**
   * The token credentials; two-legged requests have none. Schoology's documented header carries an
   * empty `oauth_token=""`, which `{ key: '', secret: '' }` reproduces.
   */
  token?: { key: string; secret: string } | undefined;
}

/**
 * §3.6: every octet of the UTF-8 form except the unreserved ALPHA, DIGIT, '-', '.', '_' and '~' is
 * %XX with upper-case hex. encodeURIComponent leaves !'()* bare, which the RFC encodes.
 */
export function percentEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** §3.4.1.2: scheme and host lower case, the port only when not the scheme's default, no query or fragment. */
export function baseStringUri(url: string): string {
  const u = new URL(url);
  // URL already lower-cases scheme and host and drops a default port; the path stays as sent.
  return `${u.protocol}//${u.host}${u.pathname}`;
}

/** §3.4.1.3.1: the query component's name/value pairs, form-decoded (`+` is a space), in order, repeats kept. */
export function queryParameters(url: string): [string, string][] {
  return [...new URL(url).searchParams.entries()];
}

/** §3.4.1.3.2: each name and value encoded, sorted by name then value (byte order), joined `name=value&…`. */
export function normalizeParameters(params: readonly (readonly [string, string])[]): string {
  const encoded = params.map(([k, v]) => [percentEncode(k), percentEncode(v)] as const);
  // The encoded forms are ASCII, so comparing UTF-16 code units is comparing bytes.
  encoded.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  return encoded.map(([k, v]) => `${k}=${v}`).join('&');
}

/** §3.4.1.1: METHOD&encoded base string URI&encoded normalized parameters. */
export function signatureBaseString(method: string, url: string, params: readonly (readonly [string, string])[]): string {
  return `${method.toUpperCase()}&${percentEncode(baseStringUri(url))}&${percentEncode(normalizeParameters(params))}`;
}

/** §3.4.2 / §3.4.4: the key is the encoded consumer secret and token secret joined by '&'. */
export function signingKey(consumerSecret: string, tokenSecret = ''): string {
  return `${percentEncode(consumerSecret)}&${percentEncode(tokenSecret)}`;
}

/** The oauth_signature value (before the header's own encoding). */
export function sign(method: OAuth1SignatureMethod, baseString: string, key: string): string {
  if (method === 'PLAINTEXT') return key;
  return createHmac(method === 'HMAC-SHA1' ? 'sha1' : 'sha256', key).update(baseString).digest('base64');
}

/**
 * The Authorization header (§3.5.1) for one request. `nonce` and `timestampSeconds` are the
 * caller's so the result is reproducible in tests; the client passes a fresh random nonce.
 */
export function oauth1Authorization(c: OAuth1Credentials, request: { method: string; url: string }, nonce: string, timestampSeconds: number): string {
  const protocol: [string, string][] = [['oauth_consumer_key', c.consumerKey]];
  if (c.token) protocol.push(['oauth_token', c.token.key]);
  protocol.push(['oauth_nonce', nonce], ['oauth_timestamp', String(timestampSeconds)], ['oauth_signature_method', c.signatureMethod], ['oauth_version', '1.0']);
  const key = signingKey(c.consumerSecret, c.token?.secret ?? '');
  // PLAINTEXT signs nothing of the request (§3.4.4), so the query is not read.
  const base = c.signatureMethod === 'PLAINTEXT' ? '' : signatureBaseString(request.method, request.url, [...queryParameters(request.url), ...protocol]);
  protocol.push(['oauth_signature', sign(c.signatureMethod, base, key)]);
  const realm = c.realm !== undefined ? `realm="${c.realm.replace(/["\\]/g, '')}", ` : '';
  return `OAuth ${realm}${protocol.map(([k, v]) => `${k}="${percentEncode(v)}"`).join(', ')}`;
}
