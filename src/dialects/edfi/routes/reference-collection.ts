// GET many and /partitions of a reference resource (schools, school years, descriptors), in
// memory: see reference-list.ts. Each resource says how it lists its items and which filters ODS
// offers on it; paging, headers and partition sizing are the sessions' rules.
import { Type, type TSchema } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { pagingHeaders } from '../collection-query.ts';
import { DATA, route, type EdfiRoutes } from '../edfi-route.ts';
import { parameterValidationFailed } from '../problem-details.ts';
import { parseCollectionQuery, parsePartitionsQuery, type FilterSpec, type RawQuery } from '../query-params.ts';
import { filterInMemory, pageInMemory, partitionsInMemory, type FilterGetters, type ListedItem } from '../reference-list.ts';
import { PageTokens, PagingQuery, PartitionsQuery } from '../schemas.ts';

export interface ReferenceCollection {
  resource: string;
  filters: FilterSpec;
  getters?: FilterGetters;
  /** Every live item the request may see, with its wire form. */
  list(request: FastifyRequest): Promise<ListedItem[]>;
  itemSchema: TSchema;
  filterSchemas: Record<string, TSchema>;
}

export function registerReferenceCollection(r: EdfiRoutes, c: ReferenceCollection): void {
  route(
    r,
    'GET',
    `${DATA}/${c.resource}`,
    { summary: `Get ${c.resource} by property values`, querystring: Type.Object({ ...PagingQuery, ...c.filterSchemas }), response: { 200: Type.Array(c.itemSchema) } },
    async (request: FastifyRequest, reply: FastifyReply) => {
      const parsed = parseCollectionQuery((request.query ?? {}) as RawQuery, c.filters);
      if (!parsed.ok) throw parameterValidationFailed(parsed.message);
      const q = parsed.value;
      const { rows, total } = pageInMemory(filterInMemory(await c.list(request), q.filters, c.getters), q);
      reply.headers(pagingHeaders(q, rows, total));
      return rows.map((i) => i.wire);
    },
  );

  route(
    r,
    'GET',
    `${DATA}/${c.resource}/partitions`,
    { summary: `Page tokens splitting ${c.resource} for parallel reads`, querystring: PartitionsQuery(c.filterSchemas), response: { 200: PageTokens } },
    async (request: FastifyRequest) => {
      const parsed = parsePartitionsQuery((request.query ?? {}) as RawQuery, c.filters);
      if (!parsed.ok) throw parameterValidationFailed(parsed.message);
      return { pageTokens: partitionsInMemory(filterInMemory(await c.list(request), parsed.value.filters, c.getters), parsed.value) };
    },
  );
}
