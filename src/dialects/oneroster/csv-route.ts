// POST /ims/oneroster/v1p2/csv: a OneRoster CSV zip as the raw body (application/zip), imported
// all or nothing into the caller's tenant. Uploads may be up to 100 MiB (the server's usual body
// limit is 1 MiB, raised for this route only).
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../app-context.ts';
import { CsvSourceError, zipBufferSource } from './csv/csv-source.ts';
import { importOneRosterCsv } from './csv/import.ts';
import { CSV_IMPORT } from './schemas.ts';
import { CSV_PATH } from './scopes.ts';
import { sendStatusInfo, statusInfo } from './status-info.ts';

export const CSV_BODY_LIMIT = 100 * 1024 * 1024;

export function registerCsvRoute(app: FastifyInstance, ctx: AppContext): void {
  // Encapsulated in the OneRoster plugin: no other route accepts zip bodies.
  app.addContentTypeParser(['application/zip', 'application/x-zip-compressed', 'application/octet-stream'], { parseAs: 'buffer', bodyLimit: CSV_BODY_LIMIT }, (_req, body, done) =>
    done(null, body),
  );
  app.post(
    CSV_PATH,
    {
      bodyLimit: CSV_BODY_LIMIT,
      schema: {
        tags: ['OneRoster'],
        summary: 'Import a OneRoster 1.2 CSV zip (manifest.csv, orgs.csv, academicSessions.csv), all or nothing',
        consumes: ['application/zip'],
        response: CSV_IMPORT,
      },
    },
    async (request, reply) => {
      if (!Buffer.isBuffer(request.body) || request.body.length === 0)
        return sendStatusInfo(reply, 400, 'invaliddata', 'Send the OneRoster CSV zip file as the request body with Content-Type: application/zip.');
      let source;
      try {
        source = await zipBufferSource(request.body);
      } catch (err) {
        if (err instanceof CsvSourceError) return sendStatusInfo(reply, 400, 'invaliddata', err.message);
        throw err;
      }
      try {
        const result = await importOneRosterCsv(ctx.store, request.principal.tenantId, source);
        if (result.ok) return reply.code(200).send(result.summary);
        return reply.code(400).send({
          ...statusInfo('invaliddata', `The import was rejected and nothing was written: ${result.problemCount} problem(s); see problems (file, line, column, reason).`),
          problems: result.problems,
        });
      } finally {
        await source.close();
      }
    },
  );
}
