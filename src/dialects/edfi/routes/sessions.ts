// /data/v3/ed-fi/sessions: GET many/by id, POST upsert by natural key, PUT (natural-key change
// allowed, cascading), DELETE, /deletes, /keyChanges, /partitions.
import { writeTransaction } from '../../../store/write-transaction.ts';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely, Transaction } from 'kysely';
import { validateSession, validateWithinParent } from '../../../domain/validation.ts';
import type { Session, SessionInput } from '../../../domain/session.ts';
import type { Tables } from '../../../store/schema.ts';
import { hierarchyViolations } from '../../../store/session-hierarchy.ts';
import { SessionRepository, type SessionWithGradingPeriods, type SessionWithSeq } from '../../../store/session-repository.ts';
import { and, eq } from '../../../query/ast.ts';
import type { Org } from '../../../store/tenant-repository.ts';
import { dataVersionOf, linkTargets } from '../link-targets.ts';
import { DATA, itemLocation, route, tenantOf, type EdfiRoutes } from '../edfi-route.ts';
import { isEdfiSession, SESSIONS_VIEW } from '../edfi-view.ts';
import { etagHeader, parseEtag } from '../etag.ts';
import { dataValidationFailed, dependentItemExists, nonUniqueIdentity, notFound, optimisticLockFailed } from '../problem-details.ts';
import { ReferenceResolver } from '../reference-resolution.ts';
import { authorizeSchool } from '../school-claim.ts';
import { fromEdfiId, toEdfiId } from '../resource-id.ts';
import { Empty, Headers, ItemParams, Session as SessionSchema, SessionBody, SessionQuery } from '../schemas.ts';
import {

  parseSessionBody,
  SESSION_FILTERS,
  sessionFilterConditions,
  sessionInputFromWire,
  sessionToWire,
  unchanged,
  violationsToErrors,
  type WireSession,
} from '../session-mapping.ts';
import { checkIfMatch, deleteIfMatch, ifMatch, itemId, writeBody } from '../write-request.ts';
import { registerMethodNotAllowed } from './method-not-allowed.ts';
import { registerSessionCollection } from './session-collection.ts';
import { registerTrackedChanges } from './tracked-changes.ts';

type Executor = Kysely<Tables> | Transaction<Tables>;
const RESOURCE = 'sessions';

async function sessionsToWire(db: Executor, request: FastifyRequest, rows: SessionWithGradingPeriods[]) {
  if (rows.length === 0) return [];
  const targets = await linkTargets(db, tenantOf(request), rows.map((s) => s.schoolYear), dataVersionOf(request));
  return rows.map((s) => sessionToWire(s, s.gradingPeriods, targets));
}

function parseBody(request: FastifyRequest, refuseId: boolean): WireSession {
  const parsed = parseSessionBody(writeBody(request, { refuseId }));
  if (!parsed.ok) throw dataValidationFailed(parsed.errors);
  return parsed.value;
}

interface Resolved {
  input: SessionInput;
  gradingPeriodIds: string[];
  /** What the calendar would flag but Ed-Fi accepts (grading periods outside the session's dates). */
  warnings: string[];
}

/** References → canonical input, checked against the domain rules every dialect shares. */
async function resolve(tx: Executor, tenantId: string, w: WireSession, existing: Session | null, knownSchool?: Org): Promise<Resolved> {
  const refs = new ReferenceResolver(tx, tenantId);
  const term = await refs.descriptor('TermDescriptor', w.termDescriptor, '$.termDescriptor');
  const school = knownSchool ?? (await refs.school(w.schoolId));
  await refs.schoolYear(w.schoolYear);
  const gradingPeriods = await refs.gradingPeriods(w.gradingPeriods, school.id);
  const input = sessionInputFromWire(w, { schoolOrgId: school.id, termDescriptor: term.uri, descriptorType: term.sessionType }, existing);
  const violations = [...validateSession(input), ...(await hierarchyViolations(new SessionRepository(tx), tenantId, existing?.id ?? null, input))];
  const errors = violationsToErrors(violations);
  if (Object.keys(errors).length > 0) throw dataValidationFailed(errors);
  // Ed-Fi does not require a session's grading periods to lie within its dates (ODS accepts
  // them), so neither does this API; a grading period outside is only worth a warning.
  const warnings = gradingPeriods.flatMap((gp) =>
    validateWithinParent(gp, { name: input.name, beginDate: input.beginDate, endDate: input.endDate }).map((v) => `Grading period '${gp.name}': ${v.message}`),
  );
  return { input, gradingPeriodIds: gradingPeriods.map((g) => g.id), warnings };
}

