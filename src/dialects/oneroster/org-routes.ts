// GET /orgs, /orgs/{sourcedId}, /schools, /schools/{sourcedId}: the read-only org endpoints of the
// official rostering service that termbridge's data fills (the district and its schools), so the
// `org` href of every academicSession — and the parent/children hrefs of every org — resolve.
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../app-context.ts';
import { ROSTERING_PATH } from './academic-session-wire.ts';
import type { QueryValue } from './collection-params.ts';
import { OrgDirectory } from './org-directory.ts';
import { pageOf, parseOrgFields, parseOrgQuery } from './org-query.ts';
import { selectOrgFields, toOneRosterOrg } from './org-wire.ts';
import { pagingLinks } from './paging-links.ts';
import { OneRosterQueryError } from './query-error.ts';
import { origin } from './read-routes.ts';
import { COLLECTION_QUERY, ORG_SET, SINGLE_ORG, SINGLE_QUERY } from './schemas.ts';
import { sendStatusInfo } from './status-info.ts';

type Kind = 'org' | 'school';

export function registerOrgRoutes(app: FastifyInstance, ctx: AppContext): void {
  const P = ROSTERING_PATH;

  async function answer(reply: FastifyReply, work: () => Promise<unknown>) {
    try {
      return await work();
    } catch (err) {
      if (err instanceof OneRosterQueryError) return sendStatusInfo(reply, 400, err.codeMinor, err.message);
      throw err;
    }
  }

  const list = (kind: Kind) => (request: FastifyRequest, reply: FastifyReply) =>
    answer(reply, async () => {
      const query = parseOrgQuery(request.query as Record<string, QueryValue>);
      const directory = await OrgDirectory.load(ctx.store.db, request.principal.tenantId);
      const at = origin(request);
      const orgs = directory.orgs.filter((o) => kind === 'org' || o.kind === kind).map((o) => toOneRosterOrg(o, directory, at));
      const { records, total } = pageOf(orgs, query);
      reply.header('X-Total-Count', String(total));
      reply.header('Link', pagingLinks(at, request.url, query.offset, query.limit, total));
      return { orgs: records.map((r) => selectOrgFields(r, query.fields)) };
    });

  const single = (kind: Kind) => (request: FastifyRequest, reply: FastifyReply) =>
    answer(reply, async () => {
      const { sourcedId } = request.params as { sourcedId: string };
      const fields = parseOrgFields(request.query as Record<string, QueryValue>);
      const directory = await OrgDirectory.load(ctx.store.db, request.principal.tenantId);
      const org = directory.find(sourcedId);
      if (!org || (kind === 'school' && org.kind !== 'school'))
        return sendStatusInfo(reply, 404, 'unknownobject', `Unknown Object: no ${kind} has sourcedId '${sourcedId}'.`);
      return { org: selectOrgFields(toOneRosterOrg(org, directory, origin(request)), fields) };
    });

  const collection = (summary: string) => ({ schema: { tags: ['OneRoster'], summary, querystring: COLLECTION_QUERY, response: ORG_SET } });
  const one = (summary: string) => ({
    schema: { tags: ['OneRoster'], summary, querystring: SINGLE_QUERY, params: Type.Object({ sourcedId: Type.String() }), response: SINGLE_ORG },
  });

  app.get(`${P}/orgs`, collection('The district and its schools'), list('org'));
  app.get(`${P}/orgs/:sourcedId`, one('One org: the district or a school'), single('org'));
  app.get(`${P}/schools`, collection("The district's schools"), list('school'));
  app.get(`${P}/schools/:sourcedId`, one('One school'), single('school'));
}
