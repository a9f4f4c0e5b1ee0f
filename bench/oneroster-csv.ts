// npm run bench:csv — import a 1,000,000-row bulk academicSessions.csv (plus orgs.csv) into
// PostgreSQL with `termbridge import oneroster-csv`'s code path, and `psql \copy` the same file
// into a bare table in the same run. Prints rows/s, peak RSS and the ratio; writes
// bench/results/oneroster-csv-<date>.json. A dedicated database is dropped and recreated each run.
// The floor: the same rows, already resolved (ids, parents, schools), written with one
// INSERT … SELECT each into sessions, session_identifiers and session_grading_periods for a
// throwaway tenant in a transaction that is rolled back, in a database of its own (so the
// import's tables are as empty as ever). No import that writes the canonical tables can beat it.
//   node bin/run-ts.js bench/oneroster-csv.ts [--rows 1000000]
// The import runs in a child process so its peak RSS is its own.
import { execFile, fork } from 'node:child_process';
import { createWriteStream, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import pg from 'pg';
import { openCsvSource } from '../src/dialects/oneroster/csv/csv-source.ts';
import { importOneRosterCsv } from '../src/dialects/oneroster/csv/import.ts';
import { openStore } from '../src/store/database.ts';
import { TenantRepository } from '../src/store/tenant-repository.ts';
import { ADMIN_URL, benchDatabaseUrl, recreateBenchDatabase } from './bench-database.ts';

const HERE = dirname(fileURLToPath(import.meta.url));
const BENCH_DB = 'termbridge_bench_csv';
const FLOOR_DB = 'termbridge_bench_csv_floor';
const TENANT = 'bench_csv';
const SCHOOLS = 100;
const GROUP = 10; // per group: a school year, 2 semesters, 7 grading periods (children first)

const benchUrl = (): string => benchDatabaseUrl(BENCH_DB);
const psqlIn = (url: string) => (command: string) => promisify(execFile)('psql', [url, '-v', 'ON_ERROR_STOP=1', '-c', command]);
const SESSION_TEXT_COLUMNS = 'sourced_id text, status text, date_last_modified text, title text, type text, start_date text, end_date text, parent_sourced_id text, school_year text, org_sourced_id text';

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

interface FloorStep {
  seconds: number;
  rows: number;
  rowsPerSecond: number;
}

type Floor = { sessions: FloorStep; identifiers: FloorStep; gradingPeriodLinks: FloorStep; totalSeconds: number };

/** A database of its own for the floor, migrated, with the file \\copied into floor_source. */
async function prepareFloorDatabase(file: string): Promise<string> {
  const url = await recreateBenchDatabase(FLOOR_DB);
  const store = await openStore({ databaseUrl: url, poolSize: 1 });
  await store.close(); // migrated
  await psqlIn(url)(`CREATE TABLE floor_source (${SESSION_TEXT_COLUMNS})`);
  await psqlIn(url)(`\\copy floor_source FROM '${file}' WITH (FORMAT csv, HEADER true)`);
  return url;
}

/**
 * The floor (see the top): seconds per canonical table for the file's rows, in one transaction
 * that is rolled back. userTriggers false: the tables' own (non-constraint) triggers are
 * disabled inside that transaction, to show what they cost; foreign keys are always checked.
 */
async function measureFloor(url: string, userTriggers: boolean): Promise<Floor> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('BEGIN');
    await client.query("SET LOCAL work_mem = '64MB'");
    await client.query('SET LOCAL jit = off'); // as the import does
    if (!userTriggers) for (const t of ['sessions', 'session_identifiers', 'session_grading_periods']) await client.query(`ALTER TABLE ${t} DISABLE TRIGGER USER`);
    await client.query(`INSERT INTO tenants (tenant_id, name) VALUES ('floor', 'Floor')`);
    await client.query(`INSERT INTO orgs (tenant_id, id, kind, name) VALUES ('floor', gen_random_uuid(), 'district', 'Floor District')`);
    await client.query(`INSERT INTO orgs (tenant_id, id, kind, name, school_id, identifiers)
      SELECT 'floor', gen_random_uuid(), 'school', k, NULL, jsonb_build_object('oneroster', k) FROM (SELECT DISTINCT org_sourced_id AS k FROM floor_source) o`);
    // The rows as the import resolves them (untimed), in the file's order: new ids, parents within the file, schools.
    await client.query(`CREATE TEMP TABLE floor_rows ON COMMIT DROP AS
      WITH ids AS MATERIALIZED (SELECT row_number() OVER () AS line, f.*, gen_random_uuid() AS id FROM floor_source f)
      SELECT i.line, i.id, o.id AS school_org_id, i.school_year::int AS school_year, i.title AS name, i.type, i.start_date::date AS begin_date,
        i.end_date::date - 1 AS end_date, p.id AS parent_id, p.type AS parent_type, i.sourced_id
      FROM ids i LEFT JOIN ids p ON p.sourced_id = i.parent_sourced_id
        LEFT JOIN orgs o ON o.tenant_id = 'floor' AND o.identifiers->>'oneroster' = i.org_sourced_id
      ORDER BY i.line`);
    await client.query('ANALYZE floor_rows');
    await client.query('CHECKPOINT');
    const timed = async (text: string): Promise<FloorStep> => {
      const started = performance.now();
      const r = await client.query(text);
      const seconds = (performance.now() - started) / 1000;
      return { seconds: Number(seconds.toFixed(2)), rows: r.rowCount ?? 0, rowsPerSecond: Math.round((r.rowCount ?? 0) / seconds) };
    };
    const sessions = await timed(`INSERT INTO sessions (tenant_id, id, school_org_id, school_year, name, type, begin_date, end_date, parent_id, status, properties, canvas_id)
      SELECT 'floor', id, school_org_id, school_year, name, type, begin_date, end_date, parent_id, 'active', '{}'::jsonb, line FROM floor_rows`);
    const identifiers = await timed(`INSERT INTO session_identifiers (tenant_id, system, value, session_id) SELECT 'floor', 'oneroster', sourced_id, id FROM floor_rows`);
    const gradingPeriodLinks = await timed(`INSERT INTO session_grading_periods (tenant_id, session_id, grading_period_id)
      SELECT 'floor', parent_id, id FROM floor_rows WHERE type = 'gradingPeriod' AND parent_type <> 'gradingPeriod'`);
    await client.query('ROLLBACK');
    return { sessions, identifiers, gradingPeriodLinks, totalSeconds: Number((sessions.seconds + identifiers.seconds + gradingPeriodLinks.seconds).toFixed(2)) };
  } finally {
    await client.end();
  }
}

