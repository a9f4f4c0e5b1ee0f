// Answers an error in the envelope of the dialect that owns the request's URL.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { STATUS_OF, type ErrorKind } from './dialect.ts';
import type { DialectRegistry } from './registry.ts';

export function sendDialectError(
  registry: DialectRegistry,
  request: FastifyRequest,
  reply: FastifyReply,
  kind: ErrorKind,
  message: string,
  status = STATUS_OF[kind],
): FastifyReply {
  const path = request.url.split('?')[0] ?? request.url;
  const dialect = registry.forPath(path);
  const response = dialect
    ? dialect.formatError(kind, message, status)
    : { status, body: { error: kind, message } };
  if (response.headers) for (const [k, v] of Object.entries(response.headers)) reply.header(k, v);
  return reply.code(response.status).type('application/json; charset=utf-8').send(response.body);
}
