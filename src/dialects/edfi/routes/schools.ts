// /data/v3/ed-fi/schools: the tenant's school orgs. POST upserts by schoolId; a school's
// schoolId cannot change; a school still holding sessions cannot be deleted; a deleted school's
// schoolId can be used again. Every DS 5.1 School property round-trips (school-mapping.ts), and
// its references resolve: the local education agency is the tenant's district, the charter
// approval year one of its school years (else 409 unresolved reference).
import { writeTransaction } from '../../../store/write-transaction.ts';
import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely, Transaction } from 'kysely';
import type { Tables } from '../../../store/schema.ts';
import { ReferenceDataRepository } from '../../../store/reference-data-repository.ts';
import { TenantRepository, type Org } from '../../../store/tenant-repository.ts';
import { documentSchema } from '../document-reader.ts';
import { dataVersionOf, linkTargets } from '../link-targets.ts';
import { DATA, itemLocation, route, tenantOf, type EdfiRoutes } from '../edfi-route.ts';
import { etagHeader, parseEtag } from '../etag.ts';
import { dataValidationFailed, dependentItemExists, keyChangeNotSupported, notFound, optimisticLockFailed, unresolvedReference } from '../problem-details.ts';
import type { FilterSpec } from '../query-params.ts';
import { ReferenceResolver } from '../reference-resolution.ts';
import { toEdfiId } from '../resource-id.ts';
import { authorizeSchool, claimedSchool } from '../school-claim.ts';
import { SCHOOL_DOCUMENT, SCHOOL_DOCUMENT_FILTERS } from '../school-document.ts';
import { charterApprovalSchoolYearOf, localEducationAgencyIdOf, parseSchoolBody, sameDocument, schoolToWire, type WireSchool } from '../school-mapping.ts';
import { Empty, Headers, ItemParams } from '../schemas.ts';
import { checkIfMatch, deleteIfMatch, ifMatch, itemId, writeBody } from '../write-request.ts';
import { registerMethodNotAllowed } from './method-not-allowed.ts';
import { registerReferenceCollection } from './reference-collection.ts';
import { registerTrackedChanges } from './tracked-changes.ts';

type Executor = Kysely<Tables> | Transaction<Tables>;
const RESOURCE = 'schools';

const FILTERS: FilterSpec = {
  schoolId: 'int',
  nameOfInstitution: 'string',
  id: 'id',
  localEducationAgencyId: 'int',
  charterApprovalSchoolYear: 'int',
  ...Object.fromEntries(SCHOOL_DOCUMENT_FILTERS.map((name) => [name, 'string' as const])),
};

const FilterSchemas = Object.fromEntries(
  Object.entries(FILTERS).map(([name, kind]) => [name, Type.Optional(kind === 'int' ? Type.Integer() : Type.String())]),
);

const Tracked = { _etag: Type.String(), _lastModifiedDate: Type.String({ format: 'date-time' }) };
export const SchoolSchema = documentSchema(SCHOOL_DOCUMENT, {
  collectionsAlwaysPresent: true,
  extra: { id: Type.String({ pattern: '^[0-9a-f]{32}$' }), schoolId: Type.Integer(), nameOfInstitution: Type.String({ maxLength: 75 }), ...Tracked },
});
const SchoolBody = documentSchema(SCHOOL_DOCUMENT, { extra: { schoolId: Type.Integer(), nameOfInstitution: Type.String({ maxLength: 75 }) } });

function parseBody(request: FastifyRequest, refuseId: boolean): WireSchool {
  const parsed = parseSchoolBody(writeBody(request, { refuseId }));
  if (!parsed.ok) throw dataValidationFailed(parsed.errors);
  return parsed.value;
}

async function wireTargets(db: Executor, request: FastifyRequest) {
  const tenantId = tenantOf(request);
  const district = (await new TenantRepository(db).orgs(tenantId, 'district'))[0];
  return { district, schoolYearIds: (await linkTargets(db, tenantId, [], dataVersionOf(request))).schoolYearIds };
}

/** The body's references must name the tenant's district and one of its school years. */
async function resolveReferences(tx: Executor, tenantId: string, w: WireSchool): Promise<void> {
  const lea = localEducationAgencyIdOf(w.document);
  if (lea !== undefined) {
    const district = (await new TenantRepository(tx).orgs(tenantId, 'district'))[0];
    if (district?.schoolId !== lea) throw unresolvedReference('LocalEducationAgency');
  }
  const year = charterApprovalSchoolYearOf(w.document);
  if (year !== undefined) await new ReferenceResolver(tx, tenantId).schoolYear(year);
}

