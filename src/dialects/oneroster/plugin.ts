// OneRoster 1.2 academicSessions / terms / gradingPeriods under /ims/oneroster/rostering/v1p2,
// plus the CSV binding's upload under /ims/oneroster/v1p2/csv.
import type { FastifyPluginAsync } from 'fastify';
import type { AppContext } from '../../app-context.ts';
import { registerCsvRoute } from './csv-route.ts';
import { registerReadRoutes } from './read-routes.ts';
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
  registerReadRoutes(app, ctx);
  registerWriteRoutes(app, ctx);
  registerCsvRoute(app, ctx);
};
