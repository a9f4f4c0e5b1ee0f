// Answers an error in the envelope of the dialect that owns the request's URL.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { STATUS_OF, type ErrorContext, type ErrorKind } from './dialect.ts';
import type { DialectRegistry } from './registry.ts';

export function sendDialectError(
  registry: DialectRegistry,
  request: FastifyRequest,
  reply: FastifyReply,
  kind: ErrorKind,
  message: string,
  status = STATUS_OF[kind],
  context: ErrorContext = {},
): FastifyReply {
  const path = request.url.split('?')[0] ?? request.url;
  const dialect = registry.forPath(path);
  const response = dialect ? dialect.formatError(kind, message, status, { ...context, request: { headers: request.headers, query: request.query } }) : { status, body: { error: kind, message } };
  const headers = Object.fromEntries(Object.entries(response.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
  if ((kind === 'rateLimited' || kind === 'unavailable') && context.retryAfterSeconds !== undefined && !headers['retry-after'])
    headers['retry-after'] = String(Math.max(1, Math.ceil(context.retryAfterSeconds)));
  // RFC 6750 §3: a 401 to a bearer-protected resource names the scheme.
  if (response.status === 401 && !headers['www-authenticate'])
    headers['www-authenticate'] = context.reason === 'invalidToken' || context.reason === 'expiredToken' ? 'Bearer error="invalid_token"' : 'Bearer';
  for (const [k, v] of Object.entries(headers)) reply.header(k, v);
  return reply.code(response.status).type('application/json; charset=utf-8').send(response.body);
}
