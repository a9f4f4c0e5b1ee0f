// termbridge sis load FILE.json|DIR --tenant T [--replace] [--data-dir DIR]
// Loads SIS rows (the JSON upload shape, or a directory of CSV files) all or nothing.
import { readFileSync, statSync } from 'node:fs';
import { SisRepository } from '../sync/sis-repository.ts';
import { readCsvDirectory } from '../sync/sis-csv.ts';
import { validateSisDataset, type SisProblem } from '../sync/sis-validation.ts';
import { loadStateRuleBook } from '../sync/state-rule-book.ts';
import { parse, UsageError } from './args.ts';
import { openExclusiveStore } from './exclusive-store.ts';

export const SIS_USAGE = 'sis load FILE.json|CSV_DIR --tenant T [--replace] [--data-dir DIR]';

export async function sisCommand(argv: string[]): Promise<void> {
  const { values, positionals } = parse(argv, { tenant: { type: 'string' }, replace: { type: 'boolean' }, 'data-dir': { type: 'string' } });
  const [sub, path] = positionals;
  if (sub !== 'load') throw new UsageError(`unknown sis subcommand '${sub ?? ''}'`);
  if (!path) throw new UsageError('give a JSON file or a directory of CSV files');
  if (!values.tenant) throw new UsageError('--tenant is required');
  const upload = readUpload(path);
  const { dataset, problems } = validateSisDataset(upload, loadStateRuleBook());
  if (problems.length) return refuse(problems);
  const store = await openExclusiveStore(values['data-dir'], 'sis load');
  try {
    const saved = await new SisRepository(store.db).save(values.tenant, dataset, { replace: values.replace === true });
    if (saved.problems.length) return refuse(saved.problems);
    const counts = Object.entries(saved.counts).map(([t, n]) => `${t} ${n}`).join(', ');
    process.stdout.write(`loaded ${counts || 'nothing'} into tenant ${values.tenant}; ${saved.schools.length} school(s) queued for the Ed-Fi sync\n`);
  } finally {
    await store.close();
  }
}

function readUpload(path: string): unknown {
  let isDir: boolean;
  try {
    isDir = statSync(path).isDirectory();
  } catch {
    throw new Error(`${path} does not exist`);
  }
  if (isDir) return readCsvDirectory(path);
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new Error(`${path} is not valid JSON: ${(err as Error).message}`);
  }
}

function refuse(problems: SisProblem[]): void {
  const shown = problems.slice(0, 25).map((p) => `  ${p.path}: ${p.message}`);
  process.stderr.write(`nothing was loaded; ${problems.length} problem(s):\n${shown.join('\n')}${problems.length > 25 ? `\n  … and ${problems.length - 25} more` : ''}\n`);
  process.exitCode = 1;
}
