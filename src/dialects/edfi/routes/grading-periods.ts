// /data/v3/ed-fi/gradingPeriods: sessions of type gradingPeriod seen as Ed-Fi GradingPeriods.
// Their natural key cannot change (ODS does not cascade it): delete and recreate instead.
import { writeTransaction } from '../../../store/write-transaction.ts';
import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely, Transaction } from 'kysely';
import type { Session } from '../../../domain/session.ts';
import { validateSession } from '../../../domain/validation.ts';
import { hierarchyViolations } from '../../../store/session-hierarchy.ts';
import type { Tables } from '../../../store/schema.ts';
import { SessionRepository, type SessionWithSeq } from '../../../store/session-repository.ts';
import { DATA, itemLocation, route, tenantOf, type EdfiRoutes } from '../edfi-route.ts';
import { GRADING_PERIODS_VIEW, isEdfiGradingPeriod } from '../edfi-view.ts';
import { etagHeader, parseEtag } from '../etag.ts';
import {
  GRADING_PERIOD_FILTERS,
  gradingPeriodFilterConditions,
  gradingPeriodInputFromWire,
  gradingPeriodToWire,
  parseGradingPeriodBody,
  type WireGradingPeriod,
} from '../grading-period-mapping.ts';
import { dataValidationFailed, dependentItemExists, keyChangeNotSupported, notFound, optimisticLockFailed } from '../problem-details.ts';
import { PagingQuery, GradingPeriod as GradingPeriodSchema, GradingPeriodBody, Empty, Headers, ItemParams } from '../schemas.ts';
import { ReferenceResolver } from '../reference-resolution.ts';
import { fromEdfiId, toEdfiId } from '../resource-id.ts';
import { authorizeSchool } from '../school-claim.ts';
import { violationsToErrors } from '../session-mapping.ts';
import { checkIfMatch, deleteIfMatch, ifMatch, itemId, writeBody } from '../write-request.ts';
import { registerMethodNotAllowed } from './method-not-allowed.ts';
import { registerSessionCollection } from './session-collection.ts';
import { dataVersionOf, linkTargets } from '../link-targets.ts';
import { registerTrackedChanges } from './tracked-changes.ts';

type Executor = Kysely<Tables> | Transaction<Tables>;
const RESOURCE = 'gradingPeriods';

const FilterSchemas = {
  gradingPeriodDescriptor: Type.Optional(Type.String({ description: "Descriptor URI; send '#' as %23." })),
  gradingPeriodName: Type.Optional(Type.String()),
  schoolId: Type.Optional(Type.Integer()),
  schoolYear: Type.Optional(Type.Integer()),
  beginDate: Type.Optional(Type.String({ format: 'date' })),
  endDate: Type.Optional(Type.String({ format: 'date' })),
  id: Type.Optional(Type.String()),
  periodSequence: Type.Optional(Type.Integer()),
  totalInstructionalDays: Type.Optional(Type.Integer()),
};

async function toWire(db: Executor, request: FastifyRequest, rows: Session[]) {
  if (rows.length === 0) return [];
  const targets = await linkTargets(db, tenantOf(request), rows.map((s) => s.schoolYear), dataVersionOf(request));
  return rows.map((s) => gradingPeriodToWire(s, targets));
}

function parseBody(request: FastifyRequest, refuseId: boolean): WireGradingPeriod {
  const parsed = parseGradingPeriodBody(writeBody(request, { refuseId }));
  if (!parsed.ok) throw dataValidationFailed(parsed.errors);
  return parsed.value;
}

async function resolve(tx: Executor, tenantId: string, w: WireGradingPeriod, existing: Session | null) {
  const refs = new ReferenceResolver(tx, tenantId);
  const descriptor = await refs.descriptor('GradingPeriodDescriptor', w.gradingPeriodDescriptor, '$.gradingPeriodDescriptor');
  const school = await refs.school(w.schoolId);
  await refs.schoolYear(w.schoolYear);
  const input = gradingPeriodInputFromWire(w, { schoolOrgId: school.id, descriptor: descriptor.uri }, existing);
  const violations = [...validateSession(input), ...(await hierarchyViolations(new SessionRepository(tx), tenantId, existing?.id ?? null, input))];
  const errors = violationsToErrors(violations, { name: '$.gradingPeriodName' });
  if (Object.keys(errors).length > 0) throw dataValidationFailed(errors);
  return input;
}

async function visible(repo: SessionRepository, tenantId: string, id: string | null): Promise<SessionWithSeq | null> {
  if (id === null) return null;
  const s = await repo.get(tenantId, id);
  return s && isEdfiGradingPeriod(s) ? s : null;
}

