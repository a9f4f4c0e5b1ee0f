// termbridge export oneroster-csv OUT.zip --tenant T [--data-dir DIR]
// A bulk OneRoster 1.2 CSV set (manifest, orgs, academicSessions); importing it reproduces the data.
import { createWriteStream } from 'node:fs';
import { rename } from 'node:fs/promises';
import { exportOneRosterCsv } from '../dialects/oneroster/csv/export.ts';
import { TenantRepository } from '../store/tenant-repository.ts';
import { parse, UsageError } from './args.ts';
import { openExclusiveStore } from './exclusive-store.ts';

export const EXPORT_USAGE = 'export oneroster-csv OUT.zip --tenant TENANT [--data-dir DIR]';

export async function exportCommand(argv: string[]): Promise<void> {
  const { values, positionals } = parse(argv, { tenant: { type: 'string' }, 'data-dir': { type: 'string' } });
  const [format, out] = positionals;
  if (format !== 'oneroster-csv') throw new UsageError(`unknown export format '${format ?? ''}'; the one format is oneroster-csv`);
  if (!out) throw new UsageError('give the path of the zip file to write');
  if (!values.tenant) throw new UsageError('--tenant is required');
  const store = await openExclusiveStore(values['data-dir'], 'export');
  try {
    if (!(await new TenantRepository(store.db).get(values.tenant))) throw new Error(`there is no tenant '${values.tenant}' (see termbridge tenants)`);
    // Written aside and renamed, so a failed export never leaves a half zip under the name.
    const partial = `${out}.partial`;
    await exportOneRosterCsv(store, values.tenant, createWriteStream(partial));
    await rename(partial, out);
    process.stdout.write(`exported ${values.tenant} to ${out}\n`);
  } finally {
    await store.close();
  }
}
