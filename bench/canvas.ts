// Canvas Enrollment Terms throughput on PostgreSQL: `node bin/run-ts.js bench/canvas.ts`.
// Seeds one root account with 20,000 terms (bulk SQL, a dedicated database dropped and
// recreated each run, 2,000 course sections), serves termbridge from a child process (so the
// load generator does not share its event loop) and measures with autocannon over loopback.
// Results: stdout and bench/results/canvas-<date>.json. Numbers to read, never pass/fail.
import { fork } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { sql } from 'kysely';
import { ClientRepository } from '../src/auth/client-repository.ts';
import { ALL_CANVAS_SCOPES } from '../src/dialects/canvas/scopes.ts';
import { buildApp } from '../src/server.ts';
import { openStore } from '../src/store/database.ts';
import { TenantRepository } from '../src/store/tenant-repository.ts';
import { benchDatabaseUrl, recreateBenchDatabase } from './bench-database.ts';

const HERE = fileURLToPath(import.meta.url);
const BENCH_DB = 'termbridge_bench_canvas';
const TERMS = 20_000;
const COURSE_SECTIONS = 2_000;
const DURATION = Number(process.env.BENCH_SECONDS ?? 5);
const CONNECTIONS = 10;
const TENANT = 'bench';

const benchUrl = (): string => benchDatabaseUrl(BENCH_DB);

/** The child: termbridge on the bench database; reports its port and a token over IPC. */
async function serve(): Promise<void> {
  const store = await openStore({ databaseUrl: benchUrl(), poolSize: 10 });
  // The rate limit would refuse a benchmark; the auth hook and scopes stay on.
  const app = await buildApp({ store, rateLimit: { max: 1_000_000_000, timeWindowMs: 60_000 } });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const clients = new ClientRepository(store.db);
  const { client } = await clients.create(TENANT, 'bench', ALL_CANVAS_SCOPES);
  const { token } = await clients.issueToken(client, ALL_CANVAS_SCOPES, 3600);
  process.send!({ port: (app.server.address() as { port: number }).port, token });
  process.on('message', async (m) => {
    if (m !== 'stop') return;
    await app.close();
    await store.close();
    process.exit(0);
  });
}

async function seed(): Promise<number> {
  await recreateBenchDatabase(BENCH_DB);
  const started = Date.now();
  const store = await openStore({ databaseUrl: benchUrl(), poolSize: 2 });
  await new TenantRepository(store.db).create({ tenantId: TENANT, name: 'Bench District' });
  await sql`INSERT INTO sessions (tenant_id, id, name, type, begin_date, end_date, canvas_id, properties)
    SELECT ${TENANT}, gen_random_uuid(), 'Term ' || g, 'term', date '2000-01-01' + (g % 9000), date '2000-01-01' + (g % 9000) + 120, 1 + g,
      jsonb_build_object('canvas', jsonb_build_object('overrides', jsonb_build_object('StudentEnrollment', jsonb_build_object('start_at', null, 'end_at', '2030-01-01T00:00:00Z'))))
    FROM generate_series(1, ${TERMS}) g`.execute(store.db);
  await sql`INSERT INTO session_identifiers (tenant_id, system, value, session_id)
    SELECT tenant_id, 'sis', 'T' || canvas_id, id FROM sessions WHERE tenant_id = ${TENANT} AND canvas_id > 1`.execute(store.db);
  await sql`INSERT INTO course_sections (tenant_id, id, session_id, name)
    SELECT tenant_id, gen_random_uuid(), id, 'Section' FROM sessions WHERE tenant_id = ${TENANT} ORDER BY canvas_id LIMIT ${COURSE_SECTIONS}`.execute(store.db);
  await sql`UPDATE tenants SET canvas_term_seq = ${TERMS + 1} WHERE tenant_id = ${TENANT}`.execute(store.db);
  await sql`ANALYZE`.execute(store.db);
  await store.close();
  return Date.now() - started;
}

interface Measured {
  name: string;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  non2xx: number;
  errors: number;
}

