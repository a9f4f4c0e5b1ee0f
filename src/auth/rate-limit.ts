// Per-client request rate limit (@fastify/rate-limit). It runs in preParsing, after the auth
// hook (onRequest), so the key is the authenticated client; routes without a token (token
// endpoint, docs, health) are keyed by address. A refusal is thrown to the error handler, which
// answers 429 in the route's dialect with Retry-After. The counts live in the database, shared
// by every server on it (src/auth/shared-rate-limit-store.ts).
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { SharedCounters } from '../store/shared-counters.ts';
import { DEFAULT_RATE_LIMIT_SYNC_MS, sharedRateLimitStore } from './shared-rate-limit-store.ts';

export const DEFAULT_RATE_LIMIT_PER_MINUTE = 1200;

export interface RateLimitPolicy {
  max: number;
  timeWindowMs: number;
  /** How stale a server's view of a shared count may be before a request reads it (default 250 ms; 0: every request). */
  syncMs?: number;
}

/** RATE_LIMIT_PER_MINUTE from the environment, else the generous default. */
export function rateLimitFromEnv(env: NodeJS.ProcessEnv = process.env): RateLimitPolicy {
  const raw = env.RATE_LIMIT_PER_MINUTE;
  const max = raw === undefined || raw === '' ? DEFAULT_RATE_LIMIT_PER_MINUTE : Number(raw);
  if (!Number.isInteger(max) || max < 1) throw new Error(`RATE_LIMIT_PER_MINUTE must be a positive integer, not '${raw}'`);
  return { max, timeWindowMs: 60_000 };
}

/** An error the app's error handler recognises (statusCode 429) and turns into the dialect's 429. */
export class RateLimitedError extends Error {
  readonly statusCode = 429;
  constructor(readonly retryAfterSeconds: number) {
    super(`Too many requests from this client; retry in ${retryAfterSeconds} seconds.`);
  }
}

export function rateLimitKey(request: FastifyRequest): string {
  const p = request.principal;
  return p ? `client:${p.tenantId}:${p.clientId}` : `addr:${request.ip}`;
}

export async function registerRateLimit(app: FastifyInstance, policy: RateLimitPolicy, counters: SharedCounters): Promise<void> {
  await app.register(rateLimit, {
    global: true,
    store: sharedRateLimitStore(counters, policy.timeWindowMs, policy.syncMs ?? DEFAULT_RATE_LIMIT_SYNC_MS),
    // The database failing a count must not fail the request (which then fails on its own, or not).
    skipOnError: true,
    hook: 'preParsing',
    max: policy.max,
    timeWindow: policy.timeWindowMs,
    keyGenerator: rateLimitKey,
    errorResponseBuilder: (_request, context) => new RateLimitedError(Math.max(1, Math.ceil(context.ttl / 1000))),
  });
}
