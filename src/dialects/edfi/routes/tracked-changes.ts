// /{resource}/deletes and /{resource}/keyChanges: the change log in a change-version window.
import { Type } from '@sinclair/typebox';
import { ChangeLogRepository } from '../../../store/change-log-repository.ts';
import { DATA, route, tenantOf, type EdfiRoutes } from '../edfi-route.ts';
import { parameterValidationFailed } from '../problem-details.ts';
import { parseTrackedChangesQuery, type RawQuery } from '../query-params.ts';
import { toEdfiId } from '../resource-id.ts';
import { claimedSchool } from '../school-claim.ts';
import { DeletedItem, KeyChangeItem, TrackedChangesQuery } from '../schemas.ts';

export function registerTrackedChanges(r: EdfiRoutes, resource: string, options: { keyChanges: boolean }): void {
  const changes = () => new ChangeLogRepository(r.ctx.store.db);
  const parse = (raw: unknown) => {
    const q = parseTrackedChangesQuery((raw ?? {}) as RawQuery);
    if (!q.ok) throw parameterValidationFailed(q.errors, 'Parameters supplied to the request were invalid.');
    return q.value;
  };

  route(
    r,
    'GET',
    `${DATA}/${resource}/deletes`,
    { summary: `Deleted ${resource} by change version`, querystring: TrackedChangesQuery, response: { 200: Type.Array(DeletedItem) } },
    async (request, reply) => {
      const q = parse(request.query);
      const page = await changes().deletes(tenantOf(request), resource, { ...q, schoolId: claimedSchool(request) }, { offset: q.offset, limit: q.limit, withTotal: q.totalCount });
      if (page.total !== undefined) reply.header('total-count', String(page.total));
      return page.rows.map((d) => ({ id: toEdfiId(d.entityId), changeVersion: d.changeVersion, keyValues: d.key }));
    },
  );

  if (!options.keyChanges) return;
  route(
    r,
    'GET',
    `${DATA}/${resource}/keyChanges`,
    { summary: `Natural-key changes of ${resource}, one row per item`, querystring: TrackedChangesQuery, response: { 200: Type.Array(KeyChangeItem) } },
    async (request, reply) => {
      const q = parse(request.query);
      const page = await changes().keyChanges(tenantOf(request), resource, { ...q, schoolId: claimedSchool(request) }, { offset: q.offset, limit: q.limit, withTotal: q.totalCount });
      if (page.total !== undefined) reply.header('total-count', String(page.total));
      return page.rows.map((k) => ({ id: toEdfiId(k.entityId), changeVersion: k.changeVersion, oldKeyValues: k.oldKey, newKeyValues: k.newKey }));
    },
  );
}
