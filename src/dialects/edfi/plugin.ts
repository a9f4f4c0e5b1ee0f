// Ed-Fi ODS/API v7 surface under /data/v3/ed-fi (plus discovery and change queries).
import type { FastifyPluginAsync } from 'fastify';
import type { AppContext } from '../../app-context.ts';
import { formatEdfiError } from './problem-details.ts';

export const EDFI_READ = 'edfi:read';
export const EDFI_WRITE = 'edfi:write';

export const edfiPlugin: FastifyPluginAsync<AppContext> = async (_app, ctx) => {
  ctx.registry.register({
    name: 'edfi',
    prefixes: ['/data/v3', '/changeQueries/v1', '/metadata'],
    scopes: {},
    formatError: formatEdfiError,
  });
};
