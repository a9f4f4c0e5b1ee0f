// The one outbound HTTP client (undici) every connector reads its source through. It signs each
// request the way the platform wants — OAuth2 client credentials or a refresh token (token
// cached until it expires, fetched again once on a 401), a fixed bearer token, an API key
// exchanged for a short-lived JWT (Ellucian Ethos), OAuth 1.0a two-legged signatures
// (Schoology's PLAINTEXT; OneRoster 1.1's HMAC-SHA256, see oauth1.ts), or fixed headers (an
// Aeries certificate, a ManageBac auth-token, Blackbaud's subscription key) — and retries with exponential backoff on 429, 5xx and network errors,
// waiting as long as the platform's Retry-After or rate-limit reset headers ask. A source whose
// window resets later than we are willing to wait gets an error saying when to run the pull
// again, not a silent stall. Any other failure names the connection and the URL.
import { randomBytes } from 'node:crypto';
import { request } from 'undici';
import { oauth1Authorization, type OAuth1Credentials } from './oauth1.ts';
import { rateLimitWaitMs } from './rate-limit.ts';

export interface SourceAuth {
  /**
   * OAuth2 client credentials at tokenUrl. `scope` may list alternatives, tried in order while the
   * server answers `invalid_scope` ('' sends no scope: the server grants what the client holds).
   * `credentialsIn: 'body'` sends client_id/client_secret in the form (Microsoft identity
   * platform) instead of HTTP Basic (RFC 6749 §2.3.1's preferred form).
   */
  clientCredentials?:
    | { tokenUrl: string; clientId: string; clientSecret: string; scope?: string | string[] | undefined; credentialsIn?: 'basic' | 'body' | undefined }
    | undefined;
  /** OAuth2 refresh-token grant (RFC 6749 §6), with extra form fields the platform wants. */
  refreshToken?: { tokenUrl: string; clientId: string; clientSecret: string; refreshToken: string; extra?: Record<string, string> | undefined } | undefined;
  /** A fixed bearer token (Canvas and Clever access tokens). */
  bearer?: string | undefined;
  /** An API key POSTed as a bearer token to `url`, which answers a JWT as plain text (Ellucian Ethos /auth). */
  apiKeyExchange?: { url: string; apiKey: string } | undefined;
  /**
   * OAuth 1.0a, each request signed on its own (no token to fetch): PLAINTEXT (Schoology; HTTPS
   * carries the secret) or HMAC-SHA256/HMAC-SHA1 over the method, URL and query (OneRoster 1.1).
   */
  oauth1?: OAuth1Credentials | undefined;
}

export interface SourceClientOptions {
  connectionId: string;
  auth: SourceAuth;
  /** Sent with every data request (API keys in headers, Accept versions). */
  headers?: Record<string, string> | undefined;
  /** Attempts per request, the first included. */
  attempts?: number;
  /** Backoff base in ms (doubles per attempt, capped at maxDelayMs). */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** The longest a rate limit's reset is waited for; a later reset fails the pull with when to retry. */
  maxRateLimitWaitMs?: number;
  timeoutMs?: number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

export class SourceError extends Error {
  constructor(
    readonly connectionId: string,
    readonly url: string,
    readonly status: number | null,
    detail: string,
  ) {
    super(`connection ${connectionId}: ${detail} (${url})`);
  }
}

export interface SourceResponse {
  status: number;
  headers: Record<string, string>;
  body: unknown;
  url: string;
}

const RETRYABLE = (status: number) => status === 429 || status >= 500;

interface Token {
  value: string;
  /** ms since the epoch; null: until refused. */
  expiresAt: number | null;
}

export class SourceClient {
  private token: Token | null = null;
  /** No request before this instant: the platform said its window is used up. */
  private notBefore = 0;
  readonly requests = { count: 0, retries: 0, tokens: 0 };

