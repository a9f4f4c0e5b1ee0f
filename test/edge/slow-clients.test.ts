// Slow and hostile clients (issue 18): a body that does not arrive in time is 408 in the dialect
// of its URL; one address holds a bounded number of connections; a draining server answers 503
// with Retry-After in the dialect; the embedded database refuses past its queue with 503.
import { connect, type Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type AppOptions } from '../../src/server.ts';
import { WorkQueue } from '../../src/edge/embedded-queue.ts';
import { openTestStore, createTenant } from '../harness.ts';
import { shapeOf, shapeProblem } from './dialect-shape.ts';

interface Listening {
  app: FastifyInstance;
  port: number;
  close(): Promise<void>;
}

// One store for the file (opening PGlite is the slow part); each test builds its own app on it.
let store: Awaited<ReturnType<typeof openTestStore>>;
beforeAll(async () => {
  store = await openTestStore('pglite');
});
afterAll(() => store.close());

const opened: Listening[] = [];
afterEach(async () => {
  for (const l of opened.splice(0)) await l.close().catch(() => undefined);
});

async function listen(options: Omit<AppOptions, 'store'>): Promise<Listening & { store: typeof store }> {
  const app = await buildApp({ store, ...options });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const l = { app, port, store, close: () => app.close() };
  opened.push(l);
  return l;
}

function open(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1', () => resolve(s));
    s.on('error', reject);
  });
}

/** Everything the server writes until it closes the socket, or what arrived after `ms`. */
function readAll(socket: Socket, ms = 5000): Promise<string> {
  return new Promise((resolve) => {
    let data = '';
    const timer = setTimeout(() => resolve(data), ms);
    socket.on('data', (d) => (data += d.toString()));
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(data);
    });
    socket.on('error', () => undefined);
  });
}

function response(raw: string): { status: number; headers: string; body: unknown } {
  const [head = '', ...rest] = raw.split('\r\n\r\n');
  const status = Number(head.split(' ')[1]);
  const text = rest.join('\r\n\r\n');
  // A chunked body: take the JSON between the chunk sizes.
  const json = text.slice(text.indexOf('{'), text.lastIndexOf('}') + 1);
  return { status, headers: head.toLowerCase(), body: json ? JSON.parse(json) : undefined };
}

describe('slow clients', () => {
  it('a body that does not arrive in time is 408 in the dialect of its URL, and the connection closes', async () => {
    const l = await listen({ limits: { bodyTimeoutMs: 300 } });
    const tenant = await createTenant(l);
    const { authorization } = await tenant.auth(['edfi:write']);
    for (const [path, auth] of [['/oauth/token', ''], ['/data/v3/ed-fi/sessions', `authorization: ${authorization}\r\n`]] as const) {
      const s = await open(l.port);
      const done = readAll(s);
      s.write(`POST ${path} HTTP/1.1\r\nhost: x\r\n${auth}content-type: application/json\r\ncontent-length: 100\r\n\r\n{"grant_type":`);
      const r = response(await done);
      expect(r.status, path).toBe(408);
      expect(shapeProblem(shapeOf(path)!, 408, r.body), path).toBeUndefined();
      expect(r.headers).toContain('connection: close');
    }
  });

  it('a body that arrives in time is served as usual', async () => {
    const l = await listen({ limits: { bodyTimeoutMs: 2000 } });
    const s = await open(l.port);
    const done = readAll(s, 1500);
    s.write('POST /oauth/token HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 35\r\n\r\n{"grant_type":"client_credentials');
    await new Promise((r) => setTimeout(r, 100));
    s.write('"}');
    const r = response(await done);
    expect(r.status).toBe(401); // no credentials: the route answered, the body was whole
    s.destroy();
  });

  it('one address holds at most the configured number of connections', async () => {
    const l = await listen({ limits: { connectionsPerAddress: 3 } });
    const kept = [await open(l.port), await open(l.port), await open(l.port)];
    const extra = await open(l.port);
    const extraData = await readAll(extra, 2000);
    expect(extraData).toBe('');
    expect(extra.destroyed || extra.readableEnded).toBe(true);
    // The kept connections still work, and closing one makes room.
    const k = readAll(kept[0]!, 2000);
    kept[0]!.write('GET /healthz HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n');
    expect(response(await k).status).toBe(200);
    const again = await open(l.port);
    const a = readAll(again, 2000);
    again.write('GET /healthz HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n');
    expect(response(await a).status).toBe(200);
    for (const s of kept) s.destroy();
  });

  it('a request arriving while the server drains is 503 with Retry-After in the dialect of its URL', async () => {
    const l = await listen({ limits: { bodyTimeoutMs: 10_000 } });
    const tenant = await createTenant(l);
    const { authorization } = await tenant.auth(['edfi:read', 'edfi:write']);
    const s = await open(l.port);
    const done = readAll(s, 5000);
    // A first request in flight (its body still coming) keeps the connection busy through close().
    s.write(`POST /data/v3/ed-fi/sessions HTTP/1.1\r\nhost: x\r\nauthorization: ${authorization}\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\r\n{`);
    await new Promise((r) => setTimeout(r, 100));
    const closing = l.app.close();
    await new Promise((r) => setTimeout(r, 100));
    // The rest of the first body, then a second request pipelined on the same connection.
    s.write(`}GET /data/v3/ed-fi/sessions HTTP/1.1\r\nhost: x\r\nauthorization: ${authorization}\r\n\r\n`);
    const raw = await done;
    await closing;
    const second = raw.slice(raw.indexOf('HTTP/1.1', 10));
    const r = response(second);
    expect(r.status, raw).toBe(503);
    expect(r.headers).toMatch(/retry-after: \d+/);
    expect(shapeProblem('edfi', 503, r.body)).toBeUndefined();
  });
});

describe('the embedded database queue', () => {
  it('refuses past its queue with 503 and Retry-After in the dialect, and serves the admitted', async () => {
    const app = await buildApp({ store, limits: { embeddedConcurrency: 1, embeddedQueue: 2, embeddedMaxWaitMs: 60_000 } });
    opened.push({ app, port: 0, close: () => app.close() });
    const tenant = await createTenant({ store });
    const { authorization } = await tenant.auth(['edfi:read', 'edlink:read']);
    const urls = Array.from({ length: 12 }, (_, i) => (i % 2 ? '/data/v3/ed-fi/sessions' : '/api/v2/graph/sessions'));
    const answers = await Promise.all(urls.map((url) => app.inject({ url, headers: { authorization } })));
    const statuses = answers.map((a) => a.statusCode);
    expect(statuses.filter((s) => s === 200).length).toBe(3);
    expect(statuses.filter((s) => s === 503).length).toBe(9);
    answers.forEach((a, i) => {
      if (a.statusCode !== 503) return;
      expect(Number(a.headers['retry-after'])).toBeGreaterThan(0);
      expect(shapeProblem(shapeOf(urls[i]!)!, 503, a.json())).toBeUndefined();
    });
    // Once the flood is over, the queue is empty again.
    expect((await app.inject({ url: '/data/v3/ed-fi/sessions', headers: { authorization } })).statusCode).toBe(200);
  });

  it('a waiter is refused once it has waited the longest allowed', async () => {
    const q = new WorkQueue({ concurrency: 1, queue: 5, maxWaitMs: 50 });
    expect(await q.acquire()).toBe(true);
    expect(await q.acquire()).toBe(false); // waited 50 ms, the holder did not release
    const waiting = q.acquire();
    q.release();
    expect(await waiting).toBe(true);
    q.release();
    expect(await q.acquire()).toBe(true);
    expect(q.refused).toBe(1);
  });
});
