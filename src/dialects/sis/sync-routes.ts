// GET /sis/v1/sync/errors and the error log's actions (retry one, retry all, archive), plus
// the outbox status, for an operator or a SIS admin screen.
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../app-context.ts';
import { archiveError, getError, listErrors, retryErrors, type ErrorState, type SyncError } from '../../sync/error-log.ts';
import { outboxCounts } from '../../sync/outbox.ts';
import { SIS_PREFIX } from './table-routes.ts';
import { ARCHIVED, ERROR_LIST, ONE_ERROR, OUTBOX_STATUS, RETRIED } from './schemas.ts';
import { SisApiError } from './sis-errors.ts';
import { listSchoolChanges } from '../../sync/school-changes.ts';

const STATES = ['open', 'archived', 'retried', 'resolved', 'all'] as const;

export function registerSyncRoutes(app: FastifyInstance, ctx: AppContext): void {
  const db = () => ctx.store.db;

  app.get(
    `${SIS_PREFIX}/sync/errors`,
    {
      schema: {
        tags: ['sis'],
        summary: 'The sync error log (default: open entries)',
        querystring: Type.Object({
          state: Type.Optional(Type.String({ description: STATES.join(' | ') })),
          kind: Type.Optional(Type.String({ description: 'derive | send | blocked' })),
          resource: Type.Optional(Type.String({ description: 'schoolYearTypes | gradingPeriods | sessions' })),
          schoolId: Type.Optional(Type.Integer({ minimum: 1 })),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
          offset: Type.Optional(Type.Integer({ minimum: 0 })),
        }),
        response: ERROR_LIST,
      },
    },
    async (request) => {
      const q = request.query as { state?: string; kind?: string; resource?: string; schoolId?: number; limit?: number; offset?: number };
      if (q.state !== undefined && !(STATES as readonly string[]).includes(q.state))
        throw new SisApiError(400, `state '${q.state}' is not one of ${STATES.join(', ')}.`);
      if (q.kind !== undefined && !['derive', 'send', 'blocked'].includes(q.kind)) throw new SisApiError(400, `kind '${q.kind}' is not one of derive, send, blocked.`);
      if (q.resource !== undefined && !['schoolYearTypes', 'gradingPeriods', 'sessions'].includes(q.resource))
        throw new SisApiError(400, `resource '${q.resource}' is not one of schoolYearTypes, gradingPeriods, sessions.`);
      const errors = await listErrors(db(), request.principal.tenantId, {
        state: (q.state ?? 'open') as ErrorState | 'all',
        kind: q.kind as 'derive' | 'send' | 'blocked' | undefined,
        resource: q.resource,
        schoolId: q.schoolId,
        limit: q.limit ?? 100,
        offset: q.offset ?? 0,
      });
      return { errors: errors.map(withActions) };
    },
  );

  app.get(`${SIS_PREFIX}/sync/errors/:errorId`, { schema: { tags: ['sis'], summary: 'One error-log entry with its request and response', response: ONE_ERROR } }, async (request) => {
    const id = errorIdOf(request.params);
    const e = await getError(db(), request.principal.tenantId, id);
    if (!e) throw new SisApiError(404, `No sync error ${id}.`);
    return withActions(e);
  });

  app.post(`${SIS_PREFIX}/sync/errors/:errorId/retry`, { schema: { tags: ['sis'], summary: 'Retry one error: re-plan its school and send the current payload', response: RETRIED } }, async (request) => {
    const id = errorIdOf(request.params);
    const n = await retryErrors(db(), request.principal.tenantId, id);
    if (n === 0) throw new SisApiError(404, `No open or archived sync error ${id}.`);
    return { retried: n };
  });

  app.post(`${SIS_PREFIX}/sync/errors/retry`, { schema: { tags: ['sis'], summary: 'Retry every open and archived error', response: RETRIED } }, async (request) => {
    return { retried: await retryErrors(db(), request.principal.tenantId, 'all') };
  });

  app.post(`${SIS_PREFIX}/sync/errors/:errorId/archive`, { schema: { tags: ['sis'], summary: 'Archive one open error (its payload is still not re-sent unchanged)', response: ARCHIVED } }, async (request) => {
    const id = errorIdOf(request.params);
    if (!(await archiveError(db(), request.principal.tenantId, id))) throw new SisApiError(404, `No open sync error ${id}.`);
    return { archived: 1 };
  });

  app.get(`${SIS_PREFIX}/sync/status`, { schema: { tags: ['sis'], summary: 'Outbox counts by status', response: OUTBOX_STATUS } }, async (request) => {
    const tenantId = request.principal.tenantId;
    return { ...(await outboxCounts(db(), tenantId)), schoolChanges: await listSchoolChanges(db(), tenantId) };
  });
}

/** Each entry says what can be done with it next. */
function withActions(e: SyncError) {
  const actions: Record<string, string> = {};
  if (e.state === 'open' || e.state === 'archived') actions.retry = `POST ${SIS_PREFIX}/sync/errors/${e.errorId}/retry`;
  if (e.state === 'open') actions.archive = `POST ${SIS_PREFIX}/sync/errors/${e.errorId}/archive`;
  return { ...e, actions };
}

function errorIdOf(params: unknown): number {
  const raw = (params as { errorId: string }).errorId;
  // An id past 2^53 is no entry's (and past bigint's range PostgreSQL refuses the comparison: a 500).
  if (!/^\d+$/.test(raw) || Number(raw) > Number.MAX_SAFE_INTEGER) throw new SisApiError(400, `errorId '${raw}' must be a whole number (an error-log entry's id).`);
  return Number(raw);
}