  constructor(private readonly options: SourceClientOptions) {}

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  /** GET a JSON resource; 404 is returned (callers decide), other 4xx throw. */
  async getJson(url: string, { allowNotFound = false }: { allowNotFound?: boolean } = {}): Promise<SourceResponse> {
    const attempts = this.options.attempts ?? 5;
    let refreshed = false;
    for (let attempt = 1; ; attempt++) {
      let res: SourceResponse;
      try {
        res = await this.send(url);
      } catch (err) {
        if (err instanceof SourceError) throw err;
        if (attempt >= attempts) throw new SourceError(this.options.connectionId, url, null, `no answer after ${attempts} attempts: ${(err as Error).message}`);
        this.requests.retries++;
        await this.pause(attempt, null, url);
        continue;
      }
      if (res.status >= 200 && res.status < 300) {
        const wait = rateLimitWaitMs(res.headers, this.now(), false);
        if (wait !== null) this.notBefore = this.now() + wait;
        return res;
      }
      if (res.status === 404 && allowNotFound) return res;
      if (res.status === 401 && this.refreshable() && !refreshed) {
        refreshed = true;
        this.token = null;
        continue;
      }
      if (RETRYABLE(res.status) && attempt < attempts) {
        this.requests.retries++;
        await this.pause(attempt, rateLimitWaitMs(res.headers, this.now(), true), url);
        continue;
      }
      throw new SourceError(this.options.connectionId, url, res.status, `HTTP ${res.status}${describe(res.body)}`);
    }
  }

  private refreshable(): boolean {
    const a = this.options.auth;
    return Boolean(a.clientCredentials || a.refreshToken || a.apiKeyExchange);
  }

  private async send(url: string): Promise<SourceResponse> {
    const authorization = await this.authorization(url);
    const wait = this.notBefore - this.now();
    if (wait > 0) await this.sleepFor(wait, url);
    this.requests.count++;
    const res = await request(url, {
      method: 'GET',
      headers: { accept: 'application/json', ...this.options.headers, ...(authorization ? { authorization } : {}) },
      headersTimeout: this.options.timeoutMs ?? 30_000,
      bodyTimeout: this.options.timeoutMs ?? 30_000,
    });
    const text = await res.body.text();
    const headers = flatHeaders(res.headers);
    let body: unknown = text;
    if (text !== '' && /json/i.test(headers['content-type'] ?? '')) {
      try {
        body = JSON.parse(text);
      } catch {
        if (res.statusCode < 300) throw new SourceError(this.options.connectionId, url, res.statusCode, 'the answer is not valid JSON');
      }
    }
    return { status: res.statusCode, headers, body, url };
  }

  private async authorization(url: string): Promise<string | null> {
    const auth = this.options.auth;
    if (auth.bearer) return `Bearer ${auth.bearer}`;
    // Signed afresh on every attempt: a retry gets a new nonce and timestamp (servers refuse a nonce seen before).
    if (auth.oauth1) return oauth1Authorization(auth.oauth1, { method: 'GET', url }, randomBytes(16).toString('hex'), Math.floor(this.now() / 1000));
    if (!auth.clientCredentials && !auth.refreshToken && !auth.apiKeyExchange) return null;
    // A token about to expire is replaced before use rather than refused mid-pull.
    if (!this.token || (this.token.expiresAt !== null && this.token.expiresAt - 30_000 <= this.now())) this.token = await this.fetchToken();
    return `Bearer ${this.token.value}`;
  }

