// POST /ims/oneroster/v1p2/csv: a OneRoster CSV zip as the raw body (application/zip), imported
// all or nothing into the caller's tenant. Uploads may be up to 100 MiB (the server's usual body
// limit is 1 MiB, raised for this route only). A zip that is damaged, lies about its sizes or
// passes a limit (TERMBRIDGE_UPLOAD_*) is refused like a bad row: 400 invaliddata, the problem
// located by file (and line, when it is inside a CSV), nothing written.
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../app-context.ts';
import { UnreadableFileError } from '../../files/unreadable-file.ts';
import { uploadLimitsFromEnv } from '../../files/upload-limits.ts';
import { unreadableProblem, type CsvProblem } from './csv/csv-problem.ts';
import { zipFileSource } from './csv/zip-source.ts';
import { SpooledUpload, spoolToDisk, UploadTooLargeError } from '../../files/spooled-upload.ts';
import { EdgeError } from '../../edge/framework-errors.ts';
import { importOneRosterCsv } from './csv/import.ts';
import { CSV_IMPORT } from './schemas.ts';
import { CSV_PATH } from './scopes.ts';
import { sendStatusInfo, statusInfo } from './status-info.ts';

export const CSV_BODY_LIMIT = 100 * 1024 * 1024;

/** The imsx body of a refused import: the description names the first problem, `problems` lists them. */
function rejection(problems: CsvProblem[], count: number) {
  const [first] = problems;
  const where = first ? `${first.file ? `${first.file}${first.line > 0 ? ` line ${first.line}` : ''}${first.column ? ` column ${first.column}` : ''}: ` : ''}${first.reason.replace(/\.$/, '')}` : '';
  return {
    ...statusInfo('invaliddata', `The import was rejected and nothing was written: ${count} problem(s)${where ? `, the first: ${where}` : ''}; see problems (file, line, column, reason).`),
    problems,
  };
}

export function registerCsvRoute(app: FastifyInstance, ctx: AppContext): void {
  const limits = uploadLimitsFromEnv();
  // Encapsulated in the OneRoster plugin: no other route accepts zip bodies. The zip goes to a
  // temporary file as it arrives (src/files/spooled-upload.ts), read from there, removed after.
  app.addContentTypeParser(['application/zip', 'application/x-zip-compressed', 'application/octet-stream'], { bodyLimit: CSV_BODY_LIMIT }, (request, payload, done) => {
    if (Number(request.headers['content-length']) > CSV_BODY_LIMIT) return done(new EdgeError('payloadTooLarge', new UploadTooLargeError(CSV_BODY_LIMIT).message, 413), undefined);
    spoolToDisk(payload, CSV_BODY_LIMIT).then(
      (upload) => done(null, upload),
      (err: Error & { statusCode?: number }) =>
        done(err instanceof UploadTooLargeError ? new EdgeError('payloadTooLarge', err.message, 413) : err.statusCode ? err : new EdgeError('badRequest', `The upload did not arrive whole: ${err.message}`, 400), undefined),
    );
  });
  // Before the answer goes out (onSend), so the file is gone when the client has its answer.
  app.addHook('onSend', async (request, _reply, payload) => {
    if (request.body instanceof SpooledUpload) await request.body.discard();
    return payload;
  });
  app.addHook('onRequestAbort', async (request) => {
    if (request.body instanceof SpooledUpload) await request.body.discard();
  });
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
      if (!(request.body instanceof SpooledUpload) || request.body.bytes === 0)
        return sendStatusInfo(reply, 400, 'invaliddata', 'The upload is empty: send the OneRoster CSV zip file as the request body with Content-Type: application/zip. The upload was rejected and nothing was written.');
      let source;
      try {
        source = await zipFileSource(request.body.path, limits, 'the upload');
      } catch (err) {
        if (err instanceof UnreadableFileError) return reply.code(400).send(rejection([unreadableProblem(err)], 1));
        throw err;
      }
      try {
        const result = await importOneRosterCsv(ctx.store, request.principal.tenantId, source);
        if (result.ok) return reply.code(200).send(result.summary);
        return reply.code(400).send(rejection(result.problems, result.problemCount));
      } finally {
        await source.close();
      }
    },
  );
}