export function registerSchools(r: EdfiRoutes): void {
  const db = r.ctx.store.db;
  const visible = async (tenantId: string, id: string, executor: Executor = db) => {
    const o = await new TenantRepository(executor).org(tenantId, id);
    return o && o.kind === 'school' && o.status === 'active' && o.schoolId !== null ? o : null;
  };

  registerTrackedChanges(r, RESOURCE, { keyChanges: true });
  registerReferenceCollection(r, {
    resource: RESOURCE,
    filters: FILTERS,
    getters: {
      localEducationAgencyId: (w) => (w['localEducationAgencyReference'] as { localEducationAgencyId?: number } | undefined)?.localEducationAgencyId,
      charterApprovalSchoolYear: (w) => (w['charterApprovalSchoolYearTypeReference'] as { schoolYear?: number } | undefined)?.schoolYear,
    },
    async list(request) {
      const tenantId = tenantOf(request);
      const claim = claimedSchool(request);
      const orgs = await new TenantRepository(db).orgs(tenantId);
      const schools = orgs.filter((o) => o.kind === 'school' && o.status === 'active' && o.schoolId !== null && (claim === undefined || o.schoolId === claim));
      const targets = await wireTargets(db, request);
      return schools.map((o) => ({ rowSeq: o.rowSeq, changeVersion: o.changeVersion, wire: schoolToWire(o, targets) }));
    },
    itemSchema: SchoolSchema,
    filterSchemas: FilterSchemas,
  });

  route(
    r,
    'GET',
    `${DATA}/${RESOURCE}/:id`,
    { summary: 'Get a school by id', params: ItemParams, headers: Headers.ifNoneMatch, response: { 200: SchoolSchema, 304: Empty } },
    async (request: FastifyRequest, reply: FastifyReply) => {
      const tenantId = tenantOf(request);
      const id = itemId(request, { malformed: 'notFound' });
      const o = id === null ? null : await visible(tenantId, id);
      if (!o) throw notFound();
      authorizeSchool(request, o.schoolId);
      reply.header('etag', etagHeader(o.changeVersion));
      if (parseEtag(request.headers['if-none-match']) === o.changeVersion) return reply.code(304).send();
      return schoolToWire(o, await wireTargets(db, request));
    },
  );

  route(
    r,
    'POST',
    `${DATA}/${RESOURCE}`,
    { summary: 'Create or update a school by schoolId', body: SchoolBody, headers: Headers.ifMatch, response: { 200: Empty, 201: Empty } },
    async (request: FastifyRequest, reply: FastifyReply) => {
      const tenantId = tenantOf(request);
      const w = parseBody(request, true);
      authorizeSchool(request, w.schoolId);
      const expected = ifMatch(request);
      const result = await writeTransaction(db, async (tx) => {
        const tenants = new TenantRepository(tx);
        await resolveReferences(tx, tenantId, w);
        const existing = await tenants.orgBySchoolId(tenantId, w.schoolId);
        if (!existing) return { status: 201, org: await tenants.addSchool(tenantId, { name: w.nameOfInstitution, schoolId: w.schoolId, edfiDocument: w.document }) };
        if (existing.kind !== 'school') throw dataValidationFailed({ '$.schoolId': [`${w.schoolId} is the district's LocalEducationAgencyId, not a school.`] });
        checkIfMatch(expected, existing.changeVersion);
        if (existing.name === w.nameOfInstitution && sameDocument(existing.edfiDocument, w.document)) return { status: 200, org: existing };
        const done = await new ReferenceDataRepository(tx).updateSchool(tenantId, existing.id, { name: w.nameOfInstitution, document: w.document }, typeof expected === 'number' ? expected : undefined);
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
      const id = itemId(request, { malformed: 'badRequest' })!;
      const w = parseBody(request, false);
      const expected = ifMatch(request);
      const org: Org = await writeTransaction(db, async (tx) => {
        const existing = await visible(tenantId, id, tx);
        if (!existing) throw notFound('Resource to update was not found.');
        authorizeSchool(request, existing.schoolId);
        checkIfMatch(expected, existing.changeVersion);
        if (existing.schoolId !== w.schoolId) throw keyChangeNotSupported('School');
        await resolveReferences(tx, tenantId, w);
        if (existing.name === w.nameOfInstitution && sameDocument(existing.edfiDocument, w.document)) return existing;
        const done = await new ReferenceDataRepository(tx).updateSchool(tenantId, existing.id, { name: w.nameOfInstitution, document: w.document }, typeof expected === 'number' ? expected : undefined);
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
    { summary: 'Delete a school by id (refused while it has sessions); its schoolId can then be used again', params: ItemParams, headers: Headers.ifMatch, response: { 204: Empty } },
    async (request: FastifyRequest, reply: FastifyReply) => {
      const tenantId = tenantOf(request);
      const id = itemId(request, { malformed: 'badRequest' })!;
      const expected = deleteIfMatch(request);
      await writeTransaction(db, async (tx) => {
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