  private async fetchToken(): Promise<Token> {
    const auth = this.options.auth;
    if (auth.apiKeyExchange) {
      const { url, apiKey } = auth.apiKeyExchange;
      return (await this.requestToken(url, { authorization: `Bearer ${apiKey}`, accept: 'text/plain, application/json' }, '', false))!;
    }
    if (auth.refreshToken) {
      const r = auth.refreshToken;
      const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: r.refreshToken, client_id: r.clientId, client_secret: r.clientSecret, ...r.extra });
      return (await this.requestToken(r.tokenUrl, { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' }, form.toString(), false))!;
    }
    const cc = auth.clientCredentials!;
    const scopes = Array.isArray(cc.scope) ? cc.scope : [cc.scope ?? ''];
    for (const [i, scope] of scopes.entries()) {
      const form = new URLSearchParams({ grant_type: 'client_credentials', ...(scope ? { scope } : {}) });
      const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' };
      if (cc.credentialsIn === 'body') {
        form.set('client_id', cc.clientId);
        form.set('client_secret', cc.clientSecret);
      } else headers.authorization = `Basic ${Buffer.from(`${encodeURIComponent(cc.clientId)}:${encodeURIComponent(cc.clientSecret)}`).toString('base64')}`;
      const token = await this.requestToken(cc.tokenUrl, headers, form.toString(), i < scopes.length - 1);
      if (token !== null) return token;
    }
    throw new SourceError(this.options.connectionId, cc.tokenUrl, 400, `the token endpoint refused every scope tried (${scopes.map((x) => x || '(none)').join(', ')})`);
  }

  /** A token, or null when the server answered invalid_scope and another scope may be tried. */
  private async requestToken(tokenUrl: string, headers: Record<string, string>, body: string, mayTryAnother: boolean): Promise<Token | null> {
    const attempts = this.options.attempts ?? 5;
    for (let attempt = 1; ; attempt++) {
      let status: number;
      let parsed: unknown;
      let text: string;
      let resHeaders: Record<string, string>;
      try {
        this.requests.count++;
        this.requests.tokens++;
        const res = await request(tokenUrl, {
          method: 'POST',
          headers,
          body,
          headersTimeout: this.options.timeoutMs ?? 30_000,
          bodyTimeout: this.options.timeoutMs ?? 30_000,
        });
        status = res.statusCode;
        resHeaders = flatHeaders(res.headers);
        text = await res.body.text();
        try {
          parsed = JSON.parse(text);
        } catch {
          parsed = text;
        }
      } catch (err) {
        if (attempt >= attempts) throw new SourceError(this.options.connectionId, tokenUrl, null, `token endpoint gave no answer: ${(err as Error).message}`);
        this.requests.retries++;
        await this.pause(attempt, null, tokenUrl);
        continue;
      }
      if (status >= 200 && status < 300) {
        const o = (parsed && typeof parsed === 'object' ? parsed : {}) as { access_token?: unknown; expires_in?: unknown };
        // Ethos answers the JWT itself as the body.
        const value = typeof o.access_token === 'string' ? o.access_token : typeof parsed === 'string' && /^[\w-]+\.[\w-]+\.[\w-]*$/.test(text.trim()) ? text.trim() : null;
        if (value !== null) {
          const seconds = Number(o.expires_in);
          return { value, expiresAt: Number.isFinite(seconds) && seconds > 0 ? this.now() + seconds * 1000 : null };
        }
      }
      if (status === 400 && mayTryAnother && (parsed as { error?: unknown })?.error === 'invalid_scope') return null;
      if (RETRYABLE(status) && attempt < attempts) {
        this.requests.retries++;
        await this.pause(attempt, rateLimitWaitMs(resHeaders, this.now(), true), tokenUrl);
        continue;
      }
      throw new SourceError(this.options.connectionId, tokenUrl, status, `token request refused with HTTP ${status}${describe(parsed)}; check the credentials`);
    }
  }

  private async pause(attempt: number, askedMs: number | null, url: string): Promise<void> {
    const base = this.options.baseDelayMs ?? 500;
    const cap = this.options.maxDelayMs ?? 30_000;
    const ms = askedMs !== null ? askedMs : Math.min(cap, base * 2 ** (attempt - 1));
    await this.sleepFor(ms, url);
  }

  private async sleepFor(ms: number, url: string): Promise<void> {
    const limit = this.options.maxRateLimitWaitMs ?? 120_000;
    if (ms > limit)
      throw new SourceError(
        this.options.connectionId,
        url,
        429,
        `the source's rate limit resets at ${new Date(this.now() + ms).toISOString()}, later than termbridge waits (${Math.round(limit / 1000)}s); run the pull again after that (it resumes where it stopped)`,
      );
    await (this.options.sleep ?? ((t) => new Promise((r) => setTimeout(r, t))))(ms);
  }
}

function flatHeaders(raw: Record<string, string | string[] | undefined>): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw)) if (v !== undefined) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  return headers;
}

function describe(body: unknown): string {
  if (body === '' || body === undefined || body === null) return '';
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return `: ${text.slice(0, 300)}`;
}
