// GET many and /partitions over the sessions table, shared by the sessions and gradingPeriods
// resources (each a view of that one table).
import type { TSchema } from '@sinclair/typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { and, type Condition, type Query } from '../../../query/ast.ts';
import { SessionRepository, type SessionWithSeq } from '../../../store/session-repository.ts';
import { changeWindowConditions, pagingHeaders, partitionSize, partitionTokens, toStoreQuery } from '../collection-query.ts';
import { DATA, route, tenantOf, type EdfiRoutes } from '../edfi-route.ts';
import { parameterValidationFailed } from '../problem-details.ts';
import { parseCollectionQuery, parsePartitionsQuery, type FilterSpec, type FilterValue, type RawQuery } from '../query-params.ts';
import { PageTokens, PartitionsQuery } from '../schemas.ts';
import { claimConditions } from '../school-claim.ts';

export interface SessionCollection {
  resource: string;
  view: Condition;
  filters: FilterSpec;
  conditions(filters: Record<string, FilterValue>): Condition[];
  /** The store read and the mapping of its rows (one batch, so references are looked up once per page). */
  find(tenantId: string, query: Query): Promise<{ rows: SessionWithSeq[]; total?: number }>;
  toWire(request: FastifyRequest, rows: SessionWithSeq[]): Promise<unknown[]>;
  querySchema: TSchema;
  itemSchema: TSchema;
  filterSchemas: Record<string, TSchema>;
}

export function registerSessionCollection(r: EdfiRoutes, c: SessionCollection): void {
  route(
    r,
    'GET',
    `${DATA}/${c.resource}`,
    { summary: `Get ${c.resource} by property values`, querystring: c.querySchema, response: { 200: Type.Array(c.itemSchema) } },
    async (request: FastifyRequest, reply: FastifyReply) => {
      const parsed = parseCollectionQuery((request.query ?? {}) as RawQuery, c.filters);
      if (!parsed.ok) throw parameterValidationFailed(parsed.message);
      const q = parsed.value;
      const tenantId = tenantOf(request);
      const found = await c.find(tenantId, toStoreQuery(q, c.view, [...c.conditions(q.filters), ...claimConditions(request)]));
      reply.headers(pagingHeaders(q, found.rows, found.total));
      return c.toWire(request, found.rows);
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
      const q = parsed.value;
      const tenantId = tenantOf(request);
      const repo = new SessionRepository(r.ctx.store.db);
      const where = and(c.view, ...c.conditions(q.filters), ...claimConditions(request), ...changeWindowConditions(q));
      const count = await repo.count(tenantId, { where });
      if (count === 0) return { pageTokens: [] };
      return { pageTokens: partitionTokens(await repo.rowSeqBoundaries(tenantId, { where }, partitionSize(count, q))) };
    },
  );
}
