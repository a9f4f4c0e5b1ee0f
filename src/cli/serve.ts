// termbridge serve [--port 3000] [--host 127.0.0.1] [--data-dir DIR] [--demo] [--sync-worker [--sync-interval 5]]
import { ADMIN_SCOPE } from '../auth/administration.ts';
import { ClientRepository } from '../auth/client-repository.ts';
import { randomToken } from '../auth/client-secret.ts';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConnectionRepository } from '../connectors/connection-repository.ts';
import { connectDemoTarget, DEMO_CONNECTION, seedDemoConnection, seedDemoSync } from '../console/demo-sync.ts';
import { pullWithProgress } from '../console/routes-connections.ts';
import { runSync } from '../console/sync-console.ts';
import { randomBytes } from 'node:crypto';
import { SECRET_KEY_ENV } from '../secrets/secret-box.ts';
import { buildApp } from '../server.ts';
import { DEMO_TENANT, seedDemoDistrict } from '../store/demo-district.ts';
import { startBackgroundSync, type BackgroundSync } from '../sync/background-sync.ts';
import { parse, UsageError } from './args.ts';
import { acquireDataDirLock, type DataDirLock } from './data-dir-lock.ts';
import { openCommandStore, storeOptions } from './open-store.ts';

export const DEMO_CLIENT_ID = 'demo-client';

export async function serveCommand(argv: string[]): Promise<void> {
  const { values } = parse(argv, {
    port: { type: 'string' },
    host: { type: 'string' },
    'data-dir': { type: 'string' },
    demo: { type: 'boolean' },
    'sync-worker': { type: 'boolean' },
    'sync-interval': { type: 'string' },
  });
  const syncInterval = Number(values['sync-interval'] ?? 5);
  if (!Number.isFinite(syncInterval) || syncInterval <= 0) throw new UsageError(`--sync-interval '${values['sync-interval']}' must be a number of seconds above 0`);
  const port = Number(values.port ?? process.env.PORT ?? 3000);
  const host = values.host ?? process.env.HOST ?? '127.0.0.1';
  // The embedded database is single-process: hold the data directory's lock for as long as we
  // serve, and publish a loopback admin key in it so `termbridge clients …` works meanwhile.
  const dataDir = storeOptions(values['data-dir']).dataDir;
  const lock: DataDirLock | null = dataDir && !dataDir.startsWith('memory://') ? acquireDataDirLock(dataDir, 'serve') : null;
  const adminKey = lock ? randomToken() : undefined;
  let store: Awaited<ReturnType<typeof openCommandStore>>;
  try {
    store = await openCommandStore(values['data-dir']);
  } catch (err) {
    lock?.release();
    throw err;
  }
  const app = await buildApp({ store, logger: { level: process.env.LOG_LEVEL ?? 'info' }, ...(adminKey ? { adminKey } : {}) });

  let demoSecret: string | undefined;
  let demoClientId = DEMO_CLIENT_ID;
  if (values.demo) {
    // The demo keeps one secret of its own (its sync target's, re-issued on every start), sealed
    // like any other: without a key from the environment it seals under a key for this run only.
    if (!process.env[SECRET_KEY_ENV]?.trim()) {
      process.env[SECRET_KEY_ENV] = randomBytes(32).toString('hex');
      app.log.warn(`${SECRET_KEY_ENV} is not set: the demo seals secrets under a key for this run only; set it to keep connection secrets across restarts`);
    }
    const seeded = await seedDemoDistrict(store.db);
    await seedDemoSync(store.db, DEMO_TENANT);
    const folder = dataDir && !dataDir.startsWith('memory://') ? join(dataDir, 'demo-summer-school') : join(tmpdir(), 'termbridge-demo-summer-school');
    await seedDemoConnection(store.db, DEMO_TENANT, folder);
    // Every scope any route accepts, so the demo client can try everything.
    const scopes = app.ctx.registry.knownScopes().filter((s) => s !== ADMIN_SCOPE);
    const clients = new ClientRepository(store.db);
    const existing = await clients.get(DEMO_CLIENT_ID);
    if (!existing || existing.revokedAt) {
      // An operator revoked the demo client: leave it revoked and make a new one.
      if (existing) demoClientId = `${DEMO_CLIENT_ID}-${Date.now()}`;
      demoSecret = (await clients.create(DEMO_TENANT, 'Demo client', scopes, demoClientId)).secret;
    } else {
      await store.db.updateTable('api_clients' as never).set({ scopes } as never).where('client_id' as never, '=', DEMO_CLIENT_ID as never).execute();
      demoSecret = (await clients.rotateSecret(DEMO_CLIENT_ID)) ?? undefined;
    }
    app.log.info({ seeded }, seeded ? 'demo district seeded' : 'demo district already present');
  }

  const sync: BackgroundSync | null = values['sync-worker'] ? startBackgroundSync(store.db, app.log, { intervalMs: syncInterval * 1000 }) : null;

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down: draining requests');
    app.consoleJobs.abort(); // console runs (demo sync, retries, pulls) stop at their next step
    await sync?.stop(); // lets the round under way finish, so no acknowledged send goes unrecorded
    await app.close(); // stops accepting, waits for in-flight requests
    await store.close(); // PGlite flushes and closes its files cleanly
    lock?.release();
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));

  try {
    await app.listen({ port, host });
  } catch (err) {
    await store.close();
    lock?.release();
    throw err;
  }
  const address = app.server.address();
  const boundPort = typeof address === 'object' && address ? address.port : port;
  lock?.update({ host, port: boundPort, ...(adminKey ? { adminKey } : {}) });
  const base = `http://${host === '0.0.0.0' || host === '127.0.0.1' ? 'localhost' : host}:${boundPort}`;
  const lines = [``, `termbridge is serving ${store.driver === 'pglite' ? 'the embedded database' : 'PostgreSQL'} at ${base}`, `  API docs: ${base}/docs`, `  console:  ${base}/console`];
  if (values.demo) {
    // The district syncs to the state's ODS, a second tenant of this same server; the first
    // sync runs now, in the background, and leaves the SIS term without an end date in the log.
    await connectDemoTarget(store.db, DEMO_TENANT, `http://${host === '0.0.0.0' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host}:${boundPort}`);
    app.consoleJobs.start(DEMO_TENANT, 'First sync to the state ODS', (job) => runSync(store.db, DEMO_TENANT, job));
    const summer = await new ConnectionRepository(store.db).get(DEMO_TENANT, DEMO_CONNECTION);
    if (summer) app.consoleJobs.start(DEMO_TENANT, `Pull of ${DEMO_CONNECTION}`, (job) => pullWithProgress(store, summer, null, 'America/Chicago', job));
  }
  if (demoSecret) {
    lines.push(
      `  demo client: ${demoClientId} / ${demoSecret}`,
      `  console sign-in: client id ${demoClientId}, secret as above`,
      ``,
      `Try it:`,
      `  TOKEN=$(curl -s -u '${demoClientId}:${demoSecret}' -d grant_type=client_credentials ${base}/oauth/token | node -pe 'JSON.parse(require("fs").readFileSync(0)).access_token')`,
      `  curl -s -H "Authorization: Bearer $TOKEN" '${base}/data/v3/ed-fi/sessions?schoolId=255901107&schoolYear=2026'`,
      ``,
    );
  }
  process.stdout.write(lines.join('\n') + '\n');
}
