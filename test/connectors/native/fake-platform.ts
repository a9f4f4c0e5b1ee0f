// An in-process HTTP server standing in for a platform's API: it keeps a list of terms, serves
// them in the platform's documented shapes and paging (platforms.ts), checks the platform's kind
// of credential, and can answer chosen requests itself (429 with the platform's rate-limit
// headers, 500) or refuse tokens it issued (401) so the connector's retries are exercised.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeTerm {
  id: string;
  name: string;
  begin: string;
  /** Inclusive last day. */
  end: string;
  /** Which of the platform's schools it belongs to (PowerSchool, Aeries). */
  school?: string;
}

export interface FakeRequest {
  method: string;
  /** The request target as received (path and raw query), for checking signatures over it. */
  target: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: string;
}

export interface FakeAnswer {
  status?: number;
  headers?: Record<string, string>;
  body?: unknown;
  /** Sent as is (text/plain). */
  text?: string;
}

export interface Fault {
  match: (line: string, dataRequest: number) => boolean;
  status: number;
  headers?: Record<string, string>;
  times: number;
}

export interface FakePlatform {
  url: string;
  terms: FakeTerm[];
  /** Change history for platforms with a change feed: 'upsert' or 'delete' of a term id. */
  changes: { seq: number; op: 'upsert' | 'delete'; term: FakeTerm }[];
  faults: Fault[];
  log: string[];
  /** Data requests answered so far (token requests not counted). */
  dataRequests: number;
  /** The next data request after this many refuses the tokens issued so far (401), once. */
  revokeAfter: number | null;
  upsert(term: FakeTerm): void;
  remove(id: string): void;
  close(): Promise<void>;
}

export interface PlatformBehaviour {
  /** Answers a token request, or null when `req` is not one. */
  token?: (req: FakeRequest, issue: () => string) => FakeAnswer | null;
  /** Whether a data request carries a valid credential (`valid` knows issued tokens). */
  authorised: (req: FakeRequest, valid: (token: string) => boolean) => boolean;
  serve: (req: FakeRequest, p: FakePlatform) => FakeAnswer;
}

export async function startFakePlatform(behaviour: PlatformBehaviour, terms: FakeTerm[]): Promise<FakePlatform> {
  const issued = new Set<string>();
  let tokenSeq = 0;
  let seq = 0;
  const platform: FakePlatform = {
    url: '',
    terms: terms.map((t) => ({ ...t })),
    changes: [],
    faults: [],
    log: [],
    dataRequests: 0,
    revokeAfter: null,
    upsert(term) {
      const i = this.terms.findIndex((t) => t.id === term.id);
      if (i >= 0) this.terms[i] = term;
      else this.terms.push(term);
      this.changes.push({ seq: ++seq, op: 'upsert', term });
    },
    remove(id) {
      const term = this.terms.find((t) => t.id === id)!;
      this.terms = this.terms.filter((t) => t.id !== id);
      this.changes.push({ seq: ++seq, op: 'delete', term });
    },
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
  const send = (res: ServerResponse, a: FakeAnswer) => {
    if (a.text !== undefined) {
      res.writeHead(a.status ?? 200, { 'content-type': 'text/plain', ...a.headers });
      res.end(a.text);
      return;
    }
    res.writeHead(a.status ?? 200, { 'content-type': 'application/json', ...a.headers });
    res.end(a.body === undefined ? '' : JSON.stringify(a.body));
  };
  const server: Server = createServer(async (incoming, res) => {
    const chunks: Buffer[] = [];
    for await (const c of incoming) chunks.push(c as Buffer);
    const url = new URL(incoming.url ?? '/', 'http://fake');
    const req: FakeRequest = { method: incoming.method ?? 'GET', target: incoming.url ?? '/', path: url.pathname, query: url.searchParams, headers: incoming.headers, body: Buffer.concat(chunks).toString() };
    const line = `${req.method} ${incoming.url}`;
    platform.log.push(line);
    const tokenAnswer = behaviour.token?.(req, () => {
      const t = `tok-${++tokenSeq}`;
      issued.add(t);
      return t;
    });
    if (tokenAnswer) return send(res, tokenAnswer);
    const n = ++platform.dataRequests;
    const fault = platform.faults.find((f) => f.times > 0 && f.match(line, n));
    if (fault) {
      fault.times--;
      return send(res, { status: fault.status, headers: fault.headers ?? {}, body: { error: `injected ${fault.status}` } });
    }
    if (platform.revokeAfter !== null && n > platform.revokeAfter) {
      platform.revokeAfter = null;
      issued.clear();
    }
    if (!behaviour.authorised(req, (t) => issued.has(t))) return send(res, { status: 401, body: { error: 'unauthorized' } });
    send(res, behaviour.serve(req, platform));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  platform.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return platform;
}

/** The bearer token of a request, if any. */
export function bearer(req: FakeRequest): string | null {
  const m = /^Bearer (.+)$/.exec(req.headers.authorization ?? '');
  return m ? m[1]! : null;
}

/** An OAuth2 token endpoint at `path` answering RFC 6749 §5.1 JSON. */
export function oauthToken(path: string, check: (req: FakeRequest) => boolean = () => true) {
  return (req: FakeRequest, issue: () => string): FakeAnswer | null => {
    if (req.method !== 'POST' || req.path !== path) return null;
    if (!check(req)) return { status: 401, body: { error: 'invalid_client' } };
    return { body: { access_token: issue(), token_type: 'bearer', expires_in: 3600 } };
  };
}

/** A page of a list by offset/limit. */
export function slice<T>(items: T[], offset: number, limit: number): T[] {
  return items.slice(offset, offset + limit);
}
