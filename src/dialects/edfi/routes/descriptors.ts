// /data/v3/ed-fi/termDescriptors and /gradingPeriodDescriptors: GET, POST upsert by namespace +
// codeValue, PUT by id (namespace and codeValue cannot change), DELETE (refused while sessions
// use it; the URI can then be created again), /deletes, /keyChanges, /partitions. A term
// descriptor's canonical session type is data (the descriptors table's session_type); a client
// may set it through `_ext.termbridge.sessionType`.
import { writeTransaction } from '../../../store/write-transaction.ts';
import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { isSessionType } from '../../../domain/session.ts';
import { ReferenceDataRepository, type DescriptorWrite } from '../../../store/reference-data-repository.ts';
import { TenantRepository, type Descriptor } from '../../../store/tenant-repository.ts';
import { DATA, itemLocation, route, tenantOf, type EdfiRoutes } from '../edfi-route.ts';
import { etagHeader, parseEtag } from '../etag.ts';
import { dataValidationFailed, dependentItemExists, keyChangeNotSupported, notFound, optimisticLockFailed } from '../problem-details.ts';
import { authorizeDistrictWrite } from '../school-claim.ts';
import { toEdfiId } from '../resource-id.ts';
import { DescriptorBody, DescriptorItem, Empty, Headers, ItemParams } from '../schemas.ts';
import { BodyReader, propertyOf } from '../wire-body.ts';
import { checkIfMatch, deleteIfMatch, ifMatch, itemId, writeBody } from '../write-request.ts';
import { registerMethodNotAllowed } from './method-not-allowed.ts';
import { registerReferenceCollection } from './reference-collection.ts';
import { registerTrackedChanges } from './tracked-changes.ts';

const KINDS = [
  { resource: 'termDescriptors', kind: 'TermDescriptor' },
  { resource: 'gradingPeriodDescriptors', kind: 'GradingPeriodDescriptor' },
] as const;

function toWire(d: Descriptor, resource: string) {
  return {
    id: toEdfiId(d.id),
    codeValue: d.codeValue,
    namespace: d.namespace,
    shortDescription: d.shortDescription,
    ...(d.description === null ? {} : { description: d.description }),
    ...(d.effectiveBeginDate === null ? {} : { effectiveBeginDate: d.effectiveBeginDate }),
    ...(d.effectiveEndDate === null ? {} : { effectiveEndDate: d.effectiveEndDate }),
    ...(resource === 'termDescriptors' && d.sessionType ? { _ext: { termbridge: { sessionType: d.sessionType } } } : {}),
    _etag: String(d.changeVersion),
    _lastModifiedDate: d.updatedAt,
  };
}

const Item = Type.Composite([DescriptorItem, Type.Object({ _ext: Type.Optional(Type.Object({ termbridge: Type.Object({ sessionType: Type.String() }) })) })]);

function parseBody(request: FastifyRequest, kind: string, refuseId: boolean): DescriptorWrite {
  const body = writeBody(request, { refuseId });
  const b = new BodyReader(body);
  const codeValue = b.string('codeValue', 50);
  const namespace = b.string('namespace', 255);
  const shortDescription = b.string('shortDescription', 75);
  const description = b.string('description', 1024, { required: false });
  const effectiveBeginDate = b.date('effectiveBeginDate', false);
  const effectiveEndDate = b.date('effectiveEndDate', false);
  if (codeValue?.includes('#')) b.add('$.codeValue', "CodeValue cannot contain '#': it separates the namespace from the code value in a descriptor URI.");
  const ext = propertyOf((propertyOf((propertyOf(body, '_ext') ?? {}) as Record<string, unknown>, 'termbridge') ?? {}) as Record<string, unknown>, 'sessionType');
  if (ext !== undefined && (!isSessionType(ext) || ext === 'gradingPeriod'))
    b.add('$._ext.termbridge.sessionType', `SessionType '${String(ext)}' is not one of schoolYear, semester, trimester, quarter, term, summer, other.`);
  if (!b.ok) throw dataValidationFailed(b.errors);
  return {
    kind,
    namespace: namespace!,
    codeValue: codeValue!,
    shortDescription: shortDescription!,
    description,
    effectiveBeginDate,
    effectiveEndDate,
    sessionType: kind === 'TermDescriptor' && typeof ext === 'string' ? ext : null,
  };
}

/** A write that would change nothing keeps the item's version (and ETag), as ODS's does. */
function unchanged(d: Descriptor, w: DescriptorWrite): boolean {
  return (
    d.shortDescription === w.shortDescription &&
    d.description === w.description &&
    d.effectiveBeginDate === w.effectiveBeginDate &&
    d.effectiveEndDate === w.effectiveEndDate &&
    (w.sessionType === null || d.sessionType === w.sessionType)
  );
}

