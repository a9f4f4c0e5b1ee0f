// A server that is closing (SIGTERM, app.close()) finishes the requests it has and answers any
// that still arrive on open keep-alive connections with 503 and Retry-After, in the dialect of
// the URL, so a load balancer's client retries elsewhere (Fastify's own 503 has neither).
import type { FastifyInstance } from 'fastify';
import type { DialectRegistry } from '../dialects/registry.ts';
import { sendDialectError } from '../dialects/send-error.ts';

export const DRAINING_RETRY_AFTER_SECONDS = 5;

export function registerDraining(app: FastifyInstance, registry: DialectRegistry): void {
  let draining = false;
  app.addHook('preClose', async () => {
    draining = true;
  });
  app.addHook('onRequest', async (request, reply) => {
    if (!draining) return;
    reply.header('connection', 'close');
    return sendDialectError(registry, request, reply, 'unavailable', 'The server is shutting down; retry the request.', 503, {
      retryAfterSeconds: DRAINING_RETRY_AFTER_SECONDS,
    });
  });
}
