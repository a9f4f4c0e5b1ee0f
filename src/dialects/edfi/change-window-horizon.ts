// A change query's window ends at the tenant's change horizon (src/store/change-horizon.ts), so
// a client that moves its minChangeVersion past what it was answered never skips a change
// committed later. The store bounds the reads it answers itself (sessions, grading periods, the
// change log); schools, school years and descriptors are windowed in memory by their routes, so
// the window is also fixed here, once per request and before any route reads: the horizon has
// to be taken before the snapshot it bounds.
import type { FastifyRequest } from 'fastify';
import { changeHorizon } from '../../store/change-horizon.ts';
import { tenantOf, type EdfiRoutes } from './edfi-route.ts';
import { canonicalQuery, parseChangeWindow, type RawQuery } from './query-params.ts';

export function boundChangeWindowsByHorizon(r: EdfiRoutes): void {
  r.app.addHook('preHandler', async (request: FastifyRequest) => {
    if ((request.method !== 'GET' && request.method !== 'HEAD') || !request.principal) return;
    const query = request.query as RawQuery | undefined;
    if (!query) return;
    // Parameter names are case-insensitive (as in ODS): read them as the routes will.
    const named = canonicalQuery(query, ['minChangeVersion', 'maxChangeVersion']);
    if (named.minChangeVersion === undefined && named.maxChangeVersion === undefined) return;
    const window = parseChangeWindow(named);
    if (!window.ok) return; // the route answers the bad value in ODS's words
    const { version } = await changeHorizon(r.ctx.store.db, tenantOf(request));
    const max = window.value.maxChangeVersion;
    if (max !== undefined && max <= version) return;
    for (const key of Object.keys(query)) if (key.toLowerCase() === 'maxchangeversion') delete query[key];
    query.maxChangeVersion = String(version);
  });
}
