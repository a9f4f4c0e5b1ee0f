// The response cache on the wire: a preHandler hook (after the auth hook, the scope check and the
// rate limit) answers a hit; an onSend hook stores a 200 computed on a miss. Also keeps the
// data_changes table short, since every authenticated request sums it.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { routeKey } from '../dialects/registry.ts';
import { compactDataChanges } from '../store/data-changes.ts';
import type { Store } from '../store/database.ts';
import { ResponseCache, responseCacheKey } from './response-cache.ts';

/**
 * Reads whose answers depend only on tables migration 007 counts writes to, and on nothing
 * else that changes: not the clock (Canvas's `current` term, Edlink's expiring cursors), not the
 * change horizon (availableChangeVersions; see followsChanges), not SIS staging tables.
 */
export const CACHEABLE_READS: ReadonlySet<string> = new Set(
  [
    ...['sessions', 'gradingPeriods', 'schools'].flatMap((r) => [`/data/v3/ed-fi/${r}`, `/data/v3/ed-fi/${r}/:id`, `/data/v3/ed-fi/${r}/deletes`, `/data/v3/ed-fi/${r}/keyChanges`]),
    '/data/v3/ed-fi/sessions/partitions',
    '/data/v3/ed-fi/gradingPeriods/partitions',
    ...['schoolYearTypes', 'termDescriptors', 'gradingPeriodDescriptors'].flatMap((r) => [`/data/v3/ed-fi/${r}`, `/data/v3/ed-fi/${r}/:id`]),
    ...['academicSessions', 'terms', 'gradingPeriods'].flatMap((r) => [`/ims/oneroster/rostering/v1p2/${r}`, `/ims/oneroster/rostering/v1p2/${r}/:sourcedId`]),
    '/ims/oneroster/rostering/v1p2/schools/:schoolSourcedId/terms',
    '/ims/oneroster/rostering/v1p2/terms/:termSourcedId/gradingPeriods',
  ].map((url) => routeKey('GET', url)),
);

/** Conditional and snapshot reads are answered by their routes, which know ETags and snapshots. */
const ANSWERED_BY_ROUTE = ['if-none-match', 'if-modified-since', 'if-match', 'use-snapshot'];

/**
 * Reads that follow changes — an Ed-Fi change window, a OneRoster filter on dateLastModified —
 * end at the tenant's change horizon (src/store/change-horizon.ts), which also moves when a
 * transaction rolls back or time passes, neither of which counts as a write: such an answer
 * could stay short of the horizon for good, so it is never kept.
 */
export function followsChanges(query: unknown): boolean {
  const q = (query ?? {}) as Record<string, unknown>;
  if (q.minChangeVersion !== undefined || q.maxChangeVersion !== undefined) return true;
  const filter = q.filter;
  return filter !== undefined && /datelastmodified/i.test(String(filter));
}

/** Headers that belong to one exchange, not to the resource. */
const NOT_STORED = /^(content-length|date|connection|keep-alive|transfer-encoding|set-cookie|retry-after|x-ratelimit-.*)$/i;

/** More rows than this and the next request folds them (one statement, in the background). */
export const COMPACT_AFTER_ROWS = 64;

/** TERMBRIDGE_RESPONSE_CACHE_MB (default 64; 0 turns the cache off). */
export function responseCacheBytesFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.TERMBRIDGE_RESPONSE_CACHE_MB;
  const mb = raw === undefined || raw === '' ? 64 : Number(raw);
  if (!Number.isFinite(mb) || mb < 0) throw new Error(`TERMBRIDGE_RESPONSE_CACHE_MB must be a number of megabytes ≥ 0, not '${raw}'`);
  return Math.floor(mb * 1024 * 1024);
}

declare module 'fastify' {
  interface FastifyInstance {
    /** null when the cache is off. */
    responseCache: ResponseCache | null;
  }
  interface FastifyRequest {
    /** Set on a cacheable miss: where onSend stores the answer, and under which version. */
    responseCacheTicket: { key: string; version: string } | null;
  }
}

function storable(headers: Record<string, string | number | string[] | undefined>): Record<string, string | string[]> {
  const kept: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(headers)) {
    if (v === undefined || NOT_STORED.test(k)) continue;
    kept[k] = Array.isArray(v) ? v : String(v);
  }
  return kept;
}

export function registerCachedReads(app: FastifyInstance, store: Store, maxBytes: number): void {
  const cache = maxBytes > 0 ? new ResponseCache(maxBytes) : null;
  app.decorate('responseCache', cache);
  app.decorateRequest('responseCacheTicket', null);

  let compacting = false;
  const compactSoon = (): void => {
    if (compacting) return;
    compacting = true;
    compactDataChanges(store.db)
      .catch((err: unknown) => app.log.warn({ err }, 'could not compact data_changes; the next request tries again'))
      .finally(() => (compacting = false));
  };

  // Writers that ran while no server did (CLI imports, `termbridge sync`) leave rows behind.
  app.addHook('onReady', async () => {
    await compactDataChanges(store.db);
  });

  app.addHook('preHandler', async (request: FastifyRequest, reply: FastifyReply) => {
    const version = request.principal?.dataVersion;
    if (!version) return;
    if (version.rows > COMPACT_AFTER_ROWS) compactSoon();
    if (!cache || request.method !== 'GET') return;
    const url = request.routeOptions.url;
    if (url === undefined || !CACHEABLE_READS.has(routeKey('GET', url))) return;
    if (ANSWERED_BY_ROUTE.some((h) => request.headers[h] !== undefined) || followsChanges(request.query)) return;
    const key = responseCacheKey({
      tenantId: request.principal.tenantId,
      scopes: request.principal.scopes,
      schoolId: request.principal.schoolId,
      url: request.url,
      host: request.host,
      proto: request.protocol,
      accept: request.headers.accept ?? '',
    });
    const hit = cache.get(key, version.version);
    if (hit) return reply.code(200).headers(hit.headers).send(hit.body);
    request.responseCacheTicket = { key, version: version.version };
  });

  if (!cache) return;
  app.addHook('onSend', async (request, reply, payload) => {
    const ticket = request.responseCacheTicket;
    if (!ticket || reply.statusCode !== 200) return payload;
    if (typeof payload === 'string' || Buffer.isBuffer(payload)) cache.set(ticket.key, { version: ticket.version, headers: storable(reply.getHeaders()), body: payload });
    return payload;
  });
}
