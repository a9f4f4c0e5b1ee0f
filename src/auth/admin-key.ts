// The server's admin key: a random secret `serve` writes (0600) into the lock file of the data
// directory it holds, so the CLI on the same machine can administer through the running server
// instead of opening the single-process embedded database a second time.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { Principal } from './client-repository.ts';
import { ADMIN_SCOPE } from './administration.ts';
import type { TokenAuthority } from './hook.ts';

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

/**
 * Whether the request comes straight from this machine. The socket address, not request.ip:
 * with trustProxy, request.ip is whatever X-Forwarded-For says. A request that carries
 * forwarding headers came through a proxy, so it is not local even if the proxy is.
 */
export function isDirectLoopback(request: FastifyRequest): boolean {
  const h = request.headers;
  if (h['x-forwarded-for'] !== undefined || h.forwarded !== undefined || h['x-real-ip'] !== undefined) return false;
  return LOOPBACK.has(request.socket.remoteAddress ?? '');
}

const digest = (s: string) => createHash('sha256').update(s).digest();

export const ADMIN_PRINCIPAL: Principal = { tenantId: '', clientId: 'termbridge-admin', scopes: [ADMIN_SCOPE], admin: true };

/** Vouches for the admin key, and only on a direct loopback connection. */
export function adminKeyAuthority(adminKey: string): TokenAuthority {
  const expected = digest(adminKey);
  return async (token, request) => (timingSafeEqual(digest(token), expected) && isDirectLoopback(request) ? ADMIN_PRINCIPAL : null);
}
