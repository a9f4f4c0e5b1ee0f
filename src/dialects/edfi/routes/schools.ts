// /data/v3/ed-fi/schools: the tenant's school orgs. POST upserts by schoolId; a school's
// schoolId cannot change; a school still holding sessions cannot be deleted.
import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Transaction } from 'kysely';
import type { Tables } from '../../../store/schema.ts';
import { ReferenceDataRepository } from '../../../store/reference-data-repository.ts';
import { TenantRepository, type Org } from '../../../store/tenant-repository.ts';
import { pagingHeaders } from '../collection-query.ts';
import { DATA, itemLocation, route, tenantOf, type EdfiRoutes } from '../edfi-route.ts';
import { etagHeader, parseEtag } from '../etag.ts';
import { dataValidationFailed, dependentItemExists, keyChangeNotSupported, notFound, optimisticLockFailed, parameterValidationFailed } from '../problem-details.ts';
import { parseCollectionQuery, type RawQuery } from '../query-params.ts';
import { pageInMemory } from '../reference-list.ts';
import { fromEdfiId, toEdfiId } from '../resource-id.ts';
import { authorizeSchool, claimedSchool } from '../school-claim.ts';
import { Empty, Headers, ItemParams, PagingQuery, School, SchoolBody } from '../schemas.ts';
import { BodyReader } from '../wire-body.ts';
import { checkIfMatch, deleteIfMatch, ifMatch, writeBody } from '../write-request.ts';
import { registerMethodNotAllowed } from './method-not-allowed.ts';
import { registerTrackedChanges } from './tracked-changes.ts';

const RESOURCE = 'schools';
const FILTERS = { schoolId: 'int', nameOfInstitution: 'string', id: 'id' } as const;

function schoolToWire(o: Org, district: Org | undefined) {
  return {
    id: toEdfiId(o.id),
    schoolId: o.schoolId!,
    nameOfInstitution: o.name,
    // termbridge keeps no categories or grade levels; Ed-Fi requires them, so the category is
    // the one every school has and the grade levels are left empty.
    educationOrganizationCategories: [{ educationOrganizationCategoryDescriptor: 'uri://ed-fi.org/EducationOrganizationCategoryDescriptor#School' }],
    gradeLevels: [],
    ...(district?.schoolId
      ? { localEducationAgencyReference: { localEducationAgencyId: district.schoolId, link: { rel: 'LocalEducationAgency', href: `/ed-fi/localEducationAgencies/${toEdfiId(district.id)}` } } }
      : {}),
    _etag: String(o.changeVersion),
    _lastModifiedDate: o.updatedAt,
  };
}

function parseSchool(request: FastifyRequest, refuseId: boolean): { schoolId: number; name: string } {
  const r = new BodyReader(writeBody(request, { refuseId }));
  const schoolId = r.integer('schoolId', { min: 1 });
  const name = r.string('nameOfInstitution', 75);
  if (!r.ok) throw dataValidationFailed(r.errors);
  return { schoolId: schoolId!, name: name! };
}