export function registerGradingPeriods(r: EdfiRoutes): void {
  const db = r.ctx.store.db;

  registerTrackedChanges(r, RESOURCE, { keyChanges: true });
  registerSessionCollection(r, {
    resource: RESOURCE,
    view: GRADING_PERIODS_VIEW,
    filters: GRADING_PERIOD_FILTERS,
    conditions: gradingPeriodFilterConditions,
    find: (tenantId, query) => new SessionRepository(db).find(tenantId, query),
    toWire: (request, rows) => toWire(db, request, rows),
    querySchema: Type.Object({ ...PagingQuery, ...FilterSchemas }),
    itemSchema: GradingPeriodSchema,
    filterSchemas: FilterSchemas,
  });

  route(
    r,
    'GET',
    `${DATA}/${RESOURCE}/:id`,
    { summary: 'Get a grading period by id', params: ItemParams, headers: Headers.ifNoneMatch, response: { 200: GradingPeriodSchema, 304: Empty } },
    async (request: FastifyRequest, reply: FastifyReply) => {
      const tenantId = tenantOf(request);
      const s = await visible(new SessionRepository(db), tenantId, fromEdfiId((request.params as { id: string }).id));
      if (!s) throw notFound();
      authorizeSchool(request, s.schoolId);
      reply.header('etag', etagHeader(s.changeVersion));
      if (parseEtag(request.headers['if-none-match']) === s.changeVersion) return reply.code(304).send();
      return (await toWire(db, request, [s]))[0];
    },
  );

  route(
    r,
    'POST',
    `${DATA}/${RESOURCE}`,
    { summary: 'Create or update a grading period by its natural key', body: GradingPeriodBody, headers: Headers.ifMatch, response: { 200: Empty, 201: Empty } },
    async (request: FastifyRequest, reply: FastifyReply) => {
      const tenantId = tenantOf(request);
      const w = parseBody(request, true);
      authorizeSchool(request, w.schoolId);
      const expected = ifMatch(request);
      const result = await writeTransaction(db, async (tx) => {
        const repo = new SessionRepository(tx);
        const refs = new ReferenceResolver(tx, tenantId);
        const school = await refs.school(w.schoolId);
        const d = await refs.descriptor('GradingPeriodDescriptor', w.gradingPeriodDescriptor, '$.gradingPeriodDescriptor');
        const existing = await repo.findGradingPeriodByKey(tenantId, school.id, w.schoolYear, d.uri, w.gradingPeriodName);
        const input = await resolve(tx, tenantId, w, existing);
        if (!existing) return { status: 201, session: await repo.insert(tenantId, input) };
        checkIfMatch(expected, existing.changeVersion);
        const after = await repo.update(tenantId, existing.id, input, { expectedChangeVersion: typeof expected === 'number' ? expected : undefined });
        if (after === 'conflict' || after === null) throw optimisticLockFailed();
        return { status: 200, session: after };
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
    { summary: 'Update a grading period by id (its natural key cannot change)', params: ItemParams, body: GradingPeriodBody, headers: Headers.ifMatch, response: { 204: Empty } },
    async (request: FastifyRequest, reply: FastifyReply) => {
      const tenantId = tenantOf(request);
      const id = itemId(request, { malformed: 'badRequest' });
      const w = parseBody(request, false);
      const expected = ifMatch(request);
      const updated = await writeTransaction(db, async (tx) => {
        const repo = new SessionRepository(tx);
        const existing = await visible(repo, tenantId, id);
        if (!existing) throw notFound('Resource to update was not found.');
        authorizeSchool(request, existing.schoolId);
        authorizeSchool(request, w.schoolId);
        checkIfMatch(expected, existing.changeVersion);
        const input = await resolve(tx, tenantId, w, existing);
        if (
          input.schoolOrgId !== existing.schoolOrgId ||
          input.schoolYear !== existing.schoolYear ||
          input.name !== existing.name ||
          input.gradingPeriodDescriptor !== existing.gradingPeriodDescriptor
        )
          throw keyChangeNotSupported('GradingPeriod');
        const after = await repo.update(tenantId, existing.id, input, { expectedChangeVersion: typeof expected === 'number' ? expected : undefined });
        if (after === 'conflict' || after === null) throw optimisticLockFailed();
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
    { summary: 'Delete a grading period by id (refused while a session references it)', params: ItemParams, headers: Headers.ifMatch, response: { 204: Empty } },
    async (request: FastifyRequest, reply: FastifyReply) => {
      const tenantId = tenantOf(request);
      const id = itemId(request, { malformed: 'badRequest' });
      const expected = deleteIfMatch(request);
      await writeTransaction(db, async (tx) => {
        const repo = new SessionRepository(tx);
        const existing = await visible(repo, tenantId, id);
        if (!existing) throw notFound('Resource to delete was not found.');
        authorizeSchool(request, existing.schoolId);
        checkIfMatch(expected, existing.changeVersion);
        const deps = await repo.dependents(tenantId, existing.id);
        if (deps.referencingSessions > 0 || deps.children > 0) throw dependentItemExists('Session');
        if (deps.courseSections > 0) throw dependentItemExists('CourseOffering');
        const after = await repo.markDeleted(tenantId, existing.id, { expectedChangeVersion: expected });
        if (after === 'conflict' || after === null) throw optimisticLockFailed();
      });
      return reply.code(204).send();
    },
  );

  registerMethodNotAllowed(r, RESOURCE);
}
