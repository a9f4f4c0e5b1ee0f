// The console's render bench, run by `npm run bench` (after the Ed-Fi figures) and alone by
// `npm run bench:console`: server-side render throughput of the district overview and of one
// school's calendar page for a 2,000-school district on PostgreSQL, each against a bare route
// sending a prebuilt static page of the same bytes in the same run (the ratio is what to read:
// how much the store reads, warnings and HTML cost over just sending that many bytes).
// Results: stdout and bench/results/console-<date>.json. Never a pass/fail: numbers to read.
import { mkdirSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import Fastify from 'fastify';
import { sql } from 'kysely';
import { ClientRepository } from '../src/auth/client-repository.ts';
import { buildApp } from '../src/server.ts';
import { openStore } from '../src/store/database.ts';
import { TenantRepository } from '../src/store/tenant-repository.ts';
import { recreateBenchDatabase } from './bench-database.ts';

const HERE = dirname(fileURLToPath(import.meta.url));
const SCHOOLS = Number(process.env.BENCH_SCHOOLS ?? 2000);
const DURATION = Number(process.env.BENCH_SECONDS ?? 5);
const CONNECTIONS = 4;
const TENANT = 'bench';

// Per school: a school year, two semesters (the second overlapping the first in one school of
// ten, so warnings are found and drawn), four quarters and six grading periods.
const SPANS: [type: string, name: string, begin: number, end: number][] = [
  ['schoolYear', 'School Year', 0, 280],
  ['semester', 'First Semester', 0, 128],
  ['semester', 'Second Semester', 145, 280],
  ['quarter', 'Quarter 1', 0, 58],
  ['quarter', 'Quarter 2', 61, 128],
  ['quarter', 'Quarter 3', 145, 211],
  ['quarter', 'Quarter 4', 221, 280],
  ...[0, 1, 2, 3, 4, 5].map((i) => ['gradingPeriod', `Six Weeks ${i + 1}`, i * 47, i * 47 + 44] as [string, string, number, number]),
];

async function seed(url: string): Promise<void> {
  const store = await openStore({ databaseUrl: url, poolSize: 2 });
  const tenants = new TenantRepository(store.db);
  const tenant = await tenants.create({ tenantId: TENANT, name: 'Bench District' });
  await tenants.addSchoolYear(TENANT, 2026, true);
  await sql`INSERT INTO orgs (tenant_id, id, kind, name, school_id, parent_id)
    SELECT ${TENANT}, gen_random_uuid(), 'school', 'School ' || g, 100000 + g, ${tenant.districtId}::uuid FROM generate_series(1, ${SCHOOLS}) g`.execute(store.db);
  const spans = sql.join(SPANS.map(([type, name, b, e], i) => sql`(${i}::int, ${type}::text, ${name}::text, ${b}::int, ${e}::int)`));
  await sql`INSERT INTO sessions (tenant_id, id, school_org_id, school_year, name, type, begin_date, end_date, total_instructional_days, canvas_id)
    SELECT ${TENANT}, gen_random_uuid(), o.id, 2026, '2026 ' || sp.name, sp.type,
      date '2025-08-13' + sp.b - CASE WHEN sp.name = 'Second Semester' AND o.school_id % 10 = 0 THEN 30 ELSE 0 END,
      date '2025-08-13' + sp.e, ((sp.e - sp.b + 1) * 5) / 7, 1000 + row_number() OVER (ORDER BY o.row_seq, sp.i)
    FROM orgs o CROSS JOIN (VALUES ${spans}) AS sp(i, type, name, b, e)
    WHERE o.tenant_id = ${TENANT} AND o.kind = 'school'`.execute(store.db);
  await sql`UPDATE tenants SET canvas_term_seq = (SELECT max(canvas_id) FROM sessions WHERE tenant_id = ${TENANT}) WHERE tenant_id = ${TENANT}`.execute(store.db);
  await sql`ANALYZE`.execute(store.db);
  await store.close();
}

interface Throughput {
  rps: number;
  /** Mean latency in ms (autocannon's p50 is whole milliseconds: 0 for a small static page). */
  meanMs: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
}

export interface PageResult {
  bytes: number;
  page: Throughput;
  baseline: Throughput;
  /** The console page's requests per second over the static page's. */
  throughputRatio: number;
  /** The console page's mean latency over the static page's: how many times slower a render is. */
  latencyRatio: number;
}

export interface ConsoleBenchResult {
  file: string;
  overview: PageResult;
  calendar: PageResult;
}

async function measure(url: string, headers: Record<string, string>): Promise<Throughput> {
  const r = await autocannon({ url, connections: CONNECTIONS, duration: DURATION, headers, timeout: 60 });
  return { rps: r.requests.average, meanMs: +r.latency.average.toFixed(2), p50: r.latency.p50, p99: r.latency.p99, errors: r.errors, non2xx: r.non2xx };
}

/** Seeds the 2,000-school district, measures both pages against their static twins, writes the results. */
export async function benchConsoleRender(): Promise<ConsoleBenchResult> {
  const url = await recreateBenchDatabase('termbridge_bench_console');
  const seedStarted = Date.now();
  await seed(url);
  const seedMs = Date.now() - seedStarted;

  const store = await openStore({ databaseUrl: url, poolSize: 10 });
  const app = await buildApp({ store, rateLimit: { max: 1_000_000, timeWindowMs: 60_000 } });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;

  // Sign in as a browser would: the form's token, then the session cookie.
  const { client, secret } = await new ClientRepository(store.db).create(TENANT, 'bench console', ['console']);
  const form = await fetch(`${base}/console/sign-in`);
  const login = /name="_csrf" value="([^"]+)"/.exec(await form.text())![1]!;
  const loginCookie = form.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const signed = await fetch(`${base}/console/sign-in`, {
    method: 'POST',
    redirect: 'manual',
    headers: { cookie: loginCookie, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ _csrf: decodeURIComponent(login), client_id: client.clientId, client_secret: secret }).toString(),
  });
  const cookie = signed.headers.getSetCookie().find((c) => c.startsWith('termbridge_console='))!.split(';')[0]!;

  const pages = { overview: '/console/overview', calendar: '/console/calendars/100010/2026' };
  const bodies: Record<string, string> = {};
  for (const [name, path] of Object.entries(pages)) {
    const res = await fetch(`${base}${path}`, { headers: { cookie } });
    if (res.status !== 200) throw new Error(`${path} answered ${res.status}`);
    bodies[name] = await res.text();
  }

  // The baseline: a bare Fastify route sending the same bytes, prebuilt.
  const bare = Fastify();
  for (const [name, body] of Object.entries(bodies)) bare.get(`/${name}`, async (_q, reply) => reply.type('text/html; charset=utf-8').send(body));
  await bare.listen({ port: 0, host: '127.0.0.1' });
  const bareBase = `http://127.0.0.1:${(bare.server.address() as AddressInfo).port}`;

  const results = {} as Record<keyof typeof pages, PageResult>;
  for (const name of Object.keys(pages) as (keyof typeof pages)[]) {
    const page = await measure(`${base}${pages[name]}`, { cookie });
    const baseline = await measure(`${bareBase}/${name}`, {});
    results[name] = { bytes: Buffer.byteLength(bodies[name]!), page, baseline, throughputRatio: +(page.rps / baseline.rps).toFixed(4), latencyRatio: +(page.meanMs / baseline.meanMs).toFixed(1) };
    process.stdout.write(
      `${name}: ${Buffer.byteLength(bodies[name]!)} bytes; console ${page.rps.toFixed(1)} req/s (mean ${page.meanMs} ms, p99 ${page.p99} ms), static page ${baseline.rps.toFixed(1)} req/s (mean ${baseline.meanMs} ms); throughput ratio ${(page.rps / baseline.rps).toFixed(4)}, latency ratio ${(page.meanMs / baseline.meanMs).toFixed(1)}\n`,
    );
  }
  await bare.close();
  await app.close();
  await store.close();

  const out = { bench: 'console', date: new Date().toISOString(), schools: SCHOOLS, sessions: SCHOOLS * SPANS.length, seedMs, durationSeconds: DURATION, connections: CONNECTIONS, results };
  mkdirSync(join(HERE, 'results'), { recursive: true });
  const file = join(HERE, 'results', `console-${out.date.replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, JSON.stringify(out, null, 2) + '\n');
  process.stdout.write(`wrote ${file}\n`);
  return { file, ...results };
}
