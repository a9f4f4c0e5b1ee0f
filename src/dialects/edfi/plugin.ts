// Ed-Fi ODS/API v7 surface under /data/v3/ed-fi (plus discovery and change queries).
// Routes live per resource in routes/; this file wires them, the snapshot and media-type
// rules every route shares, and the answer to body-parsing errors in Ed-Fi's words.
import type { FastifyError, FastifyPluginAsync } from 'fastify';
import type { AppContext } from '../../app-context.ts';
import { pathSpelling, respell } from '../case-insensitive-path.ts';
import { boundChangeWindowsByHorizon } from './change-window-horizon.ts';
import { accessOf, type EdfiRoutes } from './edfi-route.ts';
import { correlated, dataValidationFailed, EdfiProblem, emptyBody, formatEdfiError, nonUniqueIdentity, snapshotNotFound, snapshotsAreReadOnly, unsupportedMediaType } from './problem-details.ts';
import { registerDescriptors } from './routes/descriptors.ts';
import { DEPENDENCIES_URL, registerDiscovery } from './routes/discovery.ts';
import { registerGradingPeriods } from './routes/grading-periods.ts';
import { registerSchools } from './routes/schools.ts';
import { registerSchoolYearTypes } from './routes/school-year-types.ts';
import { registerSessions } from './routes/sessions.ts';

export { EDFI_READ, EDFI_WRITE } from './edfi-route.ts';

const JSON_TYPE = /^application\/([a-z0-9.+-]*\+)?json\s*(;|$)/i;

export const edfiPlugin: FastifyPluginAsync<AppContext> = async (app, ctx) => {
  const r: EdfiRoutes = { app, ctx, scopes: {}, segments: new Set(), access: new Map(), allowed: new Map() };

  // Bodies and query strings are read by the dialect's own readers (ODS wording), so the
  // schemas here document and serialise but do not reject.
  app.setValidatorCompiler(() => (value) => ({ value }));

  // Runs after the root auth hook: a refused token never learns about snapshots.
  app.addHook('onRequest', async (request) => {
    const snapshot = request.headers['use-snapshot'];
    if (request.method === 'GET' || request.method === 'HEAD') {
      if (snapshot !== undefined && String(snapshot).trim().toLowerCase() === 'true') throw snapshotNotFound();
      return;
    }
    if (snapshot !== undefined) throw snapshotsAreReadOnly();
    const type = request.headers['content-type'];
    if ((request.method === 'POST' || request.method === 'PUT') && type !== undefined && !JSON_TYPE.test(type)) throw unsupportedMediaType();
  });

  app.setErrorHandler((error: FastifyError & { code?: string }, request, reply) => {
    let problem: EdfiProblem | undefined;
    if (error instanceof EdfiProblem) problem = error;
    else if (error.code === 'FST_ERR_CTP_EMPTY_JSON_BODY') problem = emptyBody();
    else if (error.code === 'FST_ERR_CTP_INVALID_JSON_BODY') problem = dataValidationFailed({ $: [`The request body is not valid JSON: ${error.message}`] });
    else if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') problem = unsupportedMediaType();
    // Two writers racing to the same natural key: the loser's insert hits the unique index.
    else if (error.code === '23505') problem = nonUniqueIdentity('Another item with the same identifying values was written at the same time.');
    if (!problem) throw error; // the server's handler answers everything else, in Ed-Fi's envelope
    for (const [k, v] of Object.entries(problem.headers)) reply.header(k, v);
    return reply.code(problem.body.status).type('application/json; charset=utf-8').send(correlated(problem.body, request));
  });

  boundChangeWindowsByHorizon(r);
  registerSessions(r);
  registerGradingPeriods(r);
  registerSchools(r);
  registerSchoolYearTypes(r);
  registerDescriptors(r);
  registerDiscovery(r);
  const spelling = pathSpelling(['/data/v3/', '/changeQueries/v1/', '/metadata/'], r.segments);

  ctx.registry.register({
    name: 'edfi',
    prefixes: ['/data/v3', '/changeQueries/v1', '/metadata'],
    scopes: r.scopes,
    // Ed-Fi's discovery document and dependency metadata are anonymous, like ODS's.
    publicRoutes: ['GET /', 'HEAD /', `GET ${DEPENDENCIES_URL}`, `HEAD ${DEPENDENCIES_URL}`],
    formatError: formatEdfiError,
    // ODS (ASP.NET) routes without regard to case: `/data/v3/ed-fi/Sessions` is `sessions`.
    respellUrl: (url) => respell(url, spelling),
    describeAccess: (scopes) => accessOf(r, scopes),
  });
};