async function dropFloorDatabase(): Promise<void> {
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${FLOOR_DB} WITH (FORCE)`);
  await admin.end();
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

    // Start both the import and the floor from a clean checkpoint, not from the writes before them.
    await psqlIn(benchUrl())('CHECKPOINT');
    process.stdout.write('importing with termbridge … ');
    const child = fork(fileURLToPath(import.meta.url), ['--child-import', dir], { execArgv: ['--import', 'tsx'] });
    const [result] = (await once(child, 'message')) as [{ ok: boolean; seconds: number; phases: Record<string, number>; maxRssMb: number; summary: unknown }];
    await once(child, 'exit');
    if (!result.ok) throw new Error(`the import was rejected: ${JSON.stringify(result.summary)}`);
    const importRate = ROWS / result.seconds;
    process.stdout.write(`${result.seconds.toFixed(1)} s, ${Math.round(importRate).toLocaleString('en-US')} rows/s, peak RSS ${result.maxRssMb.toFixed(0)} MiB (phases began at ${JSON.stringify(result.phases)} s)\n`);

    process.stdout.write('psql \\copy into a bare table … ');
    const copyTable = 'bench_copy_academic_sessions';
    const psql = psqlIn(benchUrl());
    await psql(`CREATE TABLE ${copyTable} (${SESSION_TEXT_COLUMNS})`);
    const copyStarted = performance.now();
    await psql(`\\copy ${copyTable} FROM '${file}' WITH (FORMAT csv, HEADER true)`);
    const copySeconds = (performance.now() - copyStarted) / 1000;
    const copyRate = ROWS / copySeconds;
    process.stdout.write(`${copySeconds.toFixed(1)} s, ${Math.round(copyRate).toLocaleString('en-US')} rows/s\n`);

    process.stdout.write('floor: INSERT … SELECT of the resolved rows into the canonical tables (rolled back) … ');
    // A fresh database per pass: a rolled-back pass leaves dead rows and grown indexes behind.
    let floor: Floor;
    let floorWithoutTriggers: Floor;
    try {
      floor = await measureFloor(await prepareFloorDatabase(file), true);
      floorWithoutTriggers = await measureFloor(await prepareFloorDatabase(file), false);
    } finally {
      await dropFloorDatabase();
    }
    const floorRate = ROWS / floor.sessions.seconds;
    process.stdout.write(
      `sessions ${floor.sessions.seconds.toFixed(1)} s (${floorRate.toLocaleString('en-US', { maximumFractionDigits: 0 })} rows/s, ${((floorRate / copyRate) * 100).toFixed(1)} % of \\copy), ` +
        `identifiers ${floor.identifiers.seconds.toFixed(1)} s, grading-period links ${floor.gradingPeriodLinks.seconds.toFixed(1)} s; all three ${floor.totalSeconds.toFixed(1)} s ` +
        `(${Math.round(ROWS / floor.totalSeconds).toLocaleString('en-US')} rows/s, ${((ROWS / floor.totalSeconds / copyRate) * 100).toFixed(1)} % of \\copy)\n`,
    );
    process.stdout.write(
      `floor without the tables' statement triggers (disabled in the rolled-back transaction): sessions ${floorWithoutTriggers.sessions.seconds.toFixed(1)} s, ` +
        `identifiers ${floorWithoutTriggers.identifiers.seconds.toFixed(1)} s, grading-period links ${floorWithoutTriggers.gradingPeriodLinks.seconds.toFixed(1)} s; all three ${floorWithoutTriggers.totalSeconds.toFixed(1)} s\n`,
    );

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
      floor: {
        what: 'INSERT … SELECT of the same rows, resolved, into the canonical tables for a throwaway tenant (rolled back, own database)',
        sessions: { ...floor.sessions, ratioOfCopy: Number((floorRate / copyRate).toFixed(3)) },
        identifiers: floor.identifiers,
        gradingPeriodLinks: floor.gradingPeriodLinks,
        totalSeconds: floor.totalSeconds,
        rowsPerSecond: Math.round(ROWS / floor.totalSeconds),
        ratioOfCopy: Number((ROWS / floor.totalSeconds / copyRate).toFixed(3)),
        importOverFloor: Number((result.seconds / floor.totalSeconds).toFixed(2)),
        importWriteSeconds: Number(((result.phases.done ?? 0) - (result.phases.writing ?? 0)).toFixed(1)),
        withoutStatementTriggers: floorWithoutTriggers,
      },
      targets: { ratioOfCopy: 0.3, peakRssMegabytes: 300 },
    };
    process.stdout.write(`import / \\copy = ${(ratio * 100).toFixed(1)} % (target ≥ 30 %); peak RSS ${Math.round(result.maxRssMb)} MiB = ${Math.round((result.maxRssMb * 1048576) / 1e6)} MB (target < 300 MB)\n`);
    process.stdout.write(`import / floor = ${(result.seconds / floor.totalSeconds).toFixed(2)}× the time of writing the rows alone; load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}\n`);
    mkdirSync(join(HERE, 'results'), { recursive: true });
    const out = join(HERE, 'results', `oneroster-csv-${report.at.replace(/[:.]/g, '-')}.json`);
    writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
    process.stdout.write(`wrote ${out}\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