export function registerSchools(r: EdfiRoutes): void {
  const db = r.ctx.store.db;
  const liveSchools = async (tenantId: string) => {
    const orgs = await new TenantRepository(db).orgs(tenantId);
    return { schools: orgs.filter((o) => o.kind === 'school' && o.status === 'active' && o.schoolId !== null), district: orgs.find((o) => o.kind === 'district') };
  };
  const visible = async (tenantId: string, id: string | null, executor: typeof db | Transaction<Tables> = db) => {
    if (id === null) return null;
    const o = await new TenantRepository(executor).org(tenantId, id);
    return o && o.kind === 'school' && o.status === 'active' && o.schoolId !== null ? o : null;
  };

  registerTrackedChanges(r, RESOURCE, { keyChanges: true });

  route(
    r,
    'GET',
    `${DATA}/${RESOURCE}`,
    {
      summary: 'Get schools by property values',
      querystring: Type.Object({ ...PagingQuery, schoolId: Type.Optional(Type.Integer()), nameOfInstitution: Type.Optional(Type.String()), id: Type.Optional(Type.String()) }),
      response: { 200: Type.Array(School) },
    },
    async (request: FastifyRequest, reply: FastifyReply) => {
      const parsed = parseCollectionQuery((request.query ?? {}) as RawQuery, FILTERS);
      if (!parsed.ok) throw parameterValidationFailed(parsed.message);
      const q = parsed.value;
      const { schools, district } = await liveSchools(tenantOf(request));
      const f = q.filters;
      const claim = claimedSchool(request);
      const matching = schools.filter(
        (o) => (claim === undefined || o.schoolId === claim) && (f['schoolId'] === undefined || o.schoolId === f['schoolId']) && (f['nameOfInstitution'] === undefined || o.name === f['nameOfInstitution']) && (f['id'] === undefined || o.id === f['id']),
      );
      const { rows, total } = pageInMemory(matching, q);
      reply.headers(pagingHeaders(q, rows, total));
      return rows.map((o) => schoolToWire(o, district));
    },
  );

  route(
    r,
    'GET',
    `${DATA}/${RESOURCE}/:id`,
    { summary: 'Get a school by id', params: ItemParams, headers: Headers.ifNoneMatch, response: { 200: School, 304: Empty } },
    async (request: FastifyRequest, reply: FastifyReply) => {
      const tenantId = tenantOf(request);
      const o = await visible(tenantId, fromEdfiId((request.params as { id: string }).id));
      if (!o) throw notFound();
      authorizeSchool(request, o.schoolId);
      reply.header('etag', etagHeader(o.changeVersion));
      if (parseEtag(request.headers['if-none-match']) === o.changeVersion) return reply.code(304).send();
      const district = (await new TenantRepository(db).orgs(tenantId, 'district'))[0];
      return schoolToWire(o, district);
    },
  );

  route(
    r,
    'POST',
    `${DATA}/${RESOURCE}`,
    { summary: 'Create or update a school by schoolId', body: SchoolBody, headers: Headers.ifMatch, response: { 200: Empty, 201: Empty } },
    async (request: FastifyRequest, reply: FastifyReply) => {
      const tenantId = tenantOf(request);
      const w = parseSchool(request, true);
      authorizeSchool(request, w.schoolId);
      const expected = ifMatch(request);
      const result = await db.transaction().execute(async (tx) => {
        const tenants = new TenantRepository(tx);
        const existing = await tenants.orgBySchoolId(tenantId, w.schoolId);
        if (!existing) return { status: 201, org: await tenants.addSchool(tenantId, { name: w.name, schoolId: w.schoolId }) };
        if (existing.kind !== 'school') throw dataValidationFailed({ '$.schoolId': [`${w.schoolId} is the district's LocalEducationAgencyId, not a school.`] });
        checkIfMatch(expected, existing.changeVersion);
        if (existing.name === w.name) return { status: 200, org: existing };
        const done = await new ReferenceDataRepository(tx).updateSchool(tenantId, existing.id, w.name, typeof expected === 'number' ? expected : undefined);
        if (done === 'conflict') throw optimisticLockFailed();
        return { status: 200, org: (await tenants.org(tenantId, existing.id))! };
      });
      return reply
        .code(result.status)
        .header('location', itemLocation(request, RESOURCE, toEdfiId(result.org.id)))
        .header('etag', etagHeader(result.org.changeVersion))
        .send();
    },
  );

  route(
    r,
    'PUT',
    `${DATA}/${RESOURCE}/:id`,
    { summary: 'Update a school by id (its schoolId cannot change)', params: ItemParams, body: SchoolBody, headers: Headers.ifMatch, response: { 204: Empty } },
    async (request: FastifyRequest, reply: FastifyReply) => {
      const tenantId = tenantOf(request);
      const id = fromEdfiId((request.params as { id: string }).id);
      const w = parseSchool(request, false);
      const expected = ifMatch(request);
      const org = await db.transaction().execute(async (tx) => {
        const existing = await visible(tenantId, id, tx);
        if (!existing) throw notFound('Resource to update was not found.');
        authorizeSchool(request, existing.schoolId);
        checkIfMatch(expected, existing.changeVersion);
        if (existing.schoolId !== w.schoolId) throw keyChangeNotSupported('School');
        if (existing.name === w.name) return existing;
        const done = await new ReferenceDataRepository(tx).updateSchool(tenantId, existing.id, w.name, typeof expected === 'number' ? expected : undefined);
        if (done === 'conflict') throw optimisticLockFailed();
        return (await new TenantRepository(tx).org(tenantId, existing.id))!;
      });
      return reply
        .code(204)
        .header('location', itemLocation(request, RESOURCE, toEdfiId(org.id)))
        .header('etag', etagHeader(org.changeVersion))
        .send();
    },
  );

  route(
    r,
    'DELETE',
    `${DATA}/${RESOURCE}/:id`,
    { summary: 'Delete a school by id (refused while it has sessions)', params: ItemParams, headers: Headers.ifMatch, response: { 204: Empty } },
    async (request: FastifyRequest, reply: FastifyReply) => {
      const tenantId = tenantOf(request);
      const id = fromEdfiId((request.params as { id: string }).id);
      const expected = deleteIfMatch(request);
      await db.transaction().execute(async (tx) => {
        const existing = await visible(tenantId, id, tx);
        if (!existing) throw notFound('Resource to delete was not found.');
        authorizeSchool(request, existing.schoolId);
        checkIfMatch(expected, existing.changeVersion);
        const data = new ReferenceDataRepository(tx);
        if ((await data.sessionsOfSchool(tenantId, existing.id)) > 0) throw dependentItemExists('Session');
        if ((await data.deleteSchool(tenantId, existing.id, existing.schoolId!, expected)) === 'conflict') throw optimisticLockFailed();
      });
      return reply.code(204).send();
    },
  );

  registerMethodNotAllowed(r, RESOURCE);
}
