// importOneRosterCsv: a OneRoster 1.2 CSV set (manifest, orgs, academicSessions) into a tenant,
// all or nothing. Rows are streamed and staged in the import's transaction; if any row of any
// file is bad the transaction is rolled back and every problem is reported (file, line, column).
import type { Readable } from 'node:stream';
import type { Store } from '../../../store/database.ts';
import { academicSessionRows, type SessionRecord } from './academic-session-rows.ts';
import { applyStaged, type ColumnsPresent, type SessionCounts } from './apply-staged.ts';
import { CsvProblems, type CsvProblem } from './csv-problem.ts';
import type { CsvSource } from './csv-source.ts';
import { readManifest, type FileMode, type ImportedFile } from './manifest.ts';
import { applyOrgs, readOrgRows } from './org-rows.ts';
import { checkDuplicates, checkResolved, resolveStaged } from './staged-checks.ts';
import { BATCH_ROWS, createStaging, indexStaging, stageRows } from './staging.ts';

export interface ImportProgress {
  file: string;
  phase: 'reading' | 'checking' | 'writing' | 'done';
  rows: number;
  bytes: number;
  totalBytes: number;
}

export interface ImportOptions {
  onProgress?: (progress: ImportProgress) => void;
}

export interface ImportSummary {
  modes: Record<ImportedFile, FileMode>;
  academicSessions: SessionCounts & { rows: number };
  orgs: { created: number; updated: number; skipped: number };
  /** Files the manifest lists as bulk/delta that termbridge does not import (users, classes, …). */
  ignoredFiles: string[];
}

export type ImportResult = { ok: true; summary: ImportSummary } | { ok: false; problems: CsvProblem[]; problemCount: number };

class RejectImport extends Error {}

function counted(stream: Readable, onBytes: (n: number) => void): Readable {
  stream.on('data', (chunk: Buffer) => onBytes(chunk.length));
  return stream;
}

export async function importOneRosterCsv(store: Store, tenantId: string, source: CsvSource, options: ImportOptions = {}): Promise<ImportResult> {
  const problems = new CsvProblems();
  const manifest = await readManifest(source, problems);
  if (!manifest || problems.count > 0) return { ok: false, problems: problems.list, problemCount: problems.count };
  const summary: ImportSummary = {
    modes: manifest.modes,
    academicSessions: { rows: 0, created: 0, updated: 0, unchanged: 0, deleted: 0, reactivated: 0 },
    orgs: { created: 0, updated: 0, skipped: 0 },
    ignoredFiles: manifest.ignored,
  };
  const progress = (p: ImportProgress) => options.onProgress?.(p);
  try {
    await store.db.transaction().execute(async (tx) => {
      if (manifest.modes.orgs !== 'absent') {
        const { orgs, skipped } = await readOrgRows(await source.open('orgs.csv'), manifest.modes.orgs, problems);
        summary.orgs.skipped = skipped;
        if (problems.count === 0) Object.assign(summary.orgs, await applyOrgs(tx, tenantId, orgs, problems));
      }
      const mode = manifest.modes.academicSessions;
      if (mode === 'absent') {
        if (problems.count > 0) throw new RejectImport();
        return;
      }
      const file = 'academicSessions.csv';
      const totalBytes = source.size(file);
      let bytes = 0;
      let rows = 0;
      let present: ColumnsPresent | null = null;
      let hasOrgColumn = false;
      await createStaging(tx);
      let batch: SessionRecord[] = [];
      let staging: Promise<void> = Promise.resolve();
      const stream = counted(await source.open(file), (n) => (bytes += n));
      for await (const result of academicSessionRows(stream, mode)) {
        if ('problems' in result) {
          for (const p of result.problems) problems.add(p);
          if (result.problems[0]?.line === 1) break;
          continue;
        }
        const r = result.record;
        rows++;
        if (!present) {
          hasOrgColumn = r.orgSourcedId !== undefined;
          present = {
            termDescriptor: r.termDescriptor !== undefined,
            gradingPeriodDescriptor: r.gradingPeriodDescriptor !== undefined,
            periodSequence: r.periodSequence !== undefined,
            totalInstructionalDays: r.totalInstructionalDays !== undefined,
            extra: r.extra !== undefined,
          };
        }
        // Once a row is bad nothing will be written, but reading on finds every other bad row.
        if (problems.count > 0) continue;
        batch.push(r);
        if (batch.length >= BATCH_ROWS) {
          // One batch in flight while the next is parsed: the database and the parser overlap.
          await staging;
          staging = stageRows(tx, batch);
          staging.catch(() => {}); // awaited (and so rethrown) before the next batch or after the loop
          batch = [];
          progress({ file, phase: 'reading', rows, bytes, totalBytes });
        }
      }
      await staging;
      await stageRows(tx, batch);
      summary.academicSessions.rows = rows;
      progress({ file, phase: 'checking', rows, bytes: totalBytes, totalBytes });
      if (problems.count > 0) throw new RejectImport();
      await indexStaging(tx);
      await checkDuplicates(tx, problems);
      if (problems.count > 0) throw new RejectImport();
      await resolveStaged(tx, tenantId, mode, hasOrgColumn);
      await checkResolved(tx, tenantId, mode, problems);
      if (problems.count > 0) throw new RejectImport();
      progress({ file, phase: 'writing', rows, bytes: totalBytes, totalBytes });
      Object.assign(summary.academicSessions, await applyStaged(tx, tenantId, mode, present!));
      progress({ file, phase: 'done', rows, bytes: totalBytes, totalBytes });
    });
  } catch (err) {
    if (err instanceof RejectImport) return { ok: false, problems: problems.list, problemCount: problems.count };
    if ((err as { code?: string }).code === '23505')
      return {
        ok: false,
        problems: [{ file: 'academicSessions.csv', line: 0, column: 'title', reason: `two active sessions would share a school, schoolYear and title: ${(err as Error).message}` }],
        problemCount: 1,
      };
    throw err;
  }
  return { ok: true, summary };
}
