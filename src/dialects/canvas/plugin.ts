// Canvas LMS Enrollment Terms API under /api/v1/accounts/:account_id/terms.
// Each handler: tenant from the token → account check → read or write in one transaction →
// the EnrollmentTerm JSON. Every failure leaves as a CanvasReply in Canvas's own envelope.
import { writeTransaction } from '../../store/write-transaction.ts';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import qs from 'qs';
import type { AppContext } from '../../app-context.ts';
import { ACCESS_TOKEN_PARAMETER } from '../../auth/query-token.ts';
import { SessionRepository } from '../../store/session-repository.ts';
import { rootAccountOf } from './root-account.ts';
import { deleteTerm } from './delete-term.ts';
import { CanvasReply, formatCanvasError, notFound } from './errors.ts';
import { findTerm } from './find-terms.ts';
import { linkHeader, pageLinks } from './link-header.ts';
import { parseTermListParams, termListQuery } from './list-params.ts';
import { AccountParams, EnrollmentTermSchema, EnrollmentTermsListSchema, ListQuery, TermBodySchema, TermParams, TermRef } from './schemas.ts';
import { CANVAS_SCOPES, TERM_PATH, TERMS_PATH } from './scopes.ts';
import { parseTermBody } from './term-body.ts';
import { parseTermRef } from './term-id.ts';
import { renderTerms } from './render-terms.ts';
import { createTerm, updateTerm } from './write-term.ts';

type Handler = (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>;

/** Sends a thrown CanvasReply as the answer; anything else is the server's 500. */
function canvasHandler(handler: Handler): Handler {
  return async (request, reply) => {
    try {
      return await handler(request, reply);
    } catch (e) {
      if (e instanceof CanvasReply) return reply.code(e.status).type('application/json; charset=utf-8').send(e.body);
      throw e;
    }
  };
}

/** The query string as Rails parses it (`include[]=a` → include: ['a']). */
function railsQuery(request: FastifyRequest): Record<string, unknown> {
  const q = request.url.indexOf('?');
  return q < 0 ? {} : (qs.parse(request.url.slice(q + 1), { depth: 5, arrayLimit: 100 }) as Record<string, unknown>);
}

const TAGS = ['canvas'];
/** Bodies as Canvas takes them: form-encoded with nested keys, or JSON. */
const CONSUMES = ['application/x-www-form-urlencoded', 'application/json'];
const security = (key: string) => [{ oauth2: CANVAS_SCOPES[key] ?? [] }];

export const canvasPlugin: FastifyPluginAsync<AppContext> = async (app, ctx) => {
  ctx.registry.register({ name: 'canvas', prefixes: ['/api/v1'], scopes: CANVAS_SCOPES, formatError: formatCanvasError, queryTokenParameter: ACCESS_TOKEN_PARAMETER });
  app.addSchema(EnrollmentTermSchema);
  // A write without a body is Canvas's "enrollment_term is missing", not a schema failure.
  app.addHook('preValidation', async (request) => {
    if (request.body === undefined || request.body === null) request.body = {};
  });

  app.get(
    TERMS_PATH,
    {
      schema: {
        tags: TAGS,
        security: security(`GET ${TERMS_PATH}`),
        summary: 'List enrollment terms',
        description: 'Active terms by default; ordered start_at desc, end_at desc, id; paged with the Link header.',
        params: AccountParams,
        querystring: ListQuery,
        response: { 200: EnrollmentTermsListSchema },
      },
    },
    canvasHandler(async (request, reply) => {
      const clock = await rootAccountOf(ctx, request);
      const query = railsQuery(request);
      const params = parseTermListParams(query);
      if (params === 'invalidPage') throw notFound();
      const subaccount = params.subaccountId === null ? undefined : clock.account(params.subaccountId);
      if (subaccount?.kind === 'unknown') throw notFound();
      const repo = new SessionRepository(ctx.store.db);
      const found = await repo.find(clock.tenantId, termListQuery(params));
      const accountId = (request.params as { account_id: string }).account_id;
      const base = `${request.protocol}://${request.host}/api/v1/accounts/${encodeURIComponent(accountId)}/terms`;
      reply.header('link', linkHeader(base, query, params.perPage, pageLinks(params.page, params.perPage, found.total ?? 0)));
      const terms = await renderTerms(ctx.store.db, request, clock, found.rows, { overrides: params.includes.has('overrides'), courseCount: params.includes.has('course_count'), subaccount });
      return { enrollment_terms: terms };
    }),
  );

  app.get(
    TERM_PATH,
    {
      schema: {
        tags: TAGS,
        security: security(`GET ${TERM_PATH}`),
        summary: 'Retrieve an enrollment term (with overrides and course_count)',
        params: TermParams,
        response: { 200: TermRef },
      },
    },
    canvasHandler(async (request) => {
      const clock = await rootAccountOf(ctx, request);
      const repo = new SessionRepository(ctx.store.db);
      const session = await findTerm(repo, clock, parseTermRef((request.params as { id: string }).id), { activeOnly: false });
      const [term] = await renderTerms(ctx.store.db, request, clock, [session], { overrides: true, courseCount: true });
      return term;
    }),
  );

  app.post(
    TERMS_PATH,
    {
      schema: {
        tags: TAGS,
        security: security(`POST ${TERMS_PATH}`),
        consumes: CONSUMES,
        summary: 'Create an enrollment term (answers 200, as Canvas does)',
        params: AccountParams,
        body: TermBodySchema,
        response: { 200: TermRef },
      },
    },
    canvasHandler(async (request) => {
      const clock = await rootAccountOf(ctx, request);
      const body = parseTermBody(request.body, railsQuery(request), 'POST');
      const created = await writeTransaction(ctx.store.db, (tx) => createTerm(new SessionRepository(tx), clock, body));
      const [term] = await renderTerms(ctx.store.db, request, clock, [created], { overrides: true, courseCount: false });
      return term;
    }),
  );

  app.put(
    TERM_PATH,
    {
      schema: {
        tags: TAGS,
        security: security(`PUT ${TERM_PATH}`),
        consumes: CONSUMES,
        summary: 'Update an enrollment term',
        params: TermParams,
        body: TermBodySchema,
        response: { 200: TermRef },
      },
    },
    canvasHandler(async (request) => {
      const clock = await rootAccountOf(ctx, request);
      const ref = parseTermRef((request.params as { id: string }).id);
      const updated = await writeTransaction(ctx.store.db, async (tx) => {
        const repo = new SessionRepository(tx);
        const session = await findTerm(repo, clock, ref, { activeOnly: true });
        const body = parseTermBody(request.body, railsQuery(request), 'PUT');
        return updateTerm(repo, clock, session, body);
      });
      const [term] = await renderTerms(ctx.store.db, request, clock, [updated], { overrides: true, courseCount: false });
      return term;
    }),
  );

  app.delete(
    TERM_PATH,
    {
      schema: {
        tags: TAGS,
        security: security(`DELETE ${TERM_PATH}`),
        summary: 'Delete an enrollment term (soft: workflow_state deleted)',
        params: TermParams,
        response: { 200: TermRef },
      },
    },
    canvasHandler(async (request) => {
      const clock = await rootAccountOf(ctx, request);
      const ref = parseTermRef((request.params as { id: string }).id);
      const deleted = await writeTransaction(ctx.store.db, async (tx) => {
        const repo = new SessionRepository(tx);
        return deleteTerm(repo, clock.tenantId, await findTerm(repo, clock, ref, { activeOnly: false }));
      });
      const [term] = await renderTerms(ctx.store.db, request, clock, [deleted], { overrides: false, courseCount: false });
      return term;
    }),
  );
};
