// npm run bench:flood — issue 17's flood: 40 concurrent clients asking for large lists (Ed-Fi
// sessions limit=500, OneRoster academicSessions limit=1000, Edlink $first=1000), on PGlite and
// on PostgreSQL. On PGlite it runs twice in the same run: with the default admission queue, and
// with it opened wide (the baseline: every request queues, as before the queue existed).
// Prints p50/p99 of admitted (2xx) requests, how many were refused (503), throughput and the
// server's peak RSS; writes bench/results/flood-<date>.json. Numbers to read, never pass/fail.
import { fork } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Pool } from 'undici';
import { recreateBenchDatabase } from './bench-database.ts';

const HERE = dirname(fileURLToPath(import.meta.url));
const CLIENTS = 40;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
const URLS = ['/data/v3/ed-fi/sessions?limit=500', '/ims/oneroster/rostering/v1p2/academicSessions?limit=1000', '/api/v2/graph/sessions?$first=1000'];

interface Run {
  name: string;
  driver: string;
  admitted: number;
  refused503: number;
  otherStatus: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  admittedPerSecond: number;
  idleRssMiB: number;
  peakRssMiB: number;
}

const pct = (sorted: number[], p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))]! : 0);
const mib = (b: number) => Math.round(b / 1048576);

async function flood(name: string, env: Record<string, string>): Promise<Run> {
  const server = fork(join(HERE, 'flood-server.ts'), [], { execArgv: ['--import', 'tsx', '--expose-gc'], env: { ...process.env, ...env } });
  const ready = await new Promise<{ port: number; token: string; idleRss: number; driver: string }>((resolve) => server.once('message', resolve as never));
  const pool = new Pool(`http://127.0.0.1:${ready.port}`, { connections: CLIENTS, pipelining: 1 });
  const headers = { authorization: `Bearer ${ready.token}` };
  const admittedMs: number[] = [];
  let refused = 0;
  let other = 0;
  const end = Date.now() + SECONDS * 1000;
  await Promise.all(
    Array.from({ length: CLIENTS }, async (_, c) => {
      for (let i = c; Date.now() < end; i++) {
        const started = performance.now();
        const r = await pool.request({ method: 'GET', path: URLS[i % URLS.length]!, headers });
        await r.body.arrayBuffer();
        const ms = performance.now() - started;
        if (r.statusCode === 200) admittedMs.push(ms);
        else if (r.statusCode === 503) {
          refused++;
          // A well-behaved client honours Retry-After (capped so the flood goes on).
          await new Promise((res) => setTimeout(res, Math.min(1000, Number(r.headers['retry-after'] ?? 1) * 1000)));
        } else other++;
      }
    }),
  );
  server.send('rss');
  const { peakRss } = await new Promise<{ peakRss: number }>((resolve) => server.once('message', resolve as never));
  server.send('stop');
  await pool.close();
  await new Promise((r) => server.once('exit', r));
  const sorted = admittedMs.sort((a, b) => a - b);
  const run: Run = {
    name,
    driver: ready.driver,
    admitted: sorted.length,
    refused503: refused,
    otherStatus: other,
    p50Ms: Math.round(pct(sorted, 50)),
    p99Ms: Math.round(pct(sorted, 99)),
    maxMs: Math.round(sorted.at(-1) ?? 0),
    admittedPerSecond: Math.round(sorted.length / SECONDS),
    idleRssMiB: mib(ready.idleRss),
    peakRssMiB: mib(peakRss),
  };
  console.log(
    `${name.padEnd(44)} admitted ${String(run.admitted).padStart(5)} (${run.admittedPerSecond}/s)  refused 503 ${String(run.refused503).padStart(5)}  other ${run.otherStatus}  p50 ${run.p50Ms} ms  p99 ${run.p99Ms} ms  max ${run.maxMs} ms  RSS ${run.idleRssMiB} → ${run.peakRssMiB} MiB`,
  );
  return run;
}

console.log(`flood: ${CLIENTS} clients × ${SECONDS} s of ${URLS.join(', ')}`);
const runs: Run[] = [];
const WIDE_OPEN = { TERMBRIDGE_EMBEDDED_CONCURRENCY: '1000', TERMBRIDGE_EMBEDDED_QUEUE: '100000', TERMBRIDGE_EMBEDDED_MAX_WAIT_MS: '3600000' };
runs.push(await flood('PGlite, no admission limit (baseline)', WIDE_OPEN));
runs.push(await flood('PGlite, default admission queue', {}));
if (process.env.BENCH_SKIP_POSTGRES !== '1') runs.push(await flood('PostgreSQL (pool of 10)', { BENCH_DATABASE_URL: await recreateBenchDatabase('termbridge_flood') }));
const [baseline, bounded] = runs;
if (baseline && bounded && baseline.p99Ms > 0)
  console.log(`PGlite with the queue vs without: p99 ×${(bounded.p99Ms / baseline.p99Ms).toFixed(2)}, peak RSS ×${(bounded.peakRssMiB / baseline.peakRssMiB).toFixed(2)}, admitted/s ×${(bounded.admittedPerSecond / Math.max(1, baseline.admittedPerSecond)).toFixed(2)}`);
mkdirSync(join(HERE, 'results'), { recursive: true });
const file = join(HERE, 'results', `flood-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
writeFileSync(file, JSON.stringify({ clients: CLIENTS, seconds: SECONDS, urls: URLS, runs }, null, 2));
console.log(`written ${file}`);