async function measure(name: string, options: autocannon.Options): Promise<Measured> {
  const r = await autocannon({ connections: CONNECTIONS, duration: DURATION, ...options });
  const m = { name, requestsPerSecond: Math.round(r.requests.average), p50Ms: r.latency.p50, p99Ms: r.latency.p99, non2xx: r.non2xx, errors: r.errors };
  console.log(`${name.padEnd(52)} ${String(m.requestsPerSecond).padStart(6)} req/s   p50 ${String(m.p50Ms).padStart(4)} ms   p99 ${String(m.p99Ms).padStart(4)} ms${m.non2xx || m.errors ? `   non-2xx ${m.non2xx} errors ${m.errors}` : ''}`);
  return m;
}

function rotating(path: (i: number) => string, method: 'GET' | 'POST' | 'PUT' = 'GET', body?: (i: number) => string): autocannon.Request[] {
  let i = 0;
  return [{ method, setupRequest: (req) => { const n = i++; return { ...req, path: path(n), ...(body ? { body: body(n) } : {}) }; } }];
}

async function main(): Promise<void> {
  const seedMs = await seed();
  console.log(`seeded ${TERMS} terms and ${COURSE_SECTIONS} course sections in ${(seedMs / 1000).toFixed(1)} s (${BENCH_DB}); ${CONNECTIONS} connections, ${DURATION} s each\n`);
  const server = fork(HERE, ['serve'], { execArgv: ['--import', 'tsx'] });
  const ready = await new Promise<{ port: number; token: string }>((resolve, reject) => {
    server.once('message', (m) => resolve(m as { port: number; token: string }));
    server.once('exit', (code) => reject(new Error(`bench server exited with ${code}`)));
  });
  const url = `http://127.0.0.1:${ready.port}`;
  const headers = { authorization: `Bearer ${ready.token}` };
  const T = '/api/v1/accounts/self/terms';
  const tag = Date.now().toString(36);
  const results = [
    await measure('GET terms (page 1 of 2,001)', { url, headers, requests: rotating(() => T) }),
    await measure('GET terms?page=N (pages 1..2000)', { url, headers, requests: rotating((i) => `${T}?page=${1 + (i % 2000)}`) }),
    await measure('GET terms?per_page=100&include[]=overrides,course_count', { url, headers, requests: rotating((i) => `${T}?per_page=100&include[]=overrides&include[]=course_count&page=${1 + (i % 200)}`) }),
    await measure('GET terms?term_name=99', { url, headers, requests: rotating(() => `${T}?term_name=99`) }),
    await measure('GET terms/:id', { url, headers, requests: rotating((i) => `${T}/${2 + (i % TERMS)}`) }),
    await measure('GET terms/sis_term_id:…', { url, headers, requests: rotating((i) => `${T}/sis_term_id:T${2 + (i % TERMS)}`) }),
    await measure('POST terms (form)', {
      url,
      headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' },
      requests: rotating(() => T, 'POST', (i) => `enrollment_term[name]=Bench+${i}&enrollment_term[start_at]=2025-08-13T05:00:00Z&enrollment_term[end_at]=2025-12-20T05:59:59Z&enrollment_term[sis_term_id]=${tag}-${i}&enrollment_term[overrides][StudentEnrollment][start_at]=2025-08-15T05:00:00Z`),
    }),
    await measure('PUT terms/:id (json)', {
      url,
      headers: { ...headers, 'content-type': 'application/json' },
      requests: rotating((i) => `${T}/${2 + (i % TERMS)}`, 'PUT', (i) => JSON.stringify({ enrollment_term: { name: `Renamed ${i}`, end_at: '2030-06-01T05:00:00Z' } })),
    }),
  ];
  server.send('stop');
  await new Promise((r) => server.once('exit', r));
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const out = {
    date: new Date().toISOString(),
    database: 'postgres',
    machine: { cpus: cpus().length, model: cpus()[0]?.model ?? 'unknown', node: process.version },
    seed: { terms: TERMS, courseSections: COURSE_SECTIONS, ms: seedMs },
    load: { connections: CONNECTIONS, durationSeconds: DURATION },
    results,
  };
  mkdirSync(join(dirname(HERE), 'results'), { recursive: true });
  const file = join(dirname(HERE), 'results', `canvas-${stamp}.json`);
  writeFileSync(file, `${JSON.stringify(out, null, 2)}\n`);
  console.log(`\nresults written to ${file}`);
}

if (process.argv[2] === 'serve') await serve();
else await main();