function warnOutside(request: FastifyRequest, warnings: string[]): void {
  if (warnings.length > 0) request.log.warn({ warnings }, 'Ed-Fi session accepted with grading periods outside its dates');
}

async function visibleSession(repo: SessionRepository, tenantId: string, id: string | null): Promise<SessionWithSeq | null> {
  if (id === null) return null;
  const s = await repo.get(tenantId, id);
  return s && isEdfiSession(s) ? s : null;
}

function linkedIds(links: Map<string, Session[]>, id: string): string[] {
  return (links.get(id) ?? []).map((g) => g.id);
}

export function registerSessions(r: EdfiRoutes): void {
  const db = r.ctx.store.db;

  registerTrackedChanges(r, RESOURCE, { keyChanges: true });
  registerSessionCollection(r, {
    resource: RESOURCE,
    view: SESSIONS_VIEW,
    filters: SESSION_FILTERS,
    conditions: sessionFilterConditions,
    find: (tenantId, query) => new SessionRepository(db).findWithGradingPeriods(tenantId, query),
    toWire: (request, rows) => sessionsToWire(db, request, rows as SessionWithGradingPeriods[]),
    querySchema: SessionQuery,
    itemSchema: SessionSchema,
    filterSchemas: Object.fromEntries(Object.keys(SESSION_FILTERS).map((k) => [k, SessionQuery.properties[k as keyof typeof SessionQuery.properties]])),
  });

  route(
    r,
    'GET',
    `${DATA}/${RESOURCE}/:id`,
    { summary: 'Get a session by id', params: ItemParams, headers: Headers.ifNoneMatch, response: { 200: SessionSchema, 304: Empty } },
    async (request: FastifyRequest, reply: FastifyReply) => {
      const tenantId = tenantOf(request);
      const { id } = request.params as { id: string };
      const uuid = fromEdfiId(id);
      // One query: the view's conditions and the grading period links with the row.
      const found = uuid === null ? null : (await new SessionRepository(db).findWithGradingPeriods(tenantId, { where: and(SESSIONS_VIEW, eq('id', uuid)), sort: [], page: { kind: 'offset', offset: 0, limit: 1 } })).rows[0];
      const s = found ?? null;
      if (!s) throw notFound();
      authorizeSchool(request, s.schoolId);
      reply.header('etag', etagHeader(s.changeVersion));
      if (parseEtag(request.headers['if-none-match']) === s.changeVersion) return reply.code(304).send();
      const [wire] = await sessionsToWire(db, request, [s]);
      return wire;
    },
  );

  route(
    r,
    'POST',
    `${DATA}/${RESOURCE}`,
    { summary: 'Create or update a session by its natural key (schoolId, schoolYear, sessionName)', body: SessionBody, headers: Headers.ifMatch, response: { 200: Empty, 201: Empty } },
    async (request: FastifyRequest, reply: FastifyReply) => {
      const tenantId = tenantOf(request);
      const w = parseBody(request, true);
      authorizeSchool(request, w.schoolId);
      const expected = ifMatch(request);
      const result = await writeTransaction(db, async (tx) => {
        const repo = new SessionRepository(tx);
        const school = await new ReferenceResolver(tx, tenantId).school(w.schoolId);
        const existing = await repo.findByNaturalKey(tenantId, school.id, w.schoolYear, w.sessionName);
        const { input, gradingPeriodIds, warnings } = await resolve(tx, tenantId, w, existing, school);
        warnOutside(request, warnings);
        if (!existing) {
          const created = await repo.insert(tenantId, input);
          await repo.setGradingPeriods(tenantId, created.id, gradingPeriodIds);
          return { status: 201, session: created };
        }
        checkIfMatch(expected, existing.changeVersion);
        const before = linkedIds(await repo.gradingPeriodsOf(tenantId, [existing.id]), existing.id);
        if (unchanged(existing, input, before, gradingPeriodIds)) return { status: 200, session: existing };
        const updated = await repo.update(tenantId, existing.id, input, { expectedChangeVersion: typeof expected === 'number' ? expected : undefined });
        if (updated === 'conflict' || updated === null) throw optimisticLockFailed();
        await repo.setGradingPeriods(tenantId, existing.id, gradingPeriodIds);
        return { status: 200, session: updated };
      });
      return reply
        .code(result.status)
        .header('location', itemLocation(request, RESOURCE, toEdfiId(result.session.id)))
        .header('etag', etagHeader(result.session.changeVersion))
        .send();
    },
  );

  route(
    r,
    'PUT',
    `${DATA}/${RESOURCE}/:id`,
    {
      summary: 'Update a session by id; a changed natural key cascades and is logged in /keyChanges',
      params: ItemParams,
      body: SessionBody,
      headers: Headers.ifMatch,
      response: { 204: Empty },
    },
    async (request: FastifyRequest, reply: FastifyReply) => {
      const tenantId = tenantOf(request);
      const id = itemId(request, { malformed: 'badRequest' });
      // The route's id is authoritative; an id in the body is ignored, as ODS does.
      const w = parseBody(request, false);
      const expected = ifMatch(request);
      const updated = await writeTransaction(db, async (tx) => {
        const repo = new SessionRepository(tx);
        const existing = await visibleSession(repo, tenantId, id);
        if (!existing) throw notFound('Resource to update was not found.');
        authorizeSchool(request, existing.schoolId);
        authorizeSchool(request, w.schoolId);
        checkIfMatch(expected, existing.changeVersion);
        const { input, gradingPeriodIds, warnings } = await resolve(tx, tenantId, w, existing);
        warnOutside(request, warnings);
        const holder = await repo.findByNaturalKey(tenantId, input.schoolOrgId!, input.schoolYear!, input.name);
        if (holder && holder.id !== existing.id)
          throw nonUniqueIdentity(`A session with schoolId ${w.schoolId}, schoolYear ${w.schoolYear} and sessionName '${w.sessionName}' already exists.`);
        const before = linkedIds(await repo.gradingPeriodsOf(tenantId, [existing.id]), existing.id);
        if (unchanged(existing, input, before, gradingPeriodIds)) return existing;
        const after = await repo.update(tenantId, existing.id, input, { expectedChangeVersion: typeof expected === 'number' ? expected : undefined });
        if (after === 'conflict' || after === null) throw optimisticLockFailed();
        await repo.setGradingPeriods(tenantId, existing.id, gradingPeriodIds);
        return after;
      });
      return reply
        .code(204)
        .header('location', itemLocation(request, RESOURCE, toEdfiId(updated.id)))
        .header('etag', etagHeader(updated.changeVersion))
        .send();
    },
  );

  route(
    r,
    'DELETE',
    `${DATA}/${RESOURCE}/:id`,
    { summary: 'Delete a session by id (refused while course sections or child sessions use it)', params: ItemParams, headers: Headers.ifMatch, response: { 204: Empty } },
    async (request: FastifyRequest, reply: FastifyReply) => {
      const tenantId = tenantOf(request);
      const id = itemId(request, { malformed: 'badRequest' });
      const expected = deleteIfMatch(request);
      await writeTransaction(db, async (tx) => {
        const repo = new SessionRepository(tx);
        const existing = await visibleSession(repo, tenantId, id);
        if (!existing) throw notFound('Resource to delete was not found.');
        authorizeSchool(request, existing.schoolId);
        checkIfMatch(expected, existing.changeVersion);
        const deps = await repo.dependents(tenantId, existing.id);
        if (deps.courseSections > 0) throw dependentItemExists('CourseOffering');
        if (deps.children > 0) throw dependentItemExists('Session');
        const after = await repo.markDeleted(tenantId, existing.id, { expectedChangeVersion: expected });
        if (after === 'conflict' || after === null) throw optimisticLockFailed();
      });
      return reply.code(204).send();
    },
  );

  registerMethodNotAllowed(r, RESOURCE);
}
