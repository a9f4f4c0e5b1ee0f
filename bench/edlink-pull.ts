// node bin/run-ts.js bench/edlink-pull.ts — Edlink list/filter/cursor throughput and Ed-Fi pull
// speed on PostgreSQL. Seeds 10,000 sessions (20 schools × 500) into a dedicated database
// (dropped and recreated), serves them from a real listening app, then:
//  - autocannon (10 connections) on the first page, a filtered page and a deep cursor page;
//  - pulls all of it into a second district through the Ed-Fi connector (first pull, a repeated
//    full read that writes nothing, and an incremental pull with nothing new).
// Results: stdout and bench/results/edlink-<date>.json. Numbers to read, never pass/fail.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import autocannon from 'autocannon';
import { sql } from 'kysely';
import { ClientRepository } from '../src/auth/client-repository.ts';
import { ConnectionRepository } from '../src/connectors/connection-repository.ts';
import { connectorFor } from '../src/connectors/connector-for.ts';
import { runPull } from '../src/connectors/pull.ts';
import { sealSecret } from '../src/secrets/secret-box.ts';
import { buildApp } from '../src/server.ts';
import { openStore } from '../src/store/database.ts';
import { TenantRepository } from '../src/store/tenant-repository.ts';
import { randomBytes } from 'node:crypto';
import { recreateBenchDatabase } from './bench-database.ts';

const HERE = dirname(fileURLToPath(import.meta.url));
const DB = 'termbridge_bench_edlink';
const SCHOOLS = 20;
const PER_SCHOOL = 500;
const DURATION = Number(process.env.BENCH_SECONDS ?? 8);

const url = new URL(await recreateBenchDatabase(DB));

const store = await openStore({ databaseUrl: url.toString(), poolSize: 10 });
const tenants = new TenantRepository(store.db);
const src = await tenants.create({ tenantId: 'src', name: 'Source District' });
await tenants.addSchoolYear('src', 2026, true);
await sql`INSERT INTO orgs (tenant_id, id, kind, name, school_id, parent_id)
  SELECT 'src', gen_random_uuid(), 'school', 'School ' || g, 300000 + g, ${src.districtId}::uuid FROM generate_series(1, ${SCHOOLS}) g`.execute(store.db);
await sql`INSERT INTO sessions (tenant_id, id, school_org_id, school_year, name, type, begin_date, end_date, term_descriptor, total_instructional_days, canvas_id)
  SELECT 'src', gen_random_uuid(), o.id, 2026, 'Session ' || s, 'term', date '2025-08-01' + (s % 100), date '2025-08-01' + (s % 100) + 30,
    'uri://ed-fi.org/TermDescriptor#MiniTerm', 20, 1000 + row_number() OVER (ORDER BY s, o.row_seq)
  FROM orgs o CROSS JOIN generate_series(1, ${PER_SCHOOL}) s WHERE o.tenant_id = 'src' AND o.kind = 'school' ORDER BY s, o.row_seq`.execute(store.db);
await sql`UPDATE tenants SET canvas_term_seq = 1000000 WHERE tenant_id = 'src'`.execute(store.db);
await sql`ANALYZE`.execute(store.db);

const app = await buildApp({ store, rateLimit: { max: 1_000_000_000, timeWindowMs: 60_000 } }); // measure the API, not the limiter
await app.listen({ port: 0, host: '127.0.0.1' });
const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
const clients = new ClientRepository(store.db);
const { client, secret } = await clients.create('src', 'bench', ['edlink:read', 'edfi:read']);
const { token } = await clients.issueToken(client, ['edlink:read', 'edfi:read']);
const headers = { authorization: `Bearer ${token}` };

async function measure(name: string, path: string) {
  const r = await autocannon({ url: `${base}${path}`, headers, connections: 10, duration: DURATION });
  const out = { name, path, requestsPerSecond: r.requests.average, latencyP50Ms: r.latency.p50, latencyP99Ms: r.latency.p99, non2xx: r.non2xx, errors: r.errors };
  console.log(`${name}: ${out.requestsPerSecond.toFixed(0)} req/s, p50 ${out.latencyP50Ms} ms, p99 ${out.latencyP99Ms} ms, non-2xx ${out.non2xx}`);
  return out;
}

// A cursor near the end: page forward 9,900 rows once to get it.
const deep = await fetch(`${base}/api/v2/graph/sessions?$first=9900`, { headers }).then((r) => r.json() as Promise<{ $next: string }>);
const deepCursor = new URL(deep.$next).search;
const filter = encodeURIComponent(JSON.stringify({ name: [{ operator: 'starts with', value: 'session 49' }], start_date: [{ operator: 'gte', value: '2025-08-20' }] }));
const edlink = [
  await measure('edlink first page ($first=100)', '/api/v2/graph/sessions?$first=100'),
  await measure('edlink filtered page', `/api/v2/graph/sessions?$first=100&$filter=${filter}`),
  await measure('edlink deep cursor page', `/api/v2/graph/sessions${deepCursor}`),
  await measure('edlink one session', `/api/v2/graph/sessions/${(await sql<{ id: string }>`SELECT id FROM sessions WHERE tenant_id = 'src' AND school_org_id IS NOT NULL LIMIT 1`.execute(store.db)).rows[0]!.id}`),
];

await tenants.create({ tenantId: 'tgt', name: 'Target District' });
const key = randomBytes(32);
const connections = new ConnectionRepository(store.db);
await connections.add({ tenantId: 'tgt', id: 'bench-edfi', kind: 'edfi', url: `${base}/data/v3`, clientId: client.clientId, secret }, key);
void sealSecret;
async function timedPull(label: string) {
  const connection = (await connections.get('tgt', 'bench-edfi'))!;
  const { connector } = connectorFor(connection, connections.secretOf(connection, key), { pageSize: 500 });
  const started = performance.now();
  const result = await runPull(store, connection, connector);
  const ms = performance.now() - started;
  const out = { label, ms: Math.round(ms), records: result.records, pages: result.pages, recordsPerSecond: Math.round(result.records / (ms / 1000)), summary: { ...result.summary, failures: result.summary.failures.length } };
  console.log(`${label}: ${out.ms} ms, ${out.records} records in ${out.pages} pages (${out.recordsPerSecond}/s), ${JSON.stringify(out.summary)}`);
  return out;
}
const pulls = [await timedPull('ed-fi first pull (10,000 sessions + 20 schools)')];
await sql`UPDATE connections SET state = NULL WHERE id = 'bench-edfi'`.execute(store.db);
pulls.push(await timedPull('ed-fi full re-read, nothing changed (no writes)'));
pulls.push(await timedPull('ed-fi incremental pull, nothing changed'));

await app.close();
await store.close();
const stamp = new Date().toISOString().replace(/[:.]/g, '-');
const results = { when: new Date().toISOString(), cpus: cpus().length, cpu: cpus()[0]?.model, sessions: SCHOOLS * PER_SCHOOL, durationSeconds: DURATION, edlink, pulls };
mkdirSync(join(HERE, 'results'), { recursive: true });
const file = join(HERE, 'results', `edlink-${stamp}.json`);
writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
console.log(`results written to ${file}`);
