// Every public API, registered in this order. Each is a Fastify plugin given the AppContext;
// it registers its routes and calls ctx.registry.register(...) with its scopes and errors.
import type { FastifyPluginAsync } from 'fastify';
import type { AppContext } from '../app-context.ts';
import { canvasPlugin } from './canvas/plugin.ts';
import { edfiPlugin } from './edfi/plugin.ts';
import { edlinkPlugin } from './edlink/plugin.ts';
import { oneRosterPlugin } from './oneroster/plugin.ts';
import { sisPlugin } from './sis/plugin.ts';

export const DIALECT_PLUGINS: FastifyPluginAsync<AppContext>[] = [
  edfiPlugin,
  canvasPlugin,
  edlinkPlugin,
  oneRosterPlugin,
  sisPlugin,
];
