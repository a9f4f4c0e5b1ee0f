// Slow and hostile clients: a client must finish sending its body in time (408 in the dialect of
// the URL, the connection closed), and one address may hold only so many connections, so a few
// slow sockets cannot hold the server's sockets and memory.
import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import { Transform, type Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { EdgeError } from './framework-errors.ts';

/** A body must arrive within `ms` of its headers; past it the parser fails with a 408 EdgeError. */
export function registerBodyTimeout(app: FastifyInstance, ms: number): void {
  app.addHook('preParsing', async (request, _reply, payload) => {
    const length = request.headers['content-length'];
    if ((length === undefined || length === '0') && request.headers['transfer-encoding'] === undefined) return payload;
    // The raw request is wrapped, not destroyed, so the socket stays open for the 408.
    const timed = new Transform({ transform: (chunk, _enc, next) => next(null, chunk) });
    const timer = setTimeout(() => {
      payload.unpipe(timed);
      payload.pause();
      timed.destroy(new EdgeError('requestTimeout', `The request body did not arrive within ${Math.round(ms / 1000)} seconds.`, 408));
    }, ms);
    timer.unref();
    const done = () => clearTimeout(timer);
    payload.once('end', done);
    payload.once('close', done);
    payload.once('error', (err) => {
      done();
      timed.destroy(err);
    });
    timed.once('close', done);
    (payload as Readable).pipe(timed);
    // Fastify checks the received length against Content-Length through this property.
    Object.defineProperty(timed, 'receivedEncodedLength', { get: () => (payload as { receivedEncodedLength?: number }).receivedEncodedLength });
    return timed;
  });
}

/** Node's own header and whole-request timeouts (a client that never finishes its headers). */
export function applySocketTimeouts(server: Server, headersTimeoutMs: number, requestTimeoutMs: number): void {
  server.headersTimeout = headersTimeoutMs;
  server.requestTimeout = Math.max(requestTimeoutMs, headersTimeoutMs);
}

/** Past `max` open connections from one address, a new one is closed before it is read. */
export function capConnectionsPerAddress(server: Server, max: number): void {
  const open = new Map<string, number>();
  server.on('connection', (socket: Socket) => {
    const address = socket.remoteAddress ?? '';
    const count = (open.get(address) ?? 0) + 1;
    if (count > max) {
      socket.destroy();
      return;
    }
    open.set(address, count);
    socket.once('close', () => {
      const left = (open.get(address) ?? 1) - 1;
      if (left <= 0) open.delete(address);
      else open.set(address, left);
    });
  });
}
