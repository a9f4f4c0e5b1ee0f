// /data/v3/ed-fi/termDescriptors and /gradingPeriodDescriptors (GET, POST upsert by
// namespace + codeValue). A term descriptor's canonical session type is data (the descriptors
// table's session_type); a client may set it through `_ext.termbridge.sessionType`.
import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { isSessionType } from '../../../domain/session.ts';
import { ReferenceDataRepository } from '../../../store/reference-data-repository.ts';
import { TenantRepository, type Descriptor } from '../../../store/tenant-repository.ts';
import { pagingHeaders } from '../collection-query.ts';
import { DATA, itemLocation, route, tenantOf, type EdfiRoutes } from '../edfi-route.ts';
import { etagHeader, parseEtag } from '../etag.ts';
import { dataValidationFailed, notFound, parameterValidationFailed } from '../problem-details.ts';
import { parseCollectionQuery, type RawQuery } from '../query-params.ts';
import { pageInMemory } from '../reference-list.ts';
import { fromEdfiId, toEdfiId } from '../resource-id.ts';
import { DescriptorBody, DescriptorItem, Empty, Headers, ItemParams, PagingQuery } from '../schemas.ts';
import { BodyReader } from '../wire-body.ts';
import { checkIfMatch, ifMatch, writeBody } from '../write-request.ts';
import { registerMethodNotAllowed } from './method-not-allowed.ts';

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
    ...(resource === 'termDescriptors' && d.sessionType ? { _ext: { termbridge: { sessionType: d.sessionType } } } : {}),
    _etag: String(d.changeVersion),
    _lastModifiedDate: d.updatedAt,
  };
}

const Item = Type.Composite([DescriptorItem, Type.Object({ _ext: Type.Optional(Type.Object({ termbridge: Type.Object({ sessionType: Type.String() }) })) })]);

export function registerDescriptors(r: EdfiRoutes): void {
  const db = r.ctx.store.db;
  for (const { resource, kind } of KINDS) {
    const list = (tenantId: string) => new TenantRepository(db).descriptors(tenantId, kind);

    route(
      r,
      'GET',
      `${DATA}/${resource}`,
      {
        summary: `Get ${resource}`,
        querystring: Type.Object({ ...PagingQuery, codeValue: Type.Optional(Type.String()), namespace: Type.Optional(Type.String()), id: Type.Optional(Type.String()) }),
        response: { 200: Type.Array(Item) },
      },
      async (request: FastifyRequest, reply: FastifyReply) => {
        const parsed = parseCollectionQuery((request.query ?? {}) as RawQuery, { codeValue: 'string', namespace: 'string', id: 'id' });
        if (!parsed.ok) throw parameterValidationFailed(parsed.message);
        const q = parsed.value;
        const f = q.filters;
        const all = (await list(tenantOf(request))).filter(
          (d) => (f['codeValue'] === undefined || d.codeValue === f['codeValue']) && (f['namespace'] === undefined || d.namespace === f['namespace']) && (f['id'] === undefined || d.id === f['id']),
        );
        const { rows, total } = pageInMemory(all, q);
        reply.headers(pagingHeaders(q, rows, total));
        return rows.map((d) => toWire(d, resource));
      },
    );

    route(
      r,
      'GET',
      `${DATA}/${resource}/:id`,
      { summary: `Get one of the ${resource} by id`, params: ItemParams, headers: Headers.ifNoneMatch, response: { 200: Item, 304: Empty } },
      async (request: FastifyRequest, reply: FastifyReply) => {
        const id = fromEdfiId((request.params as { id: string }).id);
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
        const body = writeBody(request, { refuseId: true });
        const b = new BodyReader(body);
        const codeValue = b.string('codeValue', 50);
        const namespace = b.string('namespace', 255);
        const shortDescription = b.string('shortDescription', 75);
        const description = b.string('description', 1024, { required: false });
        if (codeValue?.includes('#')) b.add('$.codeValue', "CodeValue cannot contain '#': it separates the namespace from the code value in a descriptor URI.");
        const ext = (body['_ext'] as { termbridge?: { sessionType?: unknown } } | undefined)?.termbridge?.sessionType;
        if (ext !== undefined && (!isSessionType(ext) || ext === 'gradingPeriod'))
          b.add('$._ext.termbridge.sessionType', `SessionType '${String(ext)}' is not one of schoolYear, semester, trimester, quarter, term, summer, other.`);
        if (!b.ok) throw dataValidationFailed(b.errors);
        const expected = ifMatch(request);
        const saved = await db.transaction().execute(async (tx) => {
          const before = (await new TenantRepository(tx).descriptors(tenantId, kind)).find((d) => d.namespace === namespace && d.codeValue === codeValue);
          if (before) checkIfMatch(expected, before.changeVersion);
          const { id, inserted } = await new ReferenceDataRepository(tx).upsertDescriptor(tenantId, {
            kind,
            namespace: namespace!,
            codeValue: codeValue!,
            shortDescription: shortDescription!,
            description,
            sessionType: kind === 'TermDescriptor' && typeof ext === 'string' ? ext : null,
          });
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

    registerMethodNotAllowed(r, resource, { updatable: false, deletable: false });
  }
}
