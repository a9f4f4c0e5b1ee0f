// PUT / GET / DELETE /sis/v1/<table>/<key…>: a SIS pushes one row at a time as it changes.
// Each write is one transaction that also marks the affected schools for the sync worker.
import { shownValue } from '../../domain/shown-value.ts';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { AppContext } from '../../app-context.ts';
import { emptyDataset, type SisDataset, type SisTable } from '../../sync/sis-model.ts';
import { SisRepository } from '../../sync/sis-repository.ts';
import { coerceField, SIS_FIELDS, validateSisDataset, validateSisRow } from '../../sync/sis-validation.ts';
import { loadStateRuleBook } from '../../sync/state-rule-book.ts';
import { DELETE_ROW, getRowResponses, putRowResponses, UPLOAD } from './schemas.ts';
import { SisApiError, summarise } from './sis-errors.ts';

export const SIS_PREFIX = '/sis/v1';

export interface TableRoute {
  table: SisTable;
  path: string;
  /** URL parameters, each the row field of the same name. */
  params: string[];
}

export const TABLE_ROUTES: TableRoute[] = [
  { table: 'schools', path: '/schools/:schoolId', params: ['schoolId'] },
  { table: 'calendars', path: '/calendars/:calendarId', params: ['calendarId'] },
  { table: 'terms', path: '/terms/:termId', params: ['termId'] },
  { table: 'calendarDays', path: '/calendars/:calendarId/days/:date', params: ['calendarId', 'date'] },
  { table: 'courseSections', path: '/courses/:courseId/sections/:sectionId', params: ['courseId', 'sectionId'] },
  { table: 'gradingPeriods', path: '/gradingPeriods/:gradingPeriodId', params: ['gradingPeriodId'] },
  { table: 'termTypeMappings', path: '/termTypeMappings/:schoolYear/:termTypeCode', params: ['schoolYear', 'termTypeCode'] },
  { table: 'syncYears', path: '/syncYears/:schoolYear', params: ['schoolYear'] },
];

const NUMERIC = new Set(['bigint', 'year', 'int']);

/** The row key from the URL, typed and checked like a body field; a 400 names the parameter. */
function keyFromParams(route: TableRoute, params: Record<string, string>): Record<string, string | number> {
  const key: Record<string, string | number> = {};
  for (const p of route.params) {
    const raw = params[p] ?? '';
    const kind = SIS_FIELDS[route.table][p]!.kind;
    if (NUMERIC.has(kind) && !/^\d+$/.test(raw)) throw new SisApiError(400, `URL parameter ${p} '${raw}' must be a whole number.`);
    const checked = coerceField(route.table, p, raw, loadStateRuleBook());
    if ('problem' in checked) throw new SisApiError(400, `URL parameter ${p} '${raw}': ${checked.problem}.`);
    key[p] = checked.value as string | number;
  }
  return key;
}

const AnyObject = Type.Object({}, { additionalProperties: true });

export function registerTableRoutes(app: FastifyInstance, ctx: AppContext): void {
  const repo = () => new SisRepository(ctx.store.db);
  const tenantOf = (r: FastifyRequest) => r.principal.tenantId;

  for (const route of TABLE_ROUTES) {
    const url = `${SIS_PREFIX}${route.path}`;
    const fields = Object.keys(SIS_FIELDS[route.table]).join(', ');

    app.put(url, { schema: { tags: ['sis'], summary: `Create or replace one ${route.table} row (fields: ${fields})`, body: AnyObject, response: putRowResponses(route.table) } }, async (request, reply) => {
      const params = request.params as Record<string, string>;
      const key = keyFromParams(route, params);
      const body = request.body as Record<string, unknown> | null;
      if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new SisApiError(400, 'The body must be a JSON object.');
      for (const [p, v] of Object.entries(key))
        if (body[p] !== undefined && shownValue(body[p]) !== String(v))
          throw new SisApiError(400, `The body's ${p} '${shownValue(body[p])}' does not match the URL's '${v}'; change the key by deleting and re-creating the row.`);
      const checked = validateSisRow(route.table, { ...body, ...key }, `$`, loadStateRuleBook());
      if (!checked.row) throw new SisApiError(400, summarise(checked.problems), checked.problems);
      const dataset = { ...emptyDataset(), [route.table]: [checked.row] } as SisDataset;
      const saved = await repo().save(tenantOf(request), dataset);
      if (saved.problems.length) throw new SisApiError(400, summarise(saved.problems), saved.problems);
      // Decided inside the save's transaction: of two concurrent PUTs of a new row, one creates it.
      return reply.code(saved.inserted[route.table] ? 201 : 200).send({ [route.table]: checked.row, schoolsToSync: saved.schools });
    });

    app.get(url, { schema: { tags: ['sis'], summary: `One ${route.table} row`, response: getRowResponses(route.table) } }, async (request) => {
      const key = keyFromParams(route, request.params as Record<string, string>);
      const row = await repo().get(tenantOf(request), route.table, key);
      if (!row) throw new SisApiError(404, `No ${route.table} row with ${Object.entries(key).map(([k, v]) => `${k} '${v}'`).join(', ')}.`);
      return row;
    });

    app.delete(url, { schema: { tags: ['sis'], summary: `Delete one ${route.table} row (its dependent SIS rows go with it)`, response: DELETE_ROW } }, async (request, reply) => {
      const key = keyFromParams(route, request.params as Record<string, string>);
      const removed = await repo().remove(tenantOf(request), route.table, key);
      if (!removed) throw new SisApiError(404, `No ${route.table} row with ${Object.entries(key).map(([k, v]) => `${k} '${v}'`).join(', ')}.`);
      return reply.code(204).send();
    });
  }

  app.post(
    `${SIS_PREFIX}/uploads`,
    {
      schema: {
        tags: ['sis'],
        summary: 'Upload many rows at once (the `termbridge sis load` JSON shape); all or nothing',
        querystring: Type.Object({ replace: Type.Optional(Type.Boolean()) }),
        body: AnyObject,
        response: UPLOAD,
      },
    },
    async (request, reply) => {
      const { dataset, problems } = validateSisDataset(request.body, loadStateRuleBook());
      if (problems.length) throw new SisApiError(400, summarise(problems), problems);
      const saved = await repo().save(tenantOf(request), dataset, { replace: (request.query as { replace?: boolean }).replace === true });
      if (saved.problems.length) throw new SisApiError(400, summarise(saved.problems), saved.problems);
      return reply.code(200).send({ counts: saved.counts, schoolsToSync: saved.schools });
    },
  );
}
