// /data/v3/ed-fi/schoolYearTypes: the tenant's school years. POST upserts by schoolYear, PUT
// updates by id (schoolYear cannot change), DELETE refuses a year sessions still use; a deleted
// year can be created again. ODS has no /deletes or /keyChanges for this resource.
import { writeTransaction } from '../../../store/write-transaction.ts';
import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ReferenceDataRepository } from '../../../store/reference-data-repository.ts';
import { TenantRepository, type SchoolYear } from '../../../store/tenant-repository.ts';
import { DATA, itemLocation, route, tenantOf, type EdfiRoutes } from '../edfi-route.ts';
import { etagHeader, parseEtag } from '../etag.ts';
import { dataValidationFailed, dependentItemExists, keyChangeNotSupported, notFound, optimisticLockFailed } from '../problem-details.ts';
import { authorizeDistrictWrite } from '../school-claim.ts';
import { toEdfiId } from '../resource-id.ts';
import { Empty, Headers, ItemParams, SchoolYearType, SchoolYearTypeBody } from '../schemas.ts';
import { BodyReader } from '../wire-body.ts';
import { checkIfMatch, deleteIfMatch, ifMatch, itemId, writeBody } from '../write-request.ts';
import { registerMethodNotAllowed } from './method-not-allowed.ts';
import { registerReferenceCollection } from './reference-collection.ts';

const RESOURCE = 'schoolYearTypes';

function toWire(y: SchoolYear) {
  return {
    id: toEdfiId(y.id),
    schoolYear: y.schoolYear,
    currentSchoolYear: y.isCurrent,
    schoolYearDescription: y.description,
    _etag: String(y.changeVersion),
    _lastModifiedDate: y.updatedAt,
  };
}

function parseBody(request: FastifyRequest, refuseId: boolean) {
  const b = new BodyReader(writeBody(request, { refuseId }));
  const schoolYear = b.integer('schoolYear', { min: 1900, max: 2100 });
  const current = b.boolean('currentSchoolYear');
  const description = b.string('schoolYearDescription', 50);
  if (!b.ok) throw dataValidationFailed(b.errors);
  return { schoolYear: schoolYear!, current: current!, description: description! };
}

