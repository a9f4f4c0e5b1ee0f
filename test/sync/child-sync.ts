// A source termbridge whose sync worker runs as a child process (`termbridge sync worker`), so
// a test can kill it with SIGKILL: its database is a PGlite data directory or a PostgreSQL
// tenant, its target a second termbridge app (in this process) behind a proxy.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClientRepository } from '../../src/auth/client-repository.ts';
import { openStore, type Store } from '../../src/store/database.ts';
import { TenantRepository } from '../../src/store/tenant-repository.ts';
import { SisRepository } from '../../src/sync/sis-repository.ts';
import { validateSisDataset } from '../../src/sync/sis-validation.ts';
import { loadStateRuleBook } from '../../src/sync/state-rule-book.ts';
import { setTarget } from '../../src/sync/target-repository.ts';
import { createTenant, startApp, type Driver, type TestApp, type TestTenant } from '../harness.ts';

export interface ChildSource {
  driver: Driver;
  tenantId: string;
  env: NodeJS.ProcessEnv;
  dataDirArgs: string[];
  open(): Promise<Store>;
}

export interface Target {
  app: TestApp;
  url: string;
  ods: TestTenant;
  key: string;
  secret: string;
  close(): Promise<void>;
}

export async function startTarget(schools: number): Promise<Target> {
  const app = await startApp('pglite');
  await app.app.listen({ port: 0, host: '127.0.0.1' });
  const ods = await createTenant(app, { schools, schoolYears: [2026] });
  const { client, secret } = await new ClientRepository(app.store.db).create(ods.tenantId, 'sync', ['edfi:read', 'edfi:write']);
  return { app, url: `http://127.0.0.1:${(app.app.server.address() as AddressInfo).port}`, ods, key: client.clientId, secret, close: () => app.close() };
}

/** A district tenant with SIS data loaded and the target set, ready for a worker. */
export async function prepareSource(driver: Driver, upload: unknown, target: { url: string; key: string; secret: string }, env: NodeJS.ProcessEnv = {}): Promise<ChildSource> {
  const secretKey = randomBytes(32).toString('hex');
  const childEnv: NodeJS.ProcessEnv = { ...process.env, TERMBRIDGE_SECRET_KEY: secretKey, LOG_LEVEL: 'warn', ...env };
  delete childEnv.DATABASE_URL;
  let dataDirArgs: string[] = [];
  let open: () => Promise<Store>;
  if (driver === 'postgres') {
    childEnv.DATABASE_URL = process.env.TEST_DATABASE_URL!;
    open = () => openStore({ databaseUrl: process.env.TEST_DATABASE_URL, poolSize: 3 });
  } else {
    const dataDir = join(mkdtempSync(join(tmpdir(), 'child-sync-')), 'db');
    dataDirArgs = ['--data-dir', dataDir];
    open = () => openStore({ dataDir });
  }
  const tenantId = `d_${randomUUID().slice(0, 12)}`;
  const store = await open();
  try {
    await new TenantRepository(store.db).create({ tenantId, name: 'District' });
    const { dataset, problems } = validateSisDataset(upload, loadStateRuleBook());
    if (problems.length) throw new Error(JSON.stringify(problems));
    const saved = await new SisRepository(store.db).save(tenantId, dataset);
    if (saved.problems.length) throw new Error(JSON.stringify(saved.problems));
    const previous = process.env.TERMBRIDGE_SECRET_KEY;
    process.env.TERMBRIDGE_SECRET_KEY = secretKey;
    try {
      await setTarget(store.db, tenantId, { baseUrl: target.url, key: target.key, secret: target.secret });
    } finally {
      if (previous === undefined) delete process.env.TERMBRIDGE_SECRET_KEY;
      else process.env.TERMBRIDGE_SECRET_KEY = previous;
    }
  } finally {
    await store.close();
  }
  return { driver, tenantId, env: childEnv, dataDirArgs, open };
}

export interface Child {
  process: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
}

/** `termbridge sync worker --once` for the source's tenant, as a child process. */
export function spawnWorker(source: ChildSource, args: string[] = []): Child {
  const child = spawn('node', ['bin/termbridge.js', 'sync', 'worker', '--tenant', source.tenantId, '--once', ...args, ...source.dataDirArgs], {
    env: source.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { process: child, output: () => output, exited };
}

export async function until<T>(probe: () => T | undefined | Promise<T | undefined>, what: string, ms = 60_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
