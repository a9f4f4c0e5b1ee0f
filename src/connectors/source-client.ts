// HTTP to a source system (undici): OAuth2 client credentials or a fixed bearer token, retries
// with exponential backoff on 429, 5xx and network timeouts (honouring Retry-After), one token
// refresh on a 401, and otherwise an error that names the connection and the URL.
import { request } from 'undici';

export interface SourceAuth {
  /** OAuth2 client credentials at tokenUrl. */
  /**
   * OAuth2 client credentials at tokenUrl. `scope` may list alternatives, tried in order while the
   * server answers `invalid_scope` ('' sends no scope: the server grants what the client holds).
   */
  clientCredentials?: { tokenUrl: string; clientId: string; clientSecret: string; scope?: string | string[] | undefined } | undefined;
  /** A fixed bearer token (Canvas access tokens). */
  bearer?: string | undefined;
}

export interface SourceClientOptions {
  connectionId: string;
  auth: SourceAuth;
  /** Attempts per request, the first included. */
  attempts?: number;
  /** Backoff base in ms (doubles per attempt, capped at maxDelayMs). */
  baseDelayMs?: number;
  maxDelayMs?: number;
  timeoutMs?: number;
  sleep?: (ms: number) => Promise<void>;
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

export class SourceClient {
  private token: string | null = null;
  readonly requests = { count: 0, retries: 0 };

  constructor(private readonly options: SourceClientOptions) {}

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
        await this.pause(attempt, undefined);
        continue;
      }
      if (res.status >= 200 && res.status < 300) return res;
      if (res.status === 404 && allowNotFound) return res;
      if (res.status === 401 && this.options.auth.clientCredentials && !refreshed) {
        refreshed = true;
        this.token = null;
        continue;
      }
      if (RETRYABLE(res.status) && attempt < attempts) {
        this.requests.retries++;
        await this.pause(attempt, res.headers['retry-after']);
        continue;
      }
      throw new SourceError(this.options.connectionId, url, res.status, `HTTP ${res.status}${describe(res.body)}`);
    }
  }

  private async send(url: string): Promise<SourceResponse> {
    const authorization = await this.authorization();
    this.requests.count++;
    const res = await request(url, {
      method: 'GET',
      headers: { accept: 'application/json', ...(authorization ? { authorization } : {}) },
      headersTimeout: this.options.timeoutMs ?? 30_000,
      bodyTimeout: this.options.timeoutMs ?? 30_000,
    });
    const text = await res.body.text();
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
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

  private async authorization(): Promise<string | null> {
    const auth = this.options.auth;
    if (auth.bearer) return `Bearer ${auth.bearer}`;
    if (!auth.clientCredentials) return null;
    if (!this.token) this.token = await this.fetchToken(auth.clientCredentials);
    return `Bearer ${this.token}`;
  }

  private async fetchToken(cc: NonNullable<SourceAuth['clientCredentials']>): Promise<string> {
    const scopes = Array.isArray(cc.scope) ? cc.scope : [cc.scope ?? ''];
    for (const [i, scope] of scopes.entries()) {
      const token = await this.requestToken(cc, scope, i < scopes.length - 1);
      if (token !== null) return token;
    }
    throw new SourceError(this.options.connectionId, cc.tokenUrl, 400, `the token endpoint refused every scope tried (${scopes.map((x) => x || '(none)').join(', ')})`);
  }

  /** A token, or null when the server answered invalid_scope and another scope may be tried. */
  private async requestToken(cc: NonNullable<SourceAuth['clientCredentials']>, scope: string, mayTryAnother: boolean): Promise<string | null> {
    const attempts = this.options.attempts ?? 5;
    const form = new URLSearchParams({ grant_type: 'client_credentials', ...(scope ? { scope } : {}) });
    const basic = Buffer.from(`${encodeURIComponent(cc.clientId)}:${encodeURIComponent(cc.clientSecret)}`).toString('base64');
    for (let attempt = 1; ; attempt++) {
      let status: number;
      let body: unknown;
      let retryAfter: string | undefined;
      try {
        this.requests.count++;
        const res = await request(cc.tokenUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${basic}`, accept: 'application/json' },
          body: form.toString(),
          headersTimeout: this.options.timeoutMs ?? 30_000,
          bodyTimeout: this.options.timeoutMs ?? 30_000,
        });
        status = res.statusCode;
        const ra = res.headers['retry-after'];
        retryAfter = Array.isArray(ra) ? ra[0] : ra;
        const text = await res.body.text();
        try {
          body = JSON.parse(text);
        } catch {
          body = text;
        }
      } catch (err) {
        if (attempt >= attempts) throw new SourceError(this.options.connectionId, cc.tokenUrl, null, `token endpoint gave no answer: ${(err as Error).message}`);
        this.requests.retries++;
        await this.pause(attempt, undefined);
        continue;
      }
      const token = (body as { access_token?: unknown })?.access_token;
      if (status === 200 && typeof token === 'string') return token;
      if (status === 400 && mayTryAnother && (body as { error?: unknown })?.error === 'invalid_scope') return null;
      if (RETRYABLE(status) && attempt < attempts) {
        this.requests.retries++;
        await this.pause(attempt, retryAfter);
        continue;
      }
      throw new SourceError(this.options.connectionId, cc.tokenUrl, status, `token request refused with HTTP ${status}${describe(body)}; check the client id and secret`);
    }
  }

  private async pause(attempt: number, retryAfter: string | undefined): Promise<void> {
    const base = this.options.baseDelayMs ?? 500;
    const cap = this.options.maxDelayMs ?? 30_000;
    let ms = Math.min(cap, base * 2 ** (attempt - 1));
    if (retryAfter !== undefined) {
      const seconds = Number(retryAfter);
      const at = Date.parse(retryAfter);
      if (Number.isFinite(seconds)) ms = Math.min(cap, Math.max(0, seconds * 1000));
      else if (Number.isFinite(at)) ms = Math.min(cap, Math.max(0, at - Date.now()));
    }
    await (this.options.sleep ?? ((t) => new Promise((r) => setTimeout(r, t))))(ms);
  }
}

function describe(body: unknown): string {
  if (body === '' || body === undefined || body === null) return '';
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return `: ${text.slice(0, 300)}`;
}