export function registerSchoolYearTypes(r: EdfiRoutes): void {
  const db = r.ctx.store.db;
  const years = (tenantId: string) => new TenantRepository(db).schoolYears(tenantId);

  registerReferenceCollection(r, {
    resource: RESOURCE,
    filters: { schoolYear: 'int', currentSchoolYear: 'bool', schoolYearDescription: 'string', id: 'id' },
    list: async (request) => (await years(tenantOf(request))).map((y) => ({ rowSeq: y.rowSeq, changeVersion: y.changeVersion, wire: toWire(y) })),
    itemSchema: SchoolYearType,
    filterSchemas: {
      schoolYear: Type.Optional(Type.Integer()),
      currentSchoolYear: Type.Optional(Type.Boolean()),
      schoolYearDescription: Type.Optional(Type.String()),
      id: Type.Optional(Type.String()),
    },
  });

  route(
    r,
    'GET',
    `${DATA}/${RESOURCE}/:id`,
    { summary: 'Get a school year by id', params: ItemParams, headers: Headers.ifNoneMatch, response: { 200: SchoolYearType, 304: Empty } },
    async (request: FastifyRequest, reply: FastifyReply) => {
      const id = itemId(request, { malformed: 'notFound' });
      const y = (await years(tenantOf(request))).find((x) => x.id === id);
      if (!y) throw notFound();
      reply.header('etag', etagHeader(y.changeVersion));
      if (parseEtag(request.headers['if-none-match']) === y.changeVersion) return reply.code(304).send();
      return toWire(y);
    },
  );

  route(
    r,
    'POST',
    `${DATA}/${RESOURCE}`,
    { summary: 'Create or update a school year by schoolYear', body: SchoolYearTypeBody, headers: Headers.ifMatch, response: { 200: Empty, 201: Empty } },
    async (request: FastifyRequest, reply: FastifyReply) => {
      const tenantId = tenantOf(request);
      authorizeDistrictWrite(request, RESOURCE);
      const w = parseBody(request, true);
      const expected = ifMatch(request);
      const saved = await writeTransaction(db, async (tx) => {
        const before = (await new TenantRepository(tx).schoolYears(tenantId)).find((y) => y.schoolYear === w.schoolYear);
        if (before) checkIfMatch(expected, before.changeVersion);
        const inserted = await new ReferenceDataRepository(tx).upsertSchoolYear(tenantId, w.schoolYear, w.description, w.current);
        const after = (await new TenantRepository(tx).schoolYears(tenantId)).find((y) => y.schoolYear === w.schoolYear)!;
        return { inserted, after };
      });
      return reply
        .code(saved.inserted ? 201 : 200)
        .header('location', itemLocation(request, RESOURCE, toEdfiId(saved.after.id)))
        .header('etag', etagHeader(saved.after.changeVersion))
        .send();
    },
  );

  route(
    r,
    'PUT',
    `${DATA}/${RESOURCE}/:id`,
    { summary: 'Update a school year by id (its schoolYear cannot change)', params: ItemParams, body: SchoolYearTypeBody, headers: Headers.ifMatch, response: { 204: Empty } },
    async (request: FastifyRequest, reply: FastifyReply) => {
      const tenantId = tenantOf(request);
      authorizeDistrictWrite(request, RESOURCE);
      const id = itemId(request, { malformed: 'badRequest' });
      const w = parseBody(request, false);
      const expected = ifMatch(request);
      const after = await writeTransaction(db, async (tx) => {
        const existing = (await new TenantRepository(tx).schoolYears(tenantId)).find((y) => y.id === id);
        if (!existing) throw notFound('Resource to update was not found.');
        checkIfMatch(expected, existing.changeVersion);
        if (existing.schoolYear !== w.schoolYear) throw keyChangeNotSupported('SchoolYearType');
        if (existing.description === w.description && existing.isCurrent === w.current) return existing;
        await new ReferenceDataRepository(tx).upsertSchoolYear(tenantId, w.schoolYear, w.description, w.current);
        return (await new TenantRepository(tx).schoolYears(tenantId)).find((y) => y.id === id)!;
      });
      return reply
        .code(204)
        .header('location', itemLocation(request, RESOURCE, toEdfiId(after.id)))
        .header('etag', etagHeader(after.changeVersion))
        .send();
    },
  );

  route(
    r,
    'DELETE',
    `${DATA}/${RESOURCE}/:id`,
    { summary: 'Delete a school year by id (refused while sessions use it); the year can then be created again', params: ItemParams, headers: Headers.ifMatch, response: { 204: Empty } },
    async (request: FastifyRequest, reply: FastifyReply) => {
      const tenantId = tenantOf(request);
      authorizeDistrictWrite(request, RESOURCE);
      const id = itemId(request, { malformed: 'badRequest' });
      const expected = deleteIfMatch(request);
      await writeTransaction(db, async (tx) => {
        const existing = (await new TenantRepository(tx).schoolYears(tenantId)).find((y) => y.id === id);
        if (!existing) throw notFound('Resource to delete was not found.');
        checkIfMatch(expected, existing.changeVersion);
        const data = new ReferenceDataRepository(tx);
        const users = await data.sessionsOfSchoolYear(tenantId, existing.schoolYear);
        if (users.sessions > 0) throw dependentItemExists('Session');
        if (users.gradingPeriods > 0) throw dependentItemExists('GradingPeriod');
        if ((await data.deleteSchoolYear(tenantId, existing.id, expected)) === 'conflict') throw optimisticLockFailed();
      });
      return reply.code(204).send();
    },
  );

  registerMethodNotAllowed(r, RESOURCE);
}
