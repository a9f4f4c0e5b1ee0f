// npm run bench — Ed-Fi read and write throughput on PostgreSQL against a bare Fastify route,
// then the console's render time (console-render.ts). Seeds 100,000 sessions across 1,000
// schools in bulk SQL into a dedicated database (dropped and recreated each run), then measures
// with autocannon over loopback, 10 connections. The console part seeds a 2,000-school district
// in its own database and renders the district overview and a calendar page against a static
// page of the same bytes. Results: stdout, bench/results/edfi-<date>.json and
// bench/results/console-<date>.json. Never a pass/fail: numbers to read.
import { fork } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { sql } from 'kysely';
import { openStore } from '../src/store/database.ts';
import { TenantRepository } from '../src/store/tenant-repository.ts';
import { benchDatabaseUrl, recreateBenchDatabase } from './bench-database.ts';
import { benchConsoleRender } from './console-render.ts';

const HERE = dirname(fileURLToPath(import.meta.url));
const BENCH_DB = 'termbridge_bench';
const SCHOOLS = 1000;
const SESSIONS_PER_SCHOOL = 100;
const DURATION = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = 10;
const TENANT = 'bench';

const benchUrl = (): string => benchDatabaseUrl(BENCH_DB);

async function seed(): Promise<number> {
  const started = Date.now();
  const store = await openStore({ databaseUrl: benchUrl(), poolSize: 2 });
  const tenants = new TenantRepository(store.db);
  const tenant = await tenants.create({ tenantId: TENANT, name: 'Bench District' });
  await tenants.addSchoolYear(TENANT, 2026, true);
  await sql`INSERT INTO orgs (tenant_id, id, kind, name, school_id, parent_id)
    SELECT ${TENANT}, gen_random_uuid(), 'school', 'School ' || g, 100000 + g, ${tenant.districtId}::uuid
    FROM generate_series(1, ${SCHOOLS}) g`.execute(store.db);
  // Interleaved: a school's sessions are spread over the table, as they are when written over years.
  await sql`INSERT INTO sessions (tenant_id, id, school_org_id, school_year, name, type, begin_date, end_date,
      term_descriptor, total_instructional_days, canvas_id)
    SELECT ${TENANT}, gen_random_uuid(), o.id, 2026, 'Session ' || s, 'term',
      date '2025-08-01' + (s % 100), date '2025-08-01' + (s % 100) + 30,
      'uri://ed-fi.org/TermDescriptor#Other', 20, 1000 + row_number() OVER (ORDER BY s, o.row_seq)
    FROM orgs o CROSS JOIN generate_series(1, ${SESSIONS_PER_SCHOOL}) s
    WHERE o.tenant_id = ${TENANT} AND o.kind = 'school'
    ORDER BY s, o.row_seq`.execute(store.db);
  await sql`UPDATE tenants SET canvas_term_seq = (SELECT max(canvas_id) FROM sessions WHERE tenant_id = ${TENANT}) WHERE tenant_id = ${TENANT}`.execute(store.db);
  await sql`ANALYZE`.execute(store.db);
  await store.close();
  return Date.now() - started;
}

interface Ready {
  port: number;
  uncachedPort: number;
  barePort: number;
  token: string;
  schools: number[];
  ids: string[];
  listBytes: number;
  itemBytes: number;
  listRows: number;
}

interface Measured {
  name: string;
  requestsPerSecond: number;
  p99Ms: number;
  p50Ms: number;
  non2xx: number;
  errors: number;
  requests: number;
}

async function measure(name: string, options: autocannon.Options): Promise<Measured> {
  const result = await autocannon({ connections: CONNECTIONS, duration: DURATION, ...options });
  const m = {
    name,
    requestsPerSecond: Math.round(result.requests.average),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
    requests: result.requests.total,
  };
  console.log(`${name.padEnd(34)} ${String(m.requestsPerSecond).padStart(7)} req/s   p50 ${String(m.p50Ms).padStart(4)} ms   p99 ${String(m.p99Ms).padStart(4)} ms${m.non2xx || m.errors ? `   non-2xx ${m.non2xx} errors ${m.errors}` : ''}`);
  return m;
}

function rotating(paths: string[], method: 'GET' | 'POST' = 'GET', body?: (i: number) => string): autocannon.Request[] {
  let i = 0;
  return [
    {
      method,
      setupRequest: (req) => {
        const n = i++;
        return { ...req, path: paths[n % paths.length]!, ...(body ? { body: body(n) } : {}) };
      },
    },
  ];
}

await recreateBenchDatabase(BENCH_DB);
const seedMs = await seed();
console.log(`seeded ${SCHOOLS * SESSIONS_PER_SCHOOL} sessions across ${SCHOOLS} schools in ${(seedMs / 1000).toFixed(1)} s (${BENCH_DB})`);

