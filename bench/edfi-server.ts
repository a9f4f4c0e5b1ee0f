// The servers `npm run bench` measures, in their own process so the load generator does not
// share their event loop: termbridge on the bench database as configured by default (response
// cache on), the same app with the cache off, and a bare Fastify answering the same bytes from
// memory. Reports ports, a token and sample ids to the parent over IPC.
import Fastify from 'fastify';
import { ClientRepository } from '../src/auth/client-repository.ts';
import { buildApp } from '../src/server.ts';
import { openStore } from '../src/store/database.ts';

const databaseUrl = process.env.BENCH_DATABASE_URL!;
const tenantId = process.env.BENCH_TENANT!;

const store = await openStore({ databaseUrl, poolSize: 10 });
// The rate limit would refuse a benchmark; everything else (auth hook, scopes) stays on.
const app = await buildApp({ store, rateLimit: { max: 1_000_000_000, timeWindowMs: 60_000 } });
await app.listen({ port: 0, host: '127.0.0.1' });
const port = (app.server.address() as { port: number }).port;
const uncached = await buildApp({ store, rateLimit: { max: 1_000_000_000, timeWindowMs: 60_000 }, responseCacheBytes: 0 });
await uncached.listen({ port: 0, host: '127.0.0.1' });
const uncachedPort = (uncached.server.address() as { port: number }).port;

const clients = new ClientRepository(store.db);
const { client } = await clients.create(tenantId, 'bench', ['edfi:read', 'edfi:write']);
const { token } = await clients.issueToken(client, ['edfi:read', 'edfi:write'], 3600);
const headers = { authorization: `Bearer ${token}` };

const schools = (await store.db.selectFrom('orgs').select('school_id').where('tenant_id', '=', tenantId).where('kind', '=', 'school').orderBy('row_seq').execute()).map((r) => Number(r.school_id));
const sample = await app.inject({ method: 'GET', url: `/data/v3/ed-fi/sessions?schoolId=${schools[0]}&limit=100`, headers });
const list = sample.body;
const ids = (JSON.parse(list) as { id: string }[]).map((s) => s.id);
const moreIds: string[] = [];
for (const schoolId of schools.slice(0, 20)) {
  const r = await app.inject({ method: 'GET', url: `/data/v3/ed-fi/sessions?schoolId=${schoolId}&limit=50`, headers });
  moreIds.push(...(JSON.parse(r.body) as { id: string }[]).map((s) => s.id));
}
const item = (await app.inject({ method: 'GET', url: `/data/v3/ed-fi/sessions/${ids[0]}`, headers })).body;

const bare = Fastify({ logger: false });
bare.get('/list', (_req, reply) => reply.type('application/json; charset=utf-8').send(list));
bare.get('/item', (_req, reply) => reply.type('application/json; charset=utf-8').send(item));
await bare.listen({ port: 0, host: '127.0.0.1' });
const barePort = (bare.server.address() as { port: number }).port;

process.send!({ port, uncachedPort, barePort, token, schools, ids: moreIds, listBytes: Buffer.byteLength(list), itemBytes: Buffer.byteLength(item), listRows: ids.length });
process.on('message', async (m) => {
  if (m === 'stop') {
    await bare.close();
    await uncached.close();
    await app.close();
    await store.close();
    process.exit(0);
  }
});