export function registerDescriptors(r: EdfiRoutes): void {
  const db = r.ctx.store.db;
  for (const { resource, kind } of KINDS) {
    const list = (tenantId: string) => new TenantRepository(db).descriptors(tenantId, kind);

    registerTrackedChanges(r, resource, { keyChanges: true });
    registerReferenceCollection(r, {
      resource,
      filters: { codeValue: 'string', namespace: 'string', shortDescription: 'string', description: 'string', effectiveBeginDate: 'date', effectiveEndDate: 'date', id: 'id' },
      list: async (request) => (await list(tenantOf(request))).map((d) => ({ rowSeq: d.rowSeq, changeVersion: d.changeVersion, wire: toWire(d, resource) })),
      itemSchema: Item,
      filterSchemas: {
        codeValue: Type.Optional(Type.String()),
        namespace: Type.Optional(Type.String()),
        shortDescription: Type.Optional(Type.String()),
        description: Type.Optional(Type.String()),
        effectiveBeginDate: Type.Optional(Type.String({ format: 'date' })),
        effectiveEndDate: Type.Optional(Type.String({ format: 'date' })),
        id: Type.Optional(Type.String()),
      },
    });

    route(
      r,
      'GET',
      `${DATA}/${resource}/:id`,
      { summary: `Get one of the ${resource} by id`, params: ItemParams, headers: Headers.ifNoneMatch, response: { 200: Item, 304: Empty } },
      async (request: FastifyRequest, reply: FastifyReply) => {
        const id = itemId(request, { malformed: 'notFound' });
        const d = (await list(tenantOf(request))).find((x) => x.id === id);
        if (!d) throw notFound();
        reply.header('etag', etagHeader(d.changeVersion));
        if (parseEtag(request.headers['if-none-match']) === d.changeVersion) return reply.code(304).send();
        return toWire(d, resource);
      },
    );

    route(
      r,
      'POST',
      `${DATA}/${resource}`,
      { summary: `Create or update one of the ${resource} by namespace and codeValue`, body: DescriptorBody, headers: Headers.ifMatch, response: { 200: Empty, 201: Empty } },
      async (request: FastifyRequest, reply: FastifyReply) => {
        const tenantId = tenantOf(request);
        authorizeDistrictWrite(request, resource);
        const w = parseBody(request, kind, true);
        const expected = ifMatch(request);
        const saved = await writeTransaction(db, async (tx) => {
          const before = (await new TenantRepository(tx).descriptors(tenantId, kind)).find((d) => d.namespace === w.namespace && d.codeValue === w.codeValue);
          if (before) checkIfMatch(expected, before.changeVersion);
          if (before && unchanged(before, w)) return { inserted: false, after: before };
          const { id, inserted } = await new ReferenceDataRepository(tx).upsertDescriptor(tenantId, w);
          const after = (await new TenantRepository(tx).descriptors(tenantId, kind)).find((d) => d.id === id)!;
          return { inserted, after };
        });
        return reply
          .code(saved.inserted ? 201 : 200)
          .header('location', itemLocation(request, resource, toEdfiId(saved.after.id)))
          .header('etag', etagHeader(saved.after.changeVersion))
          .send();
      },
    );

    route(
      r,
      'PUT',
      `${DATA}/${resource}/:id`,
      { summary: `Update one of the ${resource} by id (namespace and codeValue cannot change)`, params: ItemParams, body: DescriptorBody, headers: Headers.ifMatch, response: { 204: Empty } },
      async (request: FastifyRequest, reply: FastifyReply) => {
        const tenantId = tenantOf(request);
        authorizeDistrictWrite(request, resource);
        const id = itemId(request, { malformed: 'badRequest' });
        const w = parseBody(request, kind, false);
        const expected = ifMatch(request);
        const after = await writeTransaction(db, async (tx) => {
          const existing = (await new TenantRepository(tx).descriptors(tenantId, kind)).find((d) => d.id === id);
          if (!existing) throw notFound('Resource to update was not found.');
          checkIfMatch(expected, existing.changeVersion);
          if (existing.namespace !== w.namespace || existing.codeValue !== w.codeValue) throw keyChangeNotSupported(kind);
          if (unchanged(existing, w)) return existing;
          await new ReferenceDataRepository(tx).upsertDescriptor(tenantId, w);
          return (await new TenantRepository(tx).descriptors(tenantId, kind)).find((d) => d.id === id)!;
        });
        return reply
          .code(204)
          .header('location', itemLocation(request, resource, toEdfiId(after.id)))
          .header('etag', etagHeader(after.changeVersion))
          .send();
      },
    );

    route(
      r,
      'DELETE',
      `${DATA}/${resource}/:id`,
      { summary: `Delete one of the ${resource} by id (refused while sessions use it)`, params: ItemParams, headers: Headers.ifMatch, response: { 204: Empty } },
      async (request: FastifyRequest, reply: FastifyReply) => {
        const tenantId = tenantOf(request);
        authorizeDistrictWrite(request, resource);
        const id = itemId(request, { malformed: 'badRequest' });
        const expected = deleteIfMatch(request);
        await writeTransaction(db, async (tx) => {
          const existing = (await new TenantRepository(tx).descriptors(tenantId, kind)).find((d) => d.id === id);
          if (!existing) throw notFound('Resource to delete was not found.');
          checkIfMatch(expected, existing.changeVersion);
          const data = new ReferenceDataRepository(tx);
          const users = await data.sessionsUsingDescriptor(tenantId, existing.uri);
          if (users.sessions > 0) throw dependentItemExists('Session');
          if (users.gradingPeriods > 0) throw dependentItemExists('GradingPeriod');
          if ((await data.deleteDescriptor(tenantId, resource, existing, expected)) === 'conflict') throw optimisticLockFailed();
        });
        return reply.code(204).send();
      },
    );

    registerMethodNotAllowed(r, resource);
  }
}
