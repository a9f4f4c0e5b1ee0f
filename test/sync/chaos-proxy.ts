// A loopback proxy in front of an Ed-Fi target that fails requests on purpose: 429 with
// Retry-After, 500, a request never answered (the client times out), a reset connection, and
// the hardest, a lost acknowledgement — the request is forwarded, the target commits it, and the
// caller hears 500 or a reset instead. Counts what it did, and logs what reached the target.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export const FAULT_KINDS = ['429', '500', 'timeout', 'reset', 'lost-500', 'lost-reset'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface Forwarded {
  method: string;
  path: string;
  body: unknown;
  /** What the target answered (the caller may have heard otherwise). */
  status: number;
}

export interface ChaosOptions {
  /** Share of requests (token requests included) that are faulted. */
  rate: number;
  /** Seeded, so a failing run can be repeated. */
  seed: number;
  /** Retry-After seconds on a 429. */
  retryAfter?: number;
  /** How long a 'timeout' request is held before the socket is dropped (beyond the client's timeout). */
  holdMs?: number;
}

export class ChaosProxy {
  url = '';
  requests = 0;
  faults: Record<FaultKind, number> = Object.fromEntries(FAULT_KINDS.map((k) => [k, 0])) as Record<FaultKind, number>;
  forwarded: Forwarded[] = [];
  /** While set, writes to /data are held unanswered (a worker stuck mid-send). */
  stallWrites = false;
  /** Writes held by stallWrites so far. */
  stalled = 0;
  /** Requests to /data repeated sooner than the Retry-After of the 429 they got. */
  tooEarly = 0;
  private throttled = new Map<string, number>();
  /** Writes wait this long before they are forwarded (a slow target). */
  delayWritesMs = 0;
  private server!: Server;
  private random: () => number;
  private held = new Set<ServerResponse>();

  constructor(
    private readonly targetUrl: string,
    private options: ChaosOptions,
  ) {
    this.random = mulberry32(options.seed);
  }

  setRate(rate: number): void {
    this.options = { ...this.options, rate };
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => void this.handle(req, res).catch(() => res.destroy()));
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  private nextKind = 0;

  /** Whether to fault is random (seeded); which fault goes round the kinds, so every kind occurs. */
  private pick(): FaultKind | null {
    if (this.random() >= this.options.rate) return null;
    return FAULT_KINDS[this.nextKind++ % FAULT_KINDS.length]!;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    const write = req.method !== 'GET' && req.url!.startsWith('/data/');
    if (write && this.stallWrites) {
      this.stalled++;
      this.held.add(res);
      return;
    }
    this.requests++;
    const line = `${req.method} ${req.url} ${body.toString()}`;
    const notBefore = this.throttled.get(line);
    if (notBefore !== undefined) {
      if (Date.now() < notBefore) this.tooEarly++;
      this.throttled.delete(line);
    }
    const fault = this.pick();
    if (fault) this.faults[fault]++;
    if (fault === '429') {
      if (req.url!.startsWith('/data/')) this.throttled.set(line, Date.now() + (this.options.retryAfter ?? 1) * 1000);
      res.writeHead(429, { 'content-type': 'application/json', 'retry-after': String(this.options.retryAfter ?? 1) }).end(JSON.stringify({ status: 429, detail: 'injected' }));
      return;
    }
    if (fault === '500') {
      res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 500, detail: 'injected' }));
      return;
    }
    if (fault === 'reset') {
      res.destroy();
      return;
    }
    if (fault === 'timeout') {
      this.held.add(res);
      setTimeout(() => (this.held.delete(res), res.destroy()), this.options.holdMs ?? 3000).unref();
      return;
    }
    if (write && this.delayWritesMs > 0) await new Promise((r) => setTimeout(r, this.delayWritesMs));
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string' && k !== 'host' && k !== 'content-length' && k !== 'connection') headers[k] = v;
    const upstream = await fetch(`${this.targetUrl}${req.url}`, { method: req.method!, headers, ...(body.length ? { body } : {}) });
    const text = await upstream.text();
    if (write) this.forwarded.push({ method: req.method!, path: req.url!.split('?')[0]!, body: body.length ? JSON.parse(body.toString()) : null, status: upstream.status });
    if (fault === 'lost-500') {
      res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 500, detail: 'injected after commit' }));
      return;
    }
    if (fault === 'lost-reset') {
      res.destroy();
      return;
    }
    const out: Record<string, string> = {};
    for (const h of ['content-type', 'location', 'etag', 'retry-after']) {
      const v = upstream.headers.get(h);
      if (v) out[h] = v;
    }
    res.writeHead(upstream.status, out).end(text);
  }

  /** Drops every held request (their callers see a reset). */
  releaseHeld(): void {
    for (const res of this.held) res.destroy();
    this.held.clear();
  }

  close(): Promise<void> {
    this.releaseHeld();
    return new Promise((r) => {
      this.server.close(() => r());
      this.server.closeAllConnections();
    });
  }
}

/** Natural key of a POSTed body, for counting items created twice. */
export function postedKey(path: string, body: any): string {
  const resource = path.split('/').filter(Boolean).pop()!;
  if (resource === 'schoolYearTypes') return `${resource}:${body.schoolYear}`;
  const base = `${resource}:${body.schoolReference?.schoolId}:${body.schoolYearTypeReference?.schoolYear}`;
  return resource === 'gradingPeriods' ? `${base}:${body.gradingPeriodDescriptor}:${body.gradingPeriodName}` : `${base}:${body.sessionName}`;
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
