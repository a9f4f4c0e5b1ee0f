// termbridge import oneroster-csv PATH.zip|DIR --tenant T [--data-dir DIR]
// All or nothing: a rejected import lists every bad row and exits 1 with nothing written.
// The embedded database is opened under its lock, so a running server's directory is refused.
import cliProgress from 'cli-progress';
import { openCsvSource } from '../dialects/oneroster/csv/csv-source.ts';
import { importOneRosterCsv, type ImportProgress } from '../dialects/oneroster/csv/import.ts';
import { TenantRepository } from '../store/tenant-repository.ts';
import { parse, UsageError } from './args.ts';
import { openExclusiveStore } from './exclusive-store.ts';

export const IMPORT_USAGE = 'import oneroster-csv PATH.zip|DIR --tenant TENANT [--data-dir DIR]';

/** A bar on a terminal; nothing when output is piped (the summary still prints). */
function progressBar(): { update(p: ImportProgress): void; stop(): void } {
  if (!process.stderr.isTTY) return { update() {}, stop() {} };
  const bar = new cliProgress.SingleBar(
    { stream: process.stderr, format: '{file} {phase} [{bar}] {percentage}% | {rows} rows', hideCursor: true },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update(p) {
      if (!started) {
        bar.start(Math.max(p.totalBytes, 1), 0, { file: p.file, phase: p.phase, rows: 0 });
        started = true;
      }
      bar.update(Math.min(p.bytes, p.totalBytes), { file: p.file, phase: p.phase, rows: p.rows.toLocaleString('en-US') });
    },
    stop: () => started && bar.stop(),
  };
}

export async function importCommand(argv: string[]): Promise<void> {
  const { values, positionals } = parse(argv, { tenant: { type: 'string' }, 'data-dir': { type: 'string' } });
  const [format, path] = positionals;
  if (format !== 'oneroster-csv') throw new UsageError(`unknown import format '${format ?? ''}'; the one format is oneroster-csv`);
  if (!path) throw new UsageError('give the path of a OneRoster CSV zip file or directory');
  if (!values.tenant) throw new UsageError('--tenant is required');
  const source = await openCsvSource(path);
  const store = await openExclusiveStore(values['data-dir'], 'import');
  const bar = progressBar();
  let rejected = false;
  try {
    if (!(await new TenantRepository(store.db).get(values.tenant))) throw new Error(`there is no tenant '${values.tenant}' (see termbridge tenants)`);
    const result = await importOneRosterCsv(store, values.tenant, source, { onProgress: (p) => bar.update(p) });
    bar.stop();
    if (!result.ok) {
      process.stderr.write(`import rejected, nothing was written: ${result.problemCount} problem(s)\n`);
      for (const p of result.problems) process.stderr.write(`  ${p.file}:${p.line}${p.column ? ` ${p.column}` : ''}: ${p.reason}\n`);
      if (result.problemCount > result.problems.length) process.stderr.write(`  … and ${result.problemCount - result.problems.length} more\n`);
      rejected = true;
    } else {
      const s = result.summary;
      const a = s.academicSessions;
      process.stdout.write(
        `imported ${path} into ${values.tenant}: academicSessions (${s.modes.academicSessions}) ${a.rows} rows — ${a.created} created, ${a.updated} updated, ` +
          `${a.unchanged} unchanged, ${a.deleted} tobedeleted, ${a.reactivated} reactivated; orgs (${s.modes.orgs}) ${s.orgs.created} created, ${s.orgs.updated} updated, ${s.orgs.skipped} skipped` +
          `${s.ignoredFiles.length > 0 ? `; not imported: ${s.ignoredFiles.join(', ')}` : ''}\n`,
      );
    }
  } finally {
    bar.stop();
    await source.close();
    await store.close();
  }
  // Thrown (not process.exitCode) so the dispatcher exits 1: PGlite's runtime resets the exit code.
  if (rejected) throw new Error('the import was rejected; nothing was written');
}
