// PUT / POST / DELETE on academicSessions, terms and gradingPeriods. PUT answers the stored
// object unwrapped (201 created, 200 updated) as the seed shows; POST answers sourcedIdPairs.
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../app-context.ts';
import type { SessionType } from '../../domain/session.ts';
import { parseAcademicSessionWrite, GUID, type Problem } from './academic-session-input.ts';
import { AcademicSessionReader } from './academic-session-reader.ts';
import { ROSTERING_PATH, sourcedIdOf } from './academic-session-wire.ts';
import { deleteAcademicSession, writeAcademicSession } from './academic-session-writer.ts';
import { origin } from './read-routes.ts';
import { DELETE_ACADEMIC_SESSION, POST_ACADEMIC_SESSION, PUT_ACADEMIC_SESSION } from './schemas.ts';
import { sendStatusInfo } from './status-info.ts';
import { wireType } from './wire-values.ts';

const BODY = Type.Object(
  { academicSession: Type.Object({}, { additionalProperties: true, description: 'An academicSession; see the OneRoster 1.2 model.' }) },
  { additionalProperties: true },
);

function invalid(reply: FastifyReply, problems: Problem[]) {
  return sendStatusInfo(reply, 400, 'invaliddata', problems.map((p) => p.message).join(' '));
}

export function registerWriteRoutes(app: FastifyInstance, ctx: AppContext): void {
  const P = ROSTERING_PATH;
  const collections: [string, SessionType | undefined][] = [
    ['academicSessions', undefined],
    ['terms', 'term'],
    ['gradingPeriods', 'gradingPeriod'],
  ];

  async function put(request: FastifyRequest, reply: FastifyReply, type: SessionType | undefined, mode: 'put' | 'post') {
    const parsed = parseAcademicSessionWrite(request.body);
    if ('problems' in parsed) return invalid(reply, parsed.problems);
    const write = parsed.write;
    const pathId = mode === 'put' ? (request.params as { sourcedId: string }).sourcedId : undefined;
    if (pathId !== undefined && !GUID.test(pathId)) return invalid(reply, [{ field: 'sourcedId', message: 'The sourcedId in the path must be 1 to 255 characters of 0-9 a-z A-Z . - _ / @.' }]);
    if (pathId !== undefined && write.sourcedId !== undefined && write.sourcedId !== pathId)
      return invalid(reply, [{ field: 'sourcedId', message: `The body's sourcedId '${write.sourcedId}' differs from the path's '${pathId}'.` }]);
    if (type && write.type !== type) return invalid(reply, [{ field: 'type', message: `Only academic sessions of type '${wireType(type)}' are written here; use /academicSessions for '${wireType(write.type)}'.` }]);
    const tenantId = request.principal.tenantId;
    const outcome = await writeAcademicSession(ctx.store, tenantId, pathId, write, mode);
    if (outcome.kind === 'invalid') return invalid(reply, outcome.problems);
    if (outcome.kind === 'exists')
      return invalid(reply, [{ field: 'sourcedId', message: `An academic session with sourcedId '${outcome.sourcedId}' already exists; PUT to ${P}/academicSessions/${outcome.sourcedId} to change it.` }]);
    if (mode === 'post') {
      const allocated = sourcedIdOf(outcome.session);
      return reply.code(201).send({ sourcedIdPairs: { suppliedSourcedId: write.sourcedId ?? allocated, allocatedSourcedId: allocated } });
    }
    const [record] = await new AcademicSessionReader(ctx.store.db).toWire(tenantId, [outcome.session], origin(request));
    return reply.code(outcome.kind === 'created' ? 201 : 200).send(record);
  }

  for (const [name, type] of collections) {
    const kind = type ? wireType(type) : 'academic session';
    const params = Type.Object({ sourcedId: Type.String() });
    app.put(`${P}/${name}/:sourcedId`, { schema: { tags: ['OneRoster'], params, body: BODY, response: PUT_ACADEMIC_SESSION } }, (req, reply) => put(req, reply, type, 'put'));
    app.post(`${P}/${name}`, { schema: { tags: ['OneRoster'], body: BODY, response: POST_ACADEMIC_SESSION } }, (req, reply) => put(req, reply, type, 'post'));
    app.delete(`${P}/${name}/:sourcedId`, { schema: { tags: ['OneRoster'], params, response: DELETE_ACADEMIC_SESSION } }, async (request, reply) => {
      const { sourcedId } = request.params as { sourcedId: string };
      const deleted = await deleteAcademicSession(ctx.store, request.principal.tenantId, sourcedId, type);
      if (!deleted) return sendStatusInfo(reply, 404, 'unknownobject', `Unknown Object: no ${kind} has sourcedId '${sourcedId}'.`);
      return reply.code(204).send();
    });
  }
}