const server = fork(join(HERE, 'edfi-server.ts'), [], {
  execArgv: ['--import', 'tsx'],
  env: { ...process.env, BENCH_DATABASE_URL: benchUrl(), BENCH_TENANT: TENANT },
});
const ready = await new Promise<Ready>((resolve, reject) => {
  server.once('message', (m) => resolve(m as Ready));
  server.once('exit', (code) => reject(new Error(`bench server exited with ${code}`)));
});
const base = `http://127.0.0.1:${ready.port}`;
const bareBase = `http://127.0.0.1:${ready.barePort}`;
const headers = { authorization: `Bearer ${ready.token}` };
console.log(`list body ${ready.listBytes} bytes (${ready.listRows} sessions), item body ${ready.itemBytes} bytes; ${CONNECTIONS} connections, ${DURATION} s each\n`);

const uncachedBase = `http://127.0.0.1:${ready.uncachedPort}`;
const listPaths = ready.schools.map((s) => `/data/v3/ed-fi/sessions?schoolId=${s}&limit=100`);
const itemPaths = ready.ids.map((id) => `/data/v3/ed-fi/sessions/${id}`);
// Steady state of a server in use: each URL has been asked once before (the cache's misses are
// measured separately, as the cache-off figures).
await autocannon({ url: base, headers, connections: CONNECTIONS, amount: listPaths.length + itemPaths.length, requests: rotating([...listPaths, ...itemPaths]) });
const list = await measure('GET sessions?schoolId=…&limit=100', { url: base, headers, requests: rotating(listPaths) });
const bareList = await measure('bare route, same list bytes', { url: `${bareBase}/list` });
const listUncached = await measure('  the same list, response cache off', { url: uncachedBase, headers, requests: rotating(listPaths) });
const item = await measure('GET sessions/{id}', { url: base, headers, requests: rotating(itemPaths) });
const bareItem = await measure('bare route, same item bytes', { url: `${bareBase}/item` });
const itemUncached = await measure('  the same item, response cache off', { url: uncachedBase, headers, requests: rotating(itemPaths) });
const runTag = Date.now().toString(36);
const post = await measure('POST sessions (upsert, new keys)', {
  url: base,
  headers: { ...headers, 'content-type': 'application/json' },
  requests: rotating(['/data/v3/ed-fi/sessions'], 'POST', (i) =>
    JSON.stringify({
      schoolReference: { schoolId: ready.schools[i % ready.schools.length] },
      schoolYearTypeReference: { schoolYear: 2026 },
      sessionName: `Bench ${runTag} ${i}`,
      beginDate: '2025-08-13',
      endDate: '2025-12-19',
      termDescriptor: 'uri://ed-fi.org/TermDescriptor#Fall Semester',
      totalInstructionalDays: 80,
    }),
  ),
});

server.send('stop');
await new Promise((r) => server.once('exit', r));

const ratio = (a: Measured, b: Measured) => Math.round((a.requestsPerSecond / b.requestsPerSecond) * 1000) / 10;
const listRatio = ratio(list, bareList);
const itemRatio = ratio(item, bareItem);
console.log(`\nlist: ${listRatio}% of the bare route (target ≥ 40%)   item: ${itemRatio}% of the bare route`);
console.log(`response cache off: list ${ratio(listUncached, bareList)}%   item ${ratio(itemUncached, bareItem)}% of the bare route`);

const stamp = new Date().toISOString().replace(/[:.]/g, '-');
const results = {
  date: new Date().toISOString(),
  database: 'postgres',
  machine: { cpus: cpus().length, model: cpus()[0]?.model ?? 'unknown', node: process.version },
  seed: { sessions: SCHOOLS * SESSIONS_PER_SCHOOL, schools: SCHOOLS, ms: seedMs },
  load: { connections: CONNECTIONS, durationSeconds: DURATION, listBytes: ready.listBytes, itemBytes: ready.itemBytes },
  list,
  bareList,
  listUncached,
  item,
  bareItem,
  itemUncached,
  post,
  listPercentOfBare: listRatio,
  itemPercentOfBare: itemRatio,
  uncachedListPercentOfBare: ratio(listUncached, bareList),
  uncachedItemPercentOfBare: ratio(itemUncached, bareItem),
};
mkdirSync(join(HERE, 'results'), { recursive: true });
const file = join(HERE, 'results', `edfi-${stamp}.json`);
writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
console.log(`results written to ${file}`);

// The console: server-side render of the district overview and a calendar page, each against a
// static page of the same size sent by a bare route in the same run.
console.log('\nconsole render, 2,000-school district');
const rendered = await benchConsoleRender();
for (const name of ['overview', 'calendar'] as const) {
  const r = rendered[name];
  console.log(`console ${name}: ${(r.throughputRatio * 100).toFixed(2)}% of the static page's throughput, mean latency ${r.page.meanMs} ms, ${r.latencyRatio}× the static page's`);
}
