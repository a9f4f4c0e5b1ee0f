// npm run bench:csv — import a 1,000,000-row bulk academicSessions.csv (plus orgs.csv) into
// PostgreSQL with `termbridge import oneroster-csv`'s code path, and `psql \copy` the same file
// into a bare table in the same run. Prints rows/s, peak RSS and the ratio; writes
// bench/results/oneroster-csv-<date>.json. A dedicated database is dropped and recreated each run.
//   node bin/run-ts.js bench/oneroster-csv.ts [--rows 1000000]
// The import runs in a child process so its peak RSS is its own.
import { execFile, fork } from 'node:child_process';
import { createWriteStream, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { openCsvSource } from '../src/dialects/oneroster/csv/csv-source.ts';
import { importOneRosterCsv } from '../src/dialects/oneroster/csv/import.ts';
import { openStore } from '../src/store/database.ts';
import { TenantRepository } from '../src/store/tenant-repository.ts';
import { benchDatabaseUrl, recreateBenchDatabase } from './bench-database.ts';

const HERE = dirname(fileURLToPath(import.meta.url));
const BENCH_DB = 'termbridge_bench_csv';
const TENANT = 'bench_csv';
const SCHOOLS = 100;
const GROUP = 10; // per group: a school year, 2 semesters, 7 grading periods (children first)

const benchUrl = (): string => benchDatabaseUrl(BENCH_DB);

const args = process.argv.slice(process.argv.findIndex((a) => a.endsWith('oneroster-csv.ts')) + 1);
const arg = (name: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};

/** Child mode: run the import and report time and peak RSS. */
if (arg('child-import')) {
  const store = await openStore({ databaseUrl: benchUrl(), poolSize: 2 });
  const started = performance.now();
  // Seconds from the start to the moment each phase began: read+stage, check, write, done.
  const phases: Record<string, number> = {};
  const result = await importOneRosterCsv(store, TENANT, await openCsvSource(arg('child-import')!), {
    onProgress: (p) => (phases[p.phase] ??= Number(((performance.now() - started) / 1000).toFixed(1))),
  });
  const seconds = (performance.now() - started) / 1000;
  await store.close();
  process.send!({ ok: result.ok, seconds, phases, maxRssMb: process.resourceUsage().maxRSS / 1024, summary: result.ok ? result.summary : result.problems.slice(0, 5) });
  process.exit(0);
}

const ROWS = Number(arg('rows') ?? 1_000_000);

async function writeSet(dir: string): Promise<string> {
  writeFileSync(join(dir, 'manifest.csv'), 'propertyName,value\nmanifest.version,1.0\noneroster.version,1.2\nfile.academicSessions,bulk\nfile.orgs,bulk\n');
  const orgs = ['sourcedId,status,dateLastModified,name,type,identifier,parentSourcedId', 'district,,,Bench District,district,,'];
  for (let s = 0; s < SCHOOLS; s++) orgs.push(`school-${s},,,School ${s},school,${255_800_000 + s},district`);
  writeFileSync(join(dir, 'orgs.csv'), `${orgs.join('\n')}\n`);
  const file = join(dir, 'academicSessions.csv');
  const out = createWriteStream(file);
  const write = async (line: string) => {
    if (!out.write(line)) await once(out, 'drain');
  };
  await write('sourcedId,status,dateLastModified,title,type,startDate,endDate,parentSourcedId,schoolYear,metadata.orgSourcedId\n');
  for (let g = 0; g * GROUP < ROWS; g++) {
    const school = `school-${g % SCHOOLS}`;
    const y = `sy-${g}`;
    const rows = [
      ...[0, 1, 2, 3, 4, 5, 6].map((k) => {
        const [b, e] = k < 4 ? [`2025-${String(8 + k).padStart(2, '0')}-15`, `2025-${String(9 + k).padStart(2, '0')}-14`] : [`2026-0${k - 3}-10`, `2026-0${k - 2}-09`];
        return `gp-${g}-${k},,,GP ${g}-${k},gradingPeriod,${b},${e},${k < 4 ? `s1-${g}` : `s2-${g}`},2026,${school}\n`;
      }),
      `s1-${g},,,Fall ${g},semester,2025-08-15,2025-12-20,${y},2026,${school}\n`,
      `s2-${g},,,Spring ${g},semester,2026-01-05,2026-06-01,${y},2026,${school}\n`,
      `${y},,,Year ${g},schoolYear,2025-08-01,2026-07-01,,2026,${school}\n`,
    ];
    for (const r of rows.slice(0, Math.min(GROUP, ROWS - g * GROUP))) await write(r);
  }
  out.end();
  await once(out, 'finish');
  return file;
}

async function main() {
  await recreateBenchDatabase(BENCH_DB);

  const dir = mkdtempSync(join(tmpdir(), 'bench-oneroster-csv-'));
  try {
    process.stdout.write(`writing ${ROWS.toLocaleString('en-US')} rows to ${dir} … `);
    const file = await writeSet(dir);
    const bytes = statSync(file).size;
    process.stdout.write(`${(bytes / 1e6).toFixed(1)} MB\n`);

    const store = await openStore({ databaseUrl: benchUrl(), poolSize: 2 });
    await new TenantRepository(store.db).create({ tenantId: TENANT, name: 'Bench District' });
    await store.close();

    process.stdout.write('importing with termbridge … ');
    const child = fork(fileURLToPath(import.meta.url), ['--child-import', dir], { execArgv: ['--import', 'tsx'] });
    const [result] = (await once(child, 'message')) as [{ ok: boolean; seconds: number; phases: Record<string, number>; maxRssMb: number; summary: unknown }];
    await once(child, 'exit');
    if (!result.ok) throw new Error(`the import was rejected: ${JSON.stringify(result.summary)}`);
    const importRate = ROWS / result.seconds;
    process.stdout.write(`${result.seconds.toFixed(1)} s, ${Math.round(importRate).toLocaleString('en-US')} rows/s, peak RSS ${result.maxRssMb.toFixed(0)} MB (phases began at ${JSON.stringify(result.phases)} s)\n`);

    process.stdout.write('psql \\copy into a bare table … ');
    const copyTable = 'bench_copy_academic_sessions';
    const psql = (command: string) => promisify(execFile)('psql', [benchUrl(), '-v', 'ON_ERROR_STOP=1', '-c', command]);
    await psql(`CREATE TABLE ${copyTable} (sourced_id text, status text, date_last_modified text, title text, type text, start_date text, end_date text, parent_sourced_id text, school_year text, org_sourced_id text)`);
    const copyStarted = performance.now();
    await psql(`\\copy ${copyTable} FROM '${file}' WITH (FORMAT csv, HEADER true)`);
    const copySeconds = (performance.now() - copyStarted) / 1000;
    const copyRate = ROWS / copySeconds;
    process.stdout.write(`${copySeconds.toFixed(1)} s, ${Math.round(copyRate).toLocaleString('en-US')} rows/s\n`);

    const ratio = importRate / copyRate;
    const report = {
      bench: 'oneroster-csv bulk import',
      at: new Date().toISOString(),
      rows: ROWS,
      fileMegabytes: Number((bytes / 1e6).toFixed(1)),
      import: { seconds: Number(result.seconds.toFixed(2)), phaseStartSeconds: result.phases, rowsPerSecond: Math.round(importRate), peakRssMegabytes: Math.round(result.maxRssMb), summary: result.summary },
      loadAverage: loadavg().map((l) => Number(l.toFixed(1))),
      cpus: cpus().length,
      psqlCopy: { seconds: Number(copySeconds.toFixed(2)), rowsPerSecond: Math.round(copyRate) },
      ratioOfCopy: Number(ratio.toFixed(3)),
      targets: { ratioOfCopy: 0.3, peakRssMegabytes: 300 },
    };
    process.stdout.write(`import / \\copy = ${(ratio * 100).toFixed(1)} % (target ≥ 30 %); peak RSS ${Math.round(result.maxRssMb)} MB (target < 300 MB)\n`);
    mkdirSync(join(HERE, 'results'), { recursive: true });
    const out = join(HERE, 'results', `oneroster-csv-${report.at.replace(/[:.]/g, '-')}.json`);
    writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
    process.stdout.write(`wrote ${out}\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
