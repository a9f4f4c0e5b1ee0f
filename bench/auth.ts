// node bin/run-ts.js bench/auth.ts — what authentication costs a request. Over loopback with
// autocannon (10 connections, BENCH_SECONDS each, default 5) on PGlite and, when reachable,
// PostgreSQL: a public route, the same tiny authenticated route with a valid token, the 401
// path, and the token endpoint (bound by scrypt). Results: stdout and bench/results/auth-<date>.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { ClientRepository } from '../src/auth/client-repository.ts';
import { buildApp } from '../src/server.ts';
import { openStore, type StoreOptions } from '../src/store/database.ts';
import { TenantRepository } from '../src/store/tenant-repository.ts';

const HERE = dirname(fileURLToPath(import.meta.url));
const DURATION = Number(process.env.BENCH_SECONDS ?? 5);
const PG_URL = process.env.DATABASE_URL ?? 'postgres://root@127.0.0.1:5432/test';

async function measure(url: string, options: Partial<autocannon.Options> = {}) {
  const r = await autocannon({ url, connections: 10, duration: DURATION, ...options });
  return { requestsPerSecond: Math.round(r.requests.average), p50ms: r.latency.p50, p99ms: r.latency.p99, non2xx: r.non2xx, errors: r.errors };
}

async function run(driver: string, storeOptions: StoreOptions) {
  const store = await openStore(storeOptions);
  const app = await buildApp({ store, rateLimit: { max: 1e9, timeWindowMs: 60_000 }, tokensPerClient: 1e9, failedTokenAttempts: { max: 1e9, windowMs: 1 } });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  const tenantId = `bench_auth_${Date.now()}`;
  await new TenantRepository(store.db).create({ tenantId, name: 'bench' });
  const clients = new ClientRepository(store.db);
  const { client, secret } = await clients.create(tenantId, 'bench', ['edfi:read']);
  const { token } = await clients.issueToken(client, ['edfi:read']);
  const route = `${base}/changeQueries/v1/availableChangeVersions`;
  const results = {
    publicHealthz: await measure(`${base}/healthz`),
    authenticatedRoute: await measure(route, { headers: { authorization: `Bearer ${token}` } }),
    unauthenticated401: await measure(route),
    tokenEndpoint: await measure(`${base}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${client.clientId}:${secret}`).toString('base64')}` },
      body: 'grant_type=client_credentials',
    }),
  };
  await app.close();
  await store.close();
  console.log(driver, JSON.stringify(results, null, 2));
  return results;
}

const out: Record<string, unknown> = { date: new Date().toISOString(), cpus: cpus().length, loadAverage: loadavg(), durationSeconds: DURATION };
out.pglite = await run('pglite', { dataDir: 'memory://' });
try {
  out.postgres = await run('postgres', { databaseUrl: PG_URL, poolSize: 10 });
} catch (err) {
  out.postgres = `not measured: ${(err as Error).message}`;
}
mkdirSync(join(HERE, 'results'), { recursive: true });
const file = join(HERE, 'results', `auth-${new Date().toISOString().slice(0, 10)}.json`);
writeFileSync(file, JSON.stringify(out, null, 2) + '\n');
console.log(`written ${file}`);
