// GET routes: the three collections, their single-object twins, a school's terms and a term's
// grading periods. Filters, sorts, paging and field selection go through the shared Query AST.
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../app-context.ts';
import type { Condition } from '../../query/ast.ts';
import type { SessionType } from '../../domain/session.ts';
import { AcademicSessionReader } from './academic-session-reader.ts';
import { ROSTERING_PATH, selectFields } from './academic-session-wire.ts';
import { parseCollectionParams, parseFields } from './collection-params.ts';
import { OrgDirectory } from './org-directory.ts';
import { pagingLinks } from './paging-links.ts';
import { OneRosterQueryError } from './query-error.ts';
import { ACADEMIC_SESSION_SET, COLLECTION_QUERY, SINGLE_ACADEMIC_SESSION, SINGLE_QUERY } from './schemas.ts';
import { sendStatusInfo } from './status-info.ts';

type Query = Record<string, string | string[] | undefined>;

export function origin(request: FastifyRequest): string {
  return `${request.protocol}://${request.host}`;
}

function typeIs(type: SessionType): Condition {
  return { field: 'type', op: 'eq', value: type };
}

export function registerReadRoutes(app: FastifyInstance, ctx: AppContext): void {
  const P = ROSTERING_PATH;
  const reader = () => new AcademicSessionReader(ctx.store.db);

  async function list(request: FastifyRequest, reply: FastifyReply, scope: Condition | undefined) {
    try {
      const params = parseCollectionParams(request.query as Query);
      const { records, total } = await reader().page(request.principal.tenantId, scope, params, origin(request));
      reply.header('X-Total-Count', String(total));
      reply.header('Link', pagingLinks(origin(request), request.url, params.offset, params.limit, total));
      return { academicSessions: records.map((r) => selectFields(r, params.fields)) };
    } catch (err) {
      if (err instanceof OneRosterQueryError) return sendStatusInfo(reply, 400, err.codeMinor, err.message);
      throw err;
    }
  }

  async function single(request: FastifyRequest, reply: FastifyReply, kind: string, type?: SessionType) {
    const { sourcedId } = request.params as { sourcedId: string };
    try {
      const fields = parseFields(request.query as Query);
      const r = reader();
      const session = await r.bySourcedId(request.principal.tenantId, sourcedId);
      if (!session || (type && session.type !== type))
        return sendStatusInfo(reply, 404, 'unknownobject', `Unknown Object: no ${kind} has sourcedId '${sourcedId}'.`);
      const [record] = await r.toWire(request.principal.tenantId, [session], origin(request));
      return { academicSession: selectFields(record!, fields) };
    } catch (err) {
      if (err instanceof OneRosterQueryError) return sendStatusInfo(reply, 400, err.codeMinor, err.message);
      throw err;
    }
  }

  const collection = { schema: { tags: ['OneRoster'], querystring: COLLECTION_QUERY, response: ACADEMIC_SESSION_SET } };
  const one = { schema: { tags: ['OneRoster'], querystring: SINGLE_QUERY, params: Type.Object({ sourcedId: Type.String() }), response: SINGLE_ACADEMIC_SESSION } };

  app.get(`${P}/academicSessions`, collection, (req, reply) => list(req, reply, undefined));
  app.get(`${P}/academicSessions/:sourcedId`, one, (req, reply) => single(req, reply, 'academic session'));
  app.get(`${P}/terms`, collection, (req, reply) => list(req, reply, typeIs('term')));
  app.get(`${P}/terms/:sourcedId`, one, (req, reply) => single(req, reply, 'term', 'term'));
  app.get(`${P}/gradingPeriods`, collection, (req, reply) => list(req, reply, typeIs('gradingPeriod')));
  app.get(`${P}/gradingPeriods/:sourcedId`, one, (req, reply) => single(req, reply, 'grading period', 'gradingPeriod'));

  app.get(
    `${P}/schools/:schoolSourcedId/terms`,
    { schema: { tags: ['OneRoster'], querystring: COLLECTION_QUERY, params: Type.Object({ schoolSourcedId: Type.String() }), response: ACADEMIC_SESSION_SET } },
    async (request, reply) => {
      const { schoolSourcedId } = request.params as { schoolSourcedId: string };
      const school = (await OrgDirectory.load(ctx.store.db, request.principal.tenantId)).find(schoolSourcedId);
      if (!school || school.kind !== 'school')
        return sendStatusInfo(reply, 404, 'unknownobject', `Unknown Object: no school has sourcedId '${schoolSourcedId}'.`);
      return list(request, reply, { op: 'and', args: [typeIs('term'), { field: 'schoolOrgId', op: 'eq', value: school.id }] });
    },
  );

  app.get(
    `${P}/terms/:termSourcedId/gradingPeriods`,
    { schema: { tags: ['OneRoster'], querystring: COLLECTION_QUERY, params: Type.Object({ termSourcedId: Type.String() }), response: ACADEMIC_SESSION_SET } },
    async (request, reply) => {
      const { termSourcedId } = request.params as { termSourcedId: string };
      const term = await reader().bySourcedId(request.principal.tenantId, termSourcedId);
      if (!term || term.type !== 'term') return sendStatusInfo(reply, 404, 'unknownobject', `Unknown Object: no term has sourcedId '${termSourcedId}'.`);
      const children = await reader().childrenCondition(request.principal.tenantId, term.id);
      return list(request, reply, { op: 'and', args: [typeIs('gradingPeriod'), children] });
    },
  );
}
