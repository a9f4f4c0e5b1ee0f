// OneRoster 1.2 academicSessions / terms / gradingPeriods and orgs / schools under
// /ims/oneroster/rostering/v1p2, plus the CSV binding's upload under /ims/oneroster/v1p2/csv.
import type { FastifyPluginAsync } from 'fastify';
import type { AppContext } from '../../app-context.ts';
import { registerCsvRoute } from './csv-route.ts';
import { registerOrgRoutes } from './org-routes.ts';
import { registerReadRoutes } from './read-routes.ts';
import { ONEROSTER_SCHEMAS } from './schemas.ts';
import { ONEROSTER_SCOPES } from './scopes.ts';
import { formatOneRosterError } from './status-info.ts';
import { registerWriteRoutes } from './write-routes.ts';

export const oneRosterPlugin: FastifyPluginAsync<AppContext> = async (app, ctx) => {
  ctx.registry.register({
    name: 'oneroster',
    prefixes: ['/ims/oneroster'],
    scopes: ONEROSTER_SCOPES,
    formatError: formatOneRosterError,
  });
  // OneRoster reads its parameters and bodies itself (collection-params.ts,
  // academic-session-input.ts), so a refusal says what to change, in imsx form; and the routes
  // build the official shapes, which `fields` may trim. The route schemas document both in /docs.
  app.setValidatorCompiler(() => () => true);
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
  for (const schema of ONEROSTER_SCHEMAS) app.addSchema(schema);
  registerReadRoutes(app, ctx);
  registerOrgRoutes(app, ctx);
  registerWriteRoutes(app, ctx);
  registerCsvRoute(app, ctx);
};
