// importOneRosterCsv: a OneRoster 1.2 CSV set (manifest, orgs, academicSessions) into a tenant,
// all or nothing. Rows are streamed and staged in the import's transaction; if any row of any
// file is bad the transaction is rolled back and every problem is reported (file, line, column).
import { writeTransaction } from '../../../store/write-transaction.ts';
import type { Store } from '../../../store/database.ts';
import type { Transaction } from 'kysely';
import { findDuplicateIds, findResolvedProblems, type SessionImportFinding } from '../../../store/bulk-import/session-import-findings.ts';
import { resolveSessionImport, type ImportOrgKey } from '../../../store/bulk-import/session-import-resolution.ts';
import { createSessionImportRows, stageSessionImportRows, STAGE_BATCH_ROWS, type ImportedSessionRow } from '../../../store/bulk-import/session-import-rows.ts';
import { writeSessionImport, type ColumnsPresent, type SessionImportCounts } from '../../../store/bulk-import/session-import-write.ts';
import type { Tables } from '../../../store/schema.ts';
import { EXTRA_METADATA } from '../academic-session-wire.ts';
import { OrgDirectory, orgSourcedId } from '../org-directory.ts';
import { academicSessionBatches, type SessionRecord } from './academic-session-rows.ts';
import { CsvProblems, MAX_REPORTED_PROBLEMS, type CsvProblem } from './csv-problem.ts';
import type { CsvSource } from './csv-source.ts';
import { readManifest, type FileMode, type ImportedFile } from './manifest.ts';
import { applyOrgs, readOrgRows } from './org-rows.ts';
import { sessionImportProblem } from './session-import-problems.ts';

/** The identifier system OneRoster sourcedIds are kept under. */
const SYSTEM = 'oneroster';

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
  academicSessions: SessionImportCounts & { rows: number };
  orgs: { created: number; updated: number; skipped: number };
  /** Files the manifest lists as bulk/delta that termbridge does not import (users, classes, …). */
  ignoredFiles: string[];
}

export type ImportResult = { ok: true; summary: ImportSummary } | { ok: false; problems: CsvProblem[]; problemCount: number };

class RejectImport extends Error {}

function importedRow(r: SessionRecord): ImportedSessionRow {
  return {
    line: r.line,
    externalId: r.sourcedId,
    status: r.status,
    name: r.name,
    type: r.type,
    beginDate: r.beginDate,
    endDate: r.endDate,
    parentExternalId: r.parentSourcedId,
    schoolYear: r.schoolYear,
    orgKey: r.orgSourcedId ?? null,
    termDescriptor: r.termDescriptor ?? null,
    gradingPeriodDescriptor: r.gradingPeriodDescriptor ?? null,
    periodSequence: r.periodSequence ?? null,
    totalInstructionalDays: r.totalInstructionalDays ?? null,
    extra: r.extra ?? null,
  };
}

/** Every sourcedId an active org answers to (its oneroster identifier and its uuid). */
async function orgKeys(tx: Transaction<Tables>, tenantId: string): Promise<ImportOrgKey[]> {
  const directory = await OrgDirectory.load(tx, tenantId);
  return directory.orgs
    .filter((o) => o.status === 'active')
    .flatMap((o) => [...new Set([orgSourcedId(o), o.id])].map((key) => ({ key, schoolOrgId: o.kind === 'school' ? o.id : null })));
}

/** A child of a refused row looks parentless (or measured against the stored parent): not its fault. */
function causedByRefusedRow(f: SessionImportFinding, refused: ReadonlySet<string>): boolean {
  return (f.kind === 'unknownParent' || f.kind === 'beginsBeforeParent' || f.kind === 'endsAfterParent') && refused.has(f.parentExternalId);
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
    await writeTransaction(store.db, async (tx) => {
      if (manifest.modes.orgs !== 'absent') {
        const { orgs, skipped } = await readOrgRows(source.open('orgs.csv'), manifest.modes.orgs, problems, source.limits);
        summary.orgs.skipped = skipped;
        if (problems.count === 0) Object.assign(summary.orgs, await applyOrgs(tx, tenantId, orgs, problems));
      }
      // The set's own checks (parents, dates within them, orgs, titles) run beside bad rows, so
      // one answer lists everything — unless the orgs could not be applied (every org would look
      // unknown) or the report is already full.
      const orgsApplied = problems.count === 0;
      /** Refused rows' sourcedIds: a missing parent that is one of them is not reported again. */
      const refused = new Set<string>();
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
      await createSessionImportRows(tx);
      let batch: ImportedSessionRow[] = [];
      let staging: Promise<void> = Promise.resolve();
      const batches = academicSessionBatches(source.open(file), mode, { limits: source.limits, onBytes: (n) => (bytes += n) });
      try {
        for await (const results of batches) {
          for (const result of results) {
            if ('problems' in result) {
              for (const p of result.problems) problems.add(p);
              if (result.sourcedId !== undefined && refused.size < MAX_REPORTED_PROBLEMS) refused.add(result.sourcedId);
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
            // Once a row is bad nothing will be written, but the good rows are still staged so the
            // set's checks below can report on them too.
            if (orgsApplied && problems.count < MAX_REPORTED_PROBLEMS) batch.push(importedRow(r));
          }
          if (batch.length >= STAGE_BATCH_ROWS) {
            // One batch in flight while the next is parsed: the database and the parser overlap.
            await staging;
            staging = stageSessionImportRows(tx, batch);
            staging.catch(() => {}); // awaited (and so rethrown) before the next batch or after the loop
            batch = [];
          }
          progress({ file, phase: 'reading', rows, bytes, totalBytes });
        }
      } finally {
        // Whatever ended the loop, the transaction ends only after the statement it started.
        await staging.catch(() => {});
      }
      await staging;
      summary.academicSessions.rows = rows;
      progress({ file, phase: 'checking', rows, bytes: totalBytes, totalBytes });
      if (!orgsApplied || problems.count >= MAX_REPORTED_PROBLEMS || !present) throw new RejectImport();
      await stageSessionImportRows(tx, batch);
      const report = (findings: SessionImportFinding[]) => {
        for (const f of findings) if (!causedByRefusedRow(f, refused)) problems.add(sessionImportProblem(f, mode));
      };
      // Duplicate ids make the resolution ambiguous: stop there, with the bad rows.
      const duplicates = await findDuplicateIds(tx);
      report(duplicates);
      if (duplicates.length > 0) throw new RejectImport();
      await resolveSessionImport(tx, tenantId, { scope: mode, system: SYSTEM, orgs: await orgKeys(tx, tenantId), hasOrgColumn });
      report(await findResolvedProblems(tx, tenantId, mode));
      if (problems.count > 0) throw new RejectImport();
      progress({ file, phase: 'writing', rows, bytes: totalBytes, totalBytes });
      Object.assign(summary.academicSessions, await writeSessionImport(tx, tenantId, { scope: mode, system: SYSTEM, present: present!, extraKey: EXTRA_METADATA }));
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
