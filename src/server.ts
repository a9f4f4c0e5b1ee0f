// Builds the Fastify app: parsers, docs, the auth hook, every dialect, and one error path that
// answers in the dialect of the URL.
import Fastify, { type FastifyError, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import formbody from '@fastify/formbody';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import qs from 'qs';
import type { AppContext } from './app-context.ts';
import { adminKeyAuthority } from './auth/admin-key.ts';
import { adminRoutes } from './auth/admin-routes.ts';
import { authHook, type TokenAuthority } from './auth/hook.ts';
import { ClientRepository } from './auth/client-repository.ts';
import { DEFAULT_FAILED_ATTEMPT_POLICY, FailedAttempts, type FailedAttemptPolicy } from './auth/failed-attempts.ts';
import { SharedCounters } from './store/shared-counters.ts';
import { oauthDialect } from './auth/oauth-dialect.ts';
import { documentRouteScopes } from './auth/openapi-security.ts';
import { redactAccessToken } from './auth/query-token.ts';
import { RateLimitedError, rateLimitFromEnv, registerRateLimit, type RateLimitPolicy } from './auth/rate-limit.ts';
import { registerSecurityHeaders } from './auth/security-headers.ts';
import { registerTokenInfoRoute } from './auth/token-info-route.ts';
import { registerTokenRoute } from './auth/token-route.ts';
import { registerCachedReads, responseCacheBytesFromEnv } from './cache/cached-reads.ts';
import { Jobs } from './console/jobs.ts';
import { consolePlugin } from './console/plugin.ts';
import { DIALECT_PLUGINS } from './dialects/index.ts';
import { DialectRegistry, routeKey } from './dialects/registry.ts';
import { sendDialectError } from './dialects/send-error.ts';
import type { ErrorContext } from './dialects/dialect.ts';
import type { Store } from './store/database.ts';
import { edgeLimitsFromEnv, type EdgeLimits } from './edge/edge-limits.ts';
import { registerDraining } from './edge/draining.ts';
import { WorkQueue } from './edge/embedded-queue.ts';
import { applySocketTimeouts, capConnectionsPerAddress, registerBodyTimeout } from './edge/slow-clients.ts';
import { classify, EdgeError } from './edge/framework-errors.ts';
import { jsonShapeProblem } from './edge/json-shape.ts';
import { nulField, nulMessage } from './edge/nul-guard.ts';

export const BODY_LIMIT = 1024 * 1024;

export interface AppOptions {
  store: Store;
  logger?: FastifyServerOptions['logger'];
  now?: () => Date;
  /** Enables the loopback admin routes, answering only this key (see src/cli/data-dir-lock.ts). */
  adminKey?: string;
  /** Per-client request limit; default RATE_LIMIT_PER_MINUTE per minute. */
  rateLimit?: RateLimitPolicy;
  /** Failed token requests per client id and address before the token endpoint slows them down (429). */
  failedTokenAttempts?: FailedAttemptPolicy;
  /** Unexpired tokens one client may hold (default 50). */
  tokensPerClient?: number;
  /** Bytes of serialized read responses kept (src/cache); 0 turns the cache off. */
  responseCacheBytes?: number;
  /** Timeouts, JSON bounds, connection cap and embedded-database queue (README: Limits and hostile input). */
  limits?: Partial<EdgeLimits>;
}

/** Routes anyone may call without a token; dialects add theirs through `publicRoutes`. */
export const PUBLIC_ROUTES = (url: string) => url === '/healthz' || url === '/docs' || url.startsWith('/docs/');

declare module 'fastify' {
  interface FastifyInstance {
    ctx: AppContext;
    /** Only on the embedded database: the queue requests wait in for it. */
    embeddedQueue?: WorkQueue;
  }
}

export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const registry = new DialectRegistry();
  const limits: EdgeLimits = { ...edgeLimitsFromEnv(), ...options.limits };
  const app = Fastify({
    logger: options.logger ? withoutTokensInUrls(options.logger) : false,
    bodyLimit: BODY_LIMIT,
    trustProxy: true,
    ajv: { customOptions: { coerceTypes: 'array', allErrors: false, removeAdditional: false } },
    routerOptions: { ignoreTrailingSlash: true },
    // Dialects whose real system routes case-insensitively (Ed-Fi) respell the URL first.
    rewriteUrl: (req) => registry.respellUrl(req.url ?? '/'),
    // A bad percent-encoding or an overlong path segment is refused before routing; it still
    // answers in the dialect of its URL.
    frameworkErrors: (error, request, reply) => {
      const { kind, message } = classify(error, BODY_LIMIT);
      return sendDialectError(registry, request, reply, kind, message);
    },
    requestTimeout: limits.requestTimeoutMs,
    // Draining answers through registerDraining, in the dialect's format with Retry-After.
    return503OnClosing: false,
  }).withTypeProvider<TypeBoxTypeProvider>();
  applySocketTimeouts(app.server, limits.headersTimeoutMs, limits.requestTimeoutMs);
  capConnectionsPerAddress(app.server, limits.connectionsPerAddress);

  const ctx: AppContext = { store: options.store, registry, now: options.now ?? (() => new Date()) };
  app.decorate('ctx', ctx);
  app.decorateRequest('principal', null as never);

  // First, so it sees every route: the table the route-table test enumerates, and the public list.
  app.addHook('onRoute', (route) => {
    for (const m of [route.method].flat()) {
      registry.noteRoute(routeKey(m, route.url), { bodyLimit: route.bodyLimit });
      if (PUBLIC_ROUTES(route.url)) registry.markPublic(routeKey(m, route.url));
    }
  });
  const documentedScopes = documentRouteScopes(app, registry);
  registerDraining(app, registry);
  if (options.store.driver === 'pglite') registerEmbeddedQueue(app, registry, limits);
  registerBodyTimeout(app, limits.bodyTimeoutMs);
  await registerSecurityHeaders(app);
  // Shared by every server on the database (migration 016), so a limit holds behind a load balancer.
  const counters = new SharedCounters(options.store.db);
  await registerRateLimit(app, options.rateLimit ?? rateLimitFromEnv(), counters);

  // Clients send `Content-Type: application/json` on every request, DELETEs included (the common
  // Canvas client does): no bytes under a JSON content type is no body, and the route decides
  // whether it needed one (in its dialect's words). A body that is there must be JSON, parsed as
  // Fastify does (prototype poisoning refused).
  // Its depth and member count are bounded before JSON.parse or anything else walks it.
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (body.length === 0) return done(null, undefined);
    const text = body.toString();
    const problem = jsonShapeProblem(text, { maxDepth: limits.jsonMaxDepth, maxKeys: limits.jsonMaxKeys });
    if (problem) return done(new EdgeError('badRequest', problem, 400), undefined);
    parseJson(request, text, done);
  });

  // Canvas and the token endpoint take form bodies with nested keys (enrollment_term[name]).
  await app.register(formbody, { parser: (body) => qs.parse(body, { depth: 5, arrayLimit: 100 }) });

  await app.register(swagger, {
    // Shared schemas appear in /docs under their own $id (CanvasEnrollmentTerm, OneRosterOrg, …).
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`) },
    openapi: {
      info: { title: 'termbridge', description: 'Academic sessions as Ed-Fi, OneRoster, Canvas and Edlink', version: '0.1.0' },
      components: { securitySchemes: { oauth2: { type: 'oauth2', flows: { clientCredentials: { tokenUrl: '/oauth/token', scopes: documentedScopes } } } } },
      security: [{ oauth2: [] }],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  const clients = new ClientRepository(options.store.db, options.store.namedQuery);
  const authorities: TokenAuthority[] = [(token) => clients.lookup(token)];
  if (options.adminKey) authorities.unshift(adminKeyAuthority(options.adminKey));
  app.addHook('onRequest', authHook(registry, authorities));
  registerCachedReads(app, options.store, options.responseCacheBytes ?? responseCacheBytesFromEnv());

  // NUL characters anywhere a route reads: refused here, once, for every dialect.
  app.addHook('preValidation', async (request, reply) => {
    const found =
      firstNul('query parameter', request.query) ?? firstNul('path parameter', request.params) ?? firstNul('body field', request.body);
    if (found) return sendDialectError(registry, request, reply, 'badRequest', found);
  });

  app.setNotFoundHandler((request, reply) =>
    sendDialectError(registry, request, reply, 'notFound', `No resource is served at ${request.method} ${request.url.split('?')[0]}.`),
  );

  app.setErrorHandler((error: FastifyError, request, reply) => {
    const { kind, message } = classify(error, BODY_LIMIT);
    if (kind === 'internal') request.log.error({ err: error }, 'unhandled error');
    const status = kind === 'rateLimited' || kind === 'internal' || kind === 'unavailable' ? undefined : error.statusCode;
    const context: ErrorContext =
      kind === 'rateLimited' ? { retryAfterSeconds: error instanceof RateLimitedError ? error.retryAfterSeconds : Number(reply.getHeader('retry-after')) || 60 } : {};
    // A body that did not arrive in time is still on the socket: close it after answering.
    if (kind === 'requestTimeout') reply.header('connection', 'close');
    return sendDialectError(registry, request, reply, kind, message, status && status >= 400 && status < 500 ? status : undefined, context);
  });

  app.get('/healthz', { schema: { hide: true } }, async () => {
    await options.store.db.selectFrom('tenants').select('tenant_id').limit(1).execute();
    return { status: 'ok', database: options.store.driver };
  });
  registry.register(oauthDialect);
  registerTokenRoute(app, {
    clients,
    db: options.store.db,
    failedAttempts: new FailedAttempts(counters, { ...DEFAULT_FAILED_ATTEMPT_POLICY, ...options.failedTokenAttempts }),
    ...(options.tokensPerClient ? { tokensPerClient: options.tokensPerClient } : {}),
  });
  registerTokenInfoRoute(app, { clients, db: options.store.db, registry });
  if (options.adminKey) await app.register(adminRoutes, ctx);

  for (const plugin of DIALECT_PLUGINS) await app.register(plugin, ctx);
  // The web console at /console (src/console): pages over the same store and routes. Its
  // background jobs hang off the root app so `serve` can start one and shutdown can await them.
  app.decorate('consoleJobs', new Jobs());
  app.addHook('onClose', async () => {
    app.consoleJobs.abort();
    await app.consoleJobs.settle();
  });
  await app.register(consolePlugin, ctx);

  return app;
}

type LoggerOptions = Exclude<NonNullable<FastifyServerOptions['logger']>, boolean>;
type LoggedRequest = { method?: string; url?: string; headers?: Record<string, unknown>; host?: string; ip?: string; socket?: { remotePort?: number } };

/** Fastify's request log fields, with a token sent as Canvas's access_token parameter redacted. */
function withoutTokensInUrls(logger: true | LoggerOptions): LoggerOptions {
  const base: LoggerOptions = logger === true ? {} : logger;
  const req = (request: LoggedRequest) => ({
    method: request.method,
    url: request.url === undefined ? undefined : redactAccessToken(request.url),
    version: request.headers?.['accept-version'] as string | undefined,
    host: request.host,
    remoteAddress: request.ip,
    remotePort: request.socket?.remotePort,
  });
  return { ...base, serializers: { ...base.serializers, req: req as NonNullable<NonNullable<LoggerOptions['serializers']>['req']> } };
}

const ADMITTED = Symbol('admitted to the embedded database');

/** PGlite serves one query at a time: admit requests a few at a time, refuse past the queue (src/edge/embedded-queue.ts). */
function registerEmbeddedQueue(app: FastifyInstance, registry: DialectRegistry, limits: EdgeLimits): void {
  const queue = new WorkQueue({ concurrency: limits.embeddedConcurrency, queue: limits.embeddedQueue, maxWaitMs: limits.embeddedMaxWaitMs });
  app.decorate('embeddedQueue', queue);
  type Admitted = { [ADMITTED]?: boolean };
  const release = async (request: unknown) => {
    const r = request as Admitted;
    if (r[ADMITTED]) {
      r[ADMITTED] = false;
      queue.release();
    }
  };
  app.addHook('onRequest', async (request, reply) => {
    if (PUBLIC_ROUTES(request.url.split('?')[0] ?? '') && !request.url.startsWith('/healthz')) return;
    if (!(await queue.acquire()))
      return sendDialectError(registry, request, reply, 'unavailable', 'The server is busy; retry the request shortly.', 503, { retryAfterSeconds: queue.retryAfterSeconds() });
    (request as Admitted)[ADMITTED] = true;
    // PGlite runs a query on this thread without yielding to I/O, so a request would otherwise
    // run start to finish while the others wait unseen in the socket buffers (the flood's
    // minute-long p99): let the server read what else has arrived, so it queues or refuses it.
    await new Promise((resolve) => setImmediate(resolve));
  });
  app.addHook('onResponse', release);
  app.addHook('onRequestAbort', release);
}

function firstNul(where: Parameters<typeof nulMessage>[0], value: unknown): string | undefined {
  const field = nulField(value);
  return field === undefined ? undefined : nulMessage(where, field);
}
