// /data/v3/ed-fi/schoolYearTypes: the tenant's school years (GET, POST upsert by schoolYear).
import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ReferenceDataRepository } from '../../../store/reference-data-repository.ts';
import { TenantRepository, type SchoolYear } from '../../../store/tenant-repository.ts';
import { pagingHeaders } from '../collection-query.ts';
import { DATA, itemLocation, route, tenantOf, type EdfiRoutes } from '../edfi-route.ts';
import { etagHeader, parseEtag } from '../etag.ts';
import { dataValidationFailed, notFound, parameterValidationFailed } from '../problem-details.ts';
import { parseCollectionQuery, type RawQuery } from '../query-params.ts';
import { pageInMemory } from '../reference-list.ts';
import { fromEdfiId, toEdfiId } from '../resource-id.ts';
import { Empty, Headers, ItemParams, PagingQuery, SchoolYearType, SchoolYearTypeBody } from '../schemas.ts';
import { BodyReader } from '../wire-body.ts';
import { checkIfMatch, ifMatch, writeBody } from '../write-request.ts';
import { registerMethodNotAllowed } from './method-not-allowed.ts';

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

export function registerSchoolYearTypes(r: EdfiRoutes): void {
  const db = r.ctx.store.db;
  const years = (tenantId: string) => new TenantRepository(db).schoolYears(tenantId);

  route(
    r,
    'GET',
    `${DATA}/${RESOURCE}`,
    {
      summary: 'Get school years',
      querystring: Type.Object({ ...PagingQuery, schoolYear: Type.Optional(Type.Integer()), id: Type.Optional(Type.String()) }),
      response: { 200: Type.Array(SchoolYearType) },
    },
    async (request: FastifyRequest, reply: FastifyReply) => {
      const parsed = parseCollectionQuery((request.query ?? {}) as RawQuery, { schoolYear: 'int', id: 'id' });
      if (!parsed.ok) throw parameterValidationFailed(parsed.message);
      const q = parsed.value;
      const f = q.filters;
      const all = (await years(tenantOf(request))).filter((y) => (f['schoolYear'] === undefined || y.schoolYear === f['schoolYear']) && (f['id'] === undefined || y.id === f['id']));
      const { rows, total } = pageInMemory(all, q);
      reply.headers(pagingHeaders(q, rows, total));
      return rows.map(toWire);
    },
  );

  route(
    r,
    'GET',
    `${DATA}/${RESOURCE}/:id`,
    { summary: 'Get a school year by id', params: ItemParams, headers: Headers.ifNoneMatch, response: { 200: SchoolYearType, 304: Empty } },
    async (request: FastifyRequest, reply: FastifyReply) => {
      const id = fromEdfiId((request.params as { id: string }).id);
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
      const b = new BodyReader(writeBody(request, { refuseId: true }));
      const schoolYear = b.integer('schoolYear', { min: 1900, max: 2100 });
      const current = b.boolean('currentSchoolYear');
      const description = b.string('schoolYearDescription', 50);
      if (!b.ok) throw dataValidationFailed(b.errors);
      const expected = ifMatch(request);
      const saved = await db.transaction().execute(async (tx) => {
        const before = (await new TenantRepository(tx).schoolYears(tenantId)).find((y) => y.schoolYear === schoolYear);
        if (before) checkIfMatch(expected, before.changeVersion);
        const inserted = await new ReferenceDataRepository(tx).upsertSchoolYear(tenantId, schoolYear!, description!, current!);
        const after = (await new TenantRepository(tx).schoolYears(tenantId)).find((y) => y.schoolYear === schoolYear)!;
        return { inserted, after };
      });
      return reply
        .code(saved.inserted ? 201 : 200)
        .header('location', itemLocation(request, RESOURCE, toEdfiId(saved.after.id)))
        .header('etag', etagHeader(saved.after.changeVersion))
        .send();
    },
  );

  registerMethodNotAllowed(r, RESOURCE, { updatable: false, deletable: false });
}
