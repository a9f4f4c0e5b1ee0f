// The server `npm run bench:flood` floods, in its own process so its RSS is its own: termbridge
// on PGlite (a fresh data directory) or PostgreSQL (BENCH_DATABASE_URL), seeded with a district
// of BENCH_SCHOOLS schools × 50 sessions, default limits unless the environment sets them.
// Reports port and token over IPC, then its peak RSS when asked.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { ClientRepository } from '../src/auth/client-repository.ts';
import { buildApp } from '../src/server.ts';
import { openStore } from '../src/store/database.ts';
import { TenantRepository } from '../src/store/tenant-repository.ts';

const TENANT = 'flood';
const schools = Number(process.env.BENCH_SCHOOLS ?? 200);
const databaseUrl = process.env.BENCH_DATABASE_URL;
const dataDir = databaseUrl ? undefined : mkdtempSync(join(tmpdir(), 'termbridge-flood-'));
const store = await openStore({ databaseUrl, dataDir, poolSize: 10 });

const tenants = new TenantRepository(store.db);
const tenant = await tenants.create({ tenantId: TENANT, name: 'Flood District' });
await tenants.addSchoolYear(TENANT, 2026, true);
await sql`INSERT INTO orgs (tenant_id, id, kind, name, school_id, parent_id)
  SELECT ${TENANT}, gen_random_uuid(), 'school', 'School ' || g, 100000 + g, ${tenant.districtId}::uuid
  FROM generate_series(1, ${schools}) g`.execute(store.db);
await sql`INSERT INTO sessions (tenant_id, id, school_org_id, school_year, name, type, begin_date, end_date, term_descriptor, total_instructional_days, canvas_id)
  SELECT ${TENANT}, gen_random_uuid(), o.id, 2026, 'Session ' || s, 'term', date '2025-08-01' + (s % 100), date '2025-08-01' + (s % 100) + 30,
    'uri://ed-fi.org/TermDescriptor#Other', 20, 1000 + row_number() OVER (ORDER BY s, o.row_seq)
  FROM orgs o CROSS JOIN generate_series(1, 50) s WHERE o.tenant_id = ${TENANT} AND o.kind = 'school'`.execute(store.db);
await sql`UPDATE tenants SET canvas_term_seq = (SELECT max(canvas_id) FROM sessions WHERE tenant_id = ${TENANT}) WHERE tenant_id = ${TENANT}`.execute(store.db);

// The rate limit would refuse a flood from one client; the flood is what is under test.
const app = await buildApp({ store, rateLimit: { max: 1_000_000_000, timeWindowMs: 60_000 }, responseCacheBytes: 0 });
await app.listen({ port: 0, host: '127.0.0.1' });
const scopes = ['edfi:read', 'edlink:read', 'https://purl.imsglobal.org/spec/or/v1p2/scope/roster-core.readonly'];
const clients = new ClientRepository(store.db);
const { client } = await clients.create(TENANT, 'flood', scopes);
const { token } = await clients.issueToken(client, scopes, 3600);

let peakRss = 0;
const sample = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);
global.gc?.();
const idleRss = process.memoryUsage().rss;
process.send!({ port: (app.server.address() as { port: number }).port, token, idleRss, driver: store.driver });
process.on('message', async (m) => {
  if (m === 'rss') {
    process.send!({ peakRss, refused: app.embeddedQueue?.refused ?? 0 });
    peakRss = 0;
  }
  if (m === 'stop') {
    clearInterval(sample);
    await app.close();
    await store.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    process.exit(0);
  }
});
