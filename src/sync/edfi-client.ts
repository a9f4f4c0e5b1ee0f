// A small client for an Ed-Fi ODS/API v7 target: OAuth2 client credentials (one token shared
// by every request until it expires or a 401 says otherwise), request timeouts, and the
// resource calls the worker needs. It never retries by itself; the worker decides.
import type { NaturalKeyValues, SyncResource } from './derive/edfi-record.ts';

export interface EdfiTarget {
  /** API root: {baseUrl}/oauth/token and {baseUrl}/data/v3/ed-fi/... */
  baseUrl: string;
  key: string;
  secret: string;
}

export interface EdfiResponse {
  status: number;
  headers: Headers;
  body: unknown;
}

/** No HTTP answer at all: refused connection, reset, timeout. Always worth retrying. */
export class TransportError extends Error {}

export class EdfiClient {
  private token: { value: string; expiresAt: number } | null = null;
  private pendingToken: Promise<string> | null = null;
  /** Tokens fetched so far (tests and the bench read it). */
  tokenRequests = 0;

  constructor(
    private readonly target: EdfiTarget,
    private readonly options: { timeoutMs?: number; fetch?: typeof fetch } = {},
  ) {}

  private get root(): string {
    return this.target.baseUrl.replace(/\/+$/, '');
  }

  private async fetchToken(): Promise<string> {
    this.tokenRequests++;
    const res = await this.http(`${this.root}/oauth/token`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${this.target.key}:${this.target.secret}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'grant_type=client_credentials',
    });
    const body = (await readBody(res)) as { access_token?: string; expires_in?: number } | null;
    if (res.status !== 200 || !body?.access_token)
      throw new TargetAuthError(res.status, body, `The target refused the client credentials (${res.status}); check the key and secret with 'termbridge sync target set'.`);
    // Renew a minute early so a long run never sends an expired token.
    this.token = { value: body.access_token, expiresAt: Date.now() + Math.max(30, (body.expires_in ?? 1800) - 60) * 1000 };
    return body.access_token;
  }

  /** The shared token; concurrent callers wait for the same fetch. */
  private async bearer(forceRefresh = false): Promise<string> {
    if (!forceRefresh && this.token && this.token.expiresAt > Date.now()) return this.token.value;
    if (!this.pendingToken) this.pendingToken = this.fetchToken().finally(() => (this.pendingToken = null));
    return this.pendingToken;
  }

  /** One API call; a 401 refreshes the token once and repeats the call. */
  async request(method: string, path: string, body?: unknown): Promise<EdfiResponse> {
    let token = await this.bearer();
    for (let attempt = 0; ; attempt++) {
      const res = await this.http(`${this.root}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
      if (res.status === 401 && attempt === 0) {
        await res.body?.cancel();
        this.token = null;
        token = await this.bearer(true);
        continue;
      }
      return { status: res.status, headers: res.headers, body: await readBody(res) };
    }
  }

  private async http(url: string, init: RequestInit): Promise<Response> {
    const f = this.options.fetch ?? fetch;
    try {
      return await f(url, { ...init, signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000) });
    } catch (err) {
      const e = err as Error & { cause?: { code?: string } };
      throw new TransportError(e.name === 'TimeoutError' ? `timed out after ${this.options.timeoutMs ?? 10_000} ms: ${init.method} ${url}` : `${e.message}${e.cause?.code ? ` (${e.cause.code})` : ''}: ${init.method} ${url}`);
    }
  }

  post(resource: SyncResource, body: unknown) {
    return this.request('POST', `/data/v3/ed-fi/${resource}`, body);
  }
  put(resource: SyncResource, id: string, body: unknown) {
    return this.request('PUT', `/data/v3/ed-fi/${resource}/${encodeURIComponent(id)}`, body);
  }
  delete(resource: SyncResource, id: string) {
    return this.request('DELETE', `/data/v3/ed-fi/${resource}/${encodeURIComponent(id)}`);
  }

  /** The target's id of the item with this natural key; null when it has none. */
  async findId(resource: SyncResource, key: NaturalKeyValues): Promise<{ id: string | null; response: EdfiResponse }> {
    const res = await this.request('GET', `/data/v3/ed-fi/${resource}?${new URLSearchParams(Object.entries(key).map(([k, v]) => [k, String(v)]))}`);
    if (res.status !== 200 || !Array.isArray(res.body)) return { id: null, response: res };
    const item = (res.body as Array<{ id?: string }>)[0];
    return { id: item?.id ?? null, response: res };
  }

  /** Every item of a resource for one school (resync), following offset paging. */
  async listForSchool(resource: SyncResource, schoolId: number, schoolYear?: number): Promise<Array<Record<string, unknown>>> {
    const out: Array<Record<string, unknown>> = [];
    for (let offset = 0; ; offset += 500) {
      const q = new URLSearchParams({ schoolId: String(schoolId), limit: '500', offset: String(offset) });
      if (schoolYear !== undefined) q.set('schoolYear', String(schoolYear));
      const res = await this.request('GET', `/data/v3/ed-fi/${resource}?${q}`);
      if (res.status !== 200 || !Array.isArray(res.body)) throw new TransportError(`listing ${resource} for school ${schoolId} answered ${res.status}`);
      out.push(...(res.body as Array<Record<string, unknown>>));
      if (res.body.length < 500) return out;
    }
  }
}

export class TargetAuthError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    message: string,
  ) {
    super(message);
  }
}

async function readBody(res: Response): Promise<unknown> {
  const text = await res.text();
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** The id at the end of a Location header (`…/ed-fi/sessions/{id}`). */
export function idFromLocation(headers: Headers): string | null {
  const loc = headers.get('location');
  if (!loc) return null;
  const last = loc.split('?')[0]!.split('/').filter(Boolean).pop();
  return last ?? null;
}
