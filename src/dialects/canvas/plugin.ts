// Canvas LMS Enrollment Terms API under /api/v1/accounts/:account_id/terms.
// Each handler: tenant from the token → account check → read or write in one transaction →
// the EnrollmentTerm JSON. Every failure leaves as a CanvasReply in Canvas's own envelope.
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import qs from 'qs';
import type { AppContext } from '../../app-context.ts';
import { SessionRepository, type SessionWithSeq } from '../../store/session-repository.ts';
import { TenantRepository } from '../../store/tenant-repository.ts';
import { resolveAccount, type AccountRef } from './account.ts';
import type { Org } from '../../store/tenant-repository.ts';
import { deleteTerm } from './delete-term.ts';
import { CanvasReply, formatCanvasError, messageOnly, notFound } from './errors.ts';
import { courseCounts, findTerm, withGradingPeriods } from './find-terms.ts';
import { linkHeader, pageLinks } from './link-header.ts';
import { parseTermListParams, termListQuery } from './list-params.ts';
import { AccountParams, EnrollmentTermSchema, EnrollmentTermsListSchema, ListQuery, TermBodySchema, TermParams, TermRef } from './schemas.ts';
import { CANVAS_SCOPES, TERM_PATH, TERMS_PATH } from './scopes.ts';
import { parseTermBody } from './term-body.ts';
import { parseTermRef } from './term-id.ts';
import { termJson, wantsStringIds } from './term-json.ts';
import { isDefaultTerm } from './term-properties.ts';
import { isKnownTimeZone } from './zoned-time.ts';
import { createTerm, updateTerm, type TenantClock } from './write-term.ts';

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
  ctx.registry.register({ name: 'canvas', prefixes: ['/api/v1'], scopes: CANVAS_SCOPES, formatError: formatCanvasError });
  app.addSchema(EnrollmentTermSchema);
  // A write without a body is Canvas's "enrollment_term is missing", not a schema failure.
  app.addHook('preValidation', async (request) => {
    if (request.body === undefined || request.body === null) request.body = {};
  });

  interface RootAccount extends TenantClock {
    /** Resolves another account id of this tenant (subaccount_id). */
    account(accountId: string): AccountRef;
    now: Date;
  }

  /** The tenant's clock once the path's account is its root account. */
  async function rootAccount(request: FastifyRequest): Promise<RootAccount> {
    const tenantId = request.principal.tenantId;
    const accountId = (request.params as { account_id: string }).account_id;
    const tenants = new TenantRepository(ctx.store.db);
    const tenant = await tenants.get(tenantId);
    if (!tenant) throw notFound();
    const orgs = await tenants.orgs(tenantId);
    const district = orgs.find((o) => o.id === tenant.districtId) ?? null;
    const schools: Org[] = orgs.filter((o) => o.kind === 'school');
    const account = (id: string) => resolveAccount(id, district, schools);
    const path = account(accountId);
    if (path.kind === 'subAccount') throw messageOnly(400, 'Terms only belong to root_accounts.');
    if (path.kind === 'unknown') throw notFound();
    return { tenantId, timeZone: isKnownTimeZone(tenant.timeZone) ? tenant.timeZone : 'UTC', account, now: ctx.now() };
  }

  interface RenderOptions {
    overrides: boolean;
    courseCount: boolean;
    /** used_in_subaccount for this account (list only). */
    subaccount?: AccountRef | undefined;
  }

  async function render(request: FastifyRequest, clock: TenantClock, sessions: SessionWithSeq[], options: RenderOptions) {
    const repo = new SessionRepository(ctx.store.db);
    const ids = sessions.map((s) => s.id);
    const sub = options.subaccount;
    const counts = options.courseCount || sub?.kind === 'root' ? await courseCounts(repo, clock.tenantId, ids) : undefined;
    const grouping = await withGradingPeriods(repo, clock.tenantId, ids);
    const stringIds = wantsStringIds(request.headers.accept);
    return sessions.map((s) => {
      // Used below a school: the term is that school's, or the Default Term. Below the root
      // account itself: any course section uses it, or it is the Default Term.
      const used =
        sub === undefined ? undefined : isDefaultTerm(s) || (sub.kind === 'subAccount' ? s.schoolOrgId === sub.school.id : (counts?.get(s.id) ?? 0) > 0);
      return termJson(s, {
        timeZone: clock.timeZone,
        includeOverrides: options.overrides,
        courseCount: options.courseCount ? counts?.get(s.id) : undefined,
        hasGradingPeriods: grouping.has(s.id),
        usedInSubaccount: used,
        stringIds,
      });
    });
  }

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
      const clock = await rootAccount(request);
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
      const terms = await render(request, clock, found.rows, { overrides: params.includes.has('overrides'), courseCount: params.includes.has('course_count'), subaccount });
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
      const clock = await rootAccount(request);
      const repo = new SessionRepository(ctx.store.db);
      const session = await findTerm(repo, clock, parseTermRef((request.params as { id: string }).id), { activeOnly: false });
      const [term] = await render(request, clock, [session], { overrides: true, courseCount: true });
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
      const clock = await rootAccount(request);
      const body = parseTermBody(request.body, railsQuery(request), 'POST');
      const created = await ctx.store.db.transaction().execute((tx) => createTerm(new SessionRepository(tx), clock, body));
      const [term] = await render(request, clock, [created], { overrides: true, courseCount: false });
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
      const clock = await rootAccount(request);
      const ref = parseTermRef((request.params as { id: string }).id);
      const updated = await ctx.store.db.transaction().execute(async (tx) => {
        const repo = new SessionRepository(tx);
        const session = await findTerm(repo, clock, ref, { activeOnly: true });
        const body = parseTermBody(request.body, railsQuery(request), 'PUT');
        return updateTerm(repo, clock, session, body);
      });
      const [term] = await render(request, clock, [updated], { overrides: true, courseCount: false });
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
      const clock = await rootAccount(request);
      const ref = parseTermRef((request.params as { id: string }).id);
      const deleted = await ctx.store.db.transaction().execute(async (tx) => {
        const repo = new SessionRepository(tx);
        return deleteTerm(repo, clock.tenantId, await findTerm(repo, clock, ref, { activeOnly: false }));
      });
      const [term] = await render(request, clock, [deleted], { overrides: false, courseCount: false });
      return term;
    }),
  );
};
