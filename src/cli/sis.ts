// termbridge sis load FILE.json|DIR --tenant T [--replace] [--data-dir DIR]
// Loads SIS rows (the JSON upload shape, or a directory of CSV files) all or nothing.
import { isUtf8 } from 'node:buffer';
import { readFileSync, statSync } from 'node:fs';
import { byteSize, LIMIT_SETTING, uploadLimitsFromEnv, type UploadLimits } from '../files/upload-limits.ts';
import { SisRepository } from '../sync/sis-repository.ts';
import { locateInCsv, readCsvDirectory, type SisCsvUpload } from '../sync/sis-csv.ts';
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
  const { upload, problems: unreadable, lines } = await readUpload(path, uploadLimitsFromEnv());
  if (unreadable.length) return refuse(unreadable);
  const { dataset, problems } = validateSisDataset(upload, loadStateRuleBook());
  if (problems.length) return refuse(problems.map((p) => locateInCsv(p, lines)));
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

/** The JSON upload shape from a JSON file or a CSV directory (with the CSV rows' lines). */
async function readUpload(path: string, limits: UploadLimits): Promise<{ upload: unknown; problems: SisProblem[]; lines: SisCsvUpload['lines'] }> {
  const info = statSync(path, { throwIfNoEntry: false });
  if (!info) throw new Error(`${path} does not exist`);
  if (info.isDirectory()) return readCsvDirectory(path, limits);
  if (info.size > limits.maxLoadBytes)
    throw new Error(`${path} is ${byteSize(info.size)}; sis load holds the file in memory and takes ${byteSize(limits.maxLoadBytes)} at most (${LIMIT_SETTING.maxLoadBytes})`);
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    throw new Error(`${path} could not be read: ${(err as Error).message}`);
  }
  if (!isUtf8(bytes)) throw new Error(`${path} is not UTF-8 text; save it as UTF-8`);
  try {
    return { upload: JSON.parse(bytes.toString('utf8')), problems: [], lines: {} };
  } catch (err) {
    throw new Error(`${path} is not valid JSON: ${(err as Error).message}`);
  }
}

function refuse(problems: SisProblem[]): void {
  const shown = problems.slice(0, 25).map((p) => `  ${p.path}: ${p.message}`);
  process.stderr.write(`nothing was loaded; ${problems.length} problem(s):\n${shown.join('\n')}${problems.length > 25 ? `\n  … and ${problems.length - 25} more` : ''}\n`);
  process.exitCode = 1;
}
