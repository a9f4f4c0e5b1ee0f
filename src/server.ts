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
import { DEFAULT_FAILED_ATTEMPT_POLICY, FailedAttemptLimiter, type FailedAttemptPolicy } from './auth/failed-attempts.ts';
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
import type { ErrorContext, ErrorKind } from './dialects/dialect.ts';
import type { Store } from './store/database.ts';

export const BODY_LIMIT = 1024 * 1024;

export interface AppOptions {
  store: Store;
  logger?: FastifyServerOptions['logger'];
  now?: () => Date;
  /** Enables the loopback admin routes, answering only this key (see src/cli/data-dir-lock.ts). */
  adminKey?: string;
  /** Per-client request limit; default RATE_LIMIT_PER_MINUTE per minute. */
  rateLimit?: RateLimitPolicy;
  /** Failed token requests per client id before the token endpoint answers 429. */
  failedTokenAttempts?: FailedAttemptPolicy;
  /** Unexpired tokens one client may hold (default 50). */
  tokensPerClient?: number;
  /** Bytes of serialized read responses kept (src/cache); 0 turns the cache off. */
  responseCacheBytes?: number;
}

/** Routes anyone may call without a token; dialects add theirs through `publicRoutes`. */
export const PUBLIC_ROUTES = (url: string) => url === '/healthz' || url === '/docs' || url.startsWith('/docs/');

declare module 'fastify' {
  interface FastifyInstance {
    ctx: AppContext;
  }
}

export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const registry = new DialectRegistry();
  const app = Fastify({
    logger: options.logger ? withoutTokensInUrls(options.logger) : false,
    bodyLimit: BODY_LIMIT,
    trustProxy: true,
    ajv: { customOptions: { coerceTypes: 'array', allErrors: false, removeAdditional: false } },
    routerOptions: { ignoreTrailingSlash: true },
    // Dialects whose real system routes case-insensitively (Ed-Fi) respell the URL first.
    rewriteUrl: (req) => registry.respellUrl(req.url ?? '/'),
  }).withTypeProvider<TypeBoxTypeProvider>();

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
  await registerSecurityHeaders(app);
  await registerRateLimit(app, options.rateLimit ?? rateLimitFromEnv());

  // Clients send `Content-Type: application/json` on every request, DELETEs included (the common
  // Canvas client does): no bytes under a JSON content type is no body, and the route decides
  // whether it needed one (in its dialect's words). A body that is there must be JSON, parsed as
  // Fastify does (prototype poisoning refused).
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (body.length === 0) return done(null, undefined);
    parseJson(request, body.toString(), done);
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

  app.setNotFoundHandler((request, reply) =>
    sendDialectError(registry, request, reply, 'notFound', `No resource is served at ${request.method} ${request.url.split('?')[0]}.`),
  );

  app.setErrorHandler((error: FastifyError, request, reply) => {
    const { kind, message } = classify(error);
    if (kind === 'internal') request.log.error({ err: error }, 'unhandled error');
    const status = kind === 'rateLimited' || kind === 'internal' ? undefined : error.statusCode;
    const context: ErrorContext =
      kind === 'rateLimited' ? { retryAfterSeconds: error instanceof RateLimitedError ? error.retryAfterSeconds : Number(reply.getHeader('retry-after')) || 60 } : {};
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
    failedAttempts: new FailedAttemptLimiter(options.failedTokenAttempts ?? DEFAULT_FAILED_ATTEMPT_POLICY),
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

function classify(error: FastifyError): { kind: ErrorKind; message: string } {
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return { kind: 'payloadTooLarge', message: `The request body is larger than the ${BODY_LIMIT} bytes allowed.` };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return { kind: 'unsupportedMediaType', message: "The value specified in the 'Content-Type' header is not supported by this host." };
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return { kind: 'badRequest', message: `The request body is not valid JSON: ${error.message}` };
  }
  if (error.validation) return { kind: 'badRequest', message: error.message };
  if (error.statusCode === 429) return { kind: 'rateLimited', message: error.message || 'Too many requests; retry later.' };
  if (error.statusCode === 413) return { kind: 'payloadTooLarge', message: error.message };
  if (error.statusCode === 415) return { kind: 'unsupportedMediaType', message: error.message };
  if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) return { kind: 'badRequest', message: error.message };
  return { kind: 'internal', message: 'An unexpected problem has occurred.' };
}
