// No secret or token in any log: a whole run as an operator does it — the target secret set from
// stdin, a connector secret from the environment, `serve --demo --sync-worker` with debug logs,
// `clients create`, tokens, SIS writes and reads (a Canvas token in the query string too), the
// worker's sync to a second termbridge, and `secrets rotate-key` — with every process's stdout,
// stderr and pino log lines captured and searched for every secret and token value used. The only
// places a secret may appear are the ones made to show it once: the demo client's banner lines
// and the `client_secret:` line of `clients create`.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../src/store/database.ts';
import { TenantRepository } from '../../src/store/tenant-repository.ts';
import { getTargets } from '../../src/sync/target-repository.ts';
import { drivers } from '../harness.ts';
import { isolatedSchema, type IsolatedSchema } from '../isolated-schema.ts';
import { startTarget, until, type Target } from '../sync/child-sync.ts';
import { districtUpload } from '../sync/sync-rig.ts';

// One driver (PostgreSQL when there is one): what is logged does not depend on the store, and
// every process here compiles the sources, so a second run would only add a minute.
const driver = drivers().at(-1)!;

interface Run {
  command: string;
  stdout: string;
  stderr: string;
  code: number | null;
}

describe(`no secret in any log (${driver})`, () => {
  let target: Target;
  const runs: Run[] = [];
  const secretKey = randomBytes(32).toString('hex');
  const newKey = randomBytes(32).toString('hex');
  const connectSecret = `conn-${randomBytes(18).toString('base64url')}`;
  const dataDir = join(mkdtempSync(join(tmpdir(), 'redaction-')), 'db');
  const env: NodeJS.ProcessEnv = { ...process.env, TERMBRIDGE_SECRET_KEY: secretKey, LOG_LEVEL: 'debug', TERMBRIDGE_SYNC_LEASE_SECONDS: '2' };
  delete env.DATABASE_URL;
  const dirArgs = driver === 'pglite' ? ['--data-dir', dataDir] : [];
  // On PostgreSQL a schema of its own: the server's worker and rotate-key act on every tenant.
  let schema: IsolatedSchema | null = null;
  const open = (): Promise<Store> => (schema ? openStore({ databaseUrl: schema.url, poolSize: 2 }) : openStore({ dataDir }));
  const tenantId = `red_${randomBytes(5).toString('hex')}`;

  function start(args: string[], extraEnv: NodeJS.ProcessEnv = {}, stdin?: string) {
    const child = spawn('node', ['bin/termbridge.js', ...args, ...dirArgs], { env: { ...env, ...extraEnv }, stdio: ['pipe', 'pipe', 'pipe'] });
    const run: Run = { command: args.slice(0, 2).join(' '), stdout: '', stderr: '', code: null };
    runs.push(run);
    child.stdout.on('data', (d) => (run.stdout += d));
    child.stderr.on('data', (d) => (run.stderr += d));
    child.stdin.end(stdin ?? '');
    const exited = new Promise<Run>((resolve) => child.on('exit', (code) => resolve(Object.assign(run, { code }))));
    return { child, run, exited };
  }
  const cli = (args: string[], extraEnv: NodeJS.ProcessEnv = {}, stdin?: string) => start(args, extraEnv, stdin).exited;

  beforeAll(async () => {
    if (driver === 'postgres') {
      schema = await isolatedSchema();
      env.DATABASE_URL = schema.url;
    }
    target = await startTarget(2);
    const store = await open();
    try {
      await new TenantRepository(store.db).create({ tenantId, name: 'Redaction District' });
    } finally {
      await store.close();
    }
  });
  afterAll(async () => {
    await target?.close();
    await schema?.drop();
  });

  it('a full CLI + server run logs none of the secrets and tokens it used', { timeout: 240_000 }, async () => {
    const set = await cli(['sync', 'target', 'set', '--tenant', tenantId, '--url', target.url, '--key', target.key, '--secret-stdin'], {}, `${target.secret}\n`);
    expect(set.code, set.stderr).toBe(0);
    const added = await cli(['connect', 'add', 'edfi', '--tenant', tenantId, '--url', `${target.url}/data/v3`, '--id', `src-${tenantId}`, '--client-id', target.key], { TERMBRIDGE_CONNECT_SECRET: connectSecret });
    expect(added.code, added.stderr).toBe(0);

    const server = start(['serve', '--demo', '--sync-worker', '--sync-interval', '1', '--port', '0']);
    const base = await until(() => /termbridge is serving .* at (http:\/\/\S+)/.exec(server.run.stdout)?.[1], `the server's banner (${server.run.stderr})`, 120_000);
    const demoSecret = /demo client: \S+ \/ (\S+)/.exec(server.run.stdout)![1]!;
    let clientSecret = '';
    const tokens: string[] = [];
    try {
      const created = await cli(['clients', 'create', '--tenant', tenantId, '--name', 'sis', '--scopes', 'sis:write,sis:read,url:GET|/api/v1/accounts/:account_id/terms']);
      expect(created.code, created.stderr).toBe(0);
      const clientId = /client_id:\s+(\S+)/.exec(created.stdout)![1]!;
      clientSecret = /client_secret:\s+(\S+)/.exec(created.stdout)![1]!;
      const token = async (id: string, secret: string) => {
        const res = await fetch(`${base}/oauth/token`, {
          method: 'POST',
          headers: { authorization: `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
          body: 'grant_type=client_credentials',
        });
        const t = ((await res.json()) as { access_token: string }).access_token;
        tokens.push(t);
        return t;
      };
      const sisToken = await token(clientId, clientSecret);
      const demoToken = await token('demo-client', demoSecret);
      // A wrong secret is logged as a failure, without the secret.
      expect((await fetch(`${base}/oauth/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `grant_type=client_credentials&client_id=${clientId}&client_secret=${connectSecret}` })).status).toBe(401);
      const upload = await fetch(`${base}/sis/v1/uploads`, {
        method: 'POST',
        headers: { authorization: `Bearer ${sisToken}`, 'content-type': 'application/json' },
        body: JSON.stringify(districtUpload(target.ods.schools.map((s) => s.schoolId!))),
      });
      expect(upload.status).toBe(200);
      expect((await fetch(`${base}/api/v1/accounts/self/terms?access_token=${sisToken}`)).status).toBe(200);
      expect((await fetch(`${base}/data/v3/ed-fi/sessions?limit=1`, { headers: { authorization: `Bearer ${demoToken}` } })).status).toBe(200);
      // The server's worker sends the district's sessions to the target.
      const odsHeaders = await target.ods.auth(['edfi:read']);
      await until(async () => {
        const r = await target.app.app.inject({ method: 'GET', url: `/data/v3/ed-fi/sessions?schoolId=${target.ods.schools[0]!.schoolId}`, headers: odsHeaders });
        return r.json().length === 2 ? true : undefined;
      }, `the sync to the target (server log: ${server.run.stdout.slice(-2000)})`, 120_000);
    } finally {
      server.child.kill('SIGTERM');
      await server.exited;
    }

    const rotated = await cli(['secrets', 'rotate-key', '--new-key-stdin'], {}, `${newKey}\n`);
    expect(rotated.code, rotated.stderr).toBe(0);
    expect(rotated.stdout).toMatch(/re-sealed 1 connection secret\(s\) and [12] sync target secret\(s\)/);
    const saved = process.env.TERMBRIDGE_SECRET_KEY;
    process.env.TERMBRIDGE_SECRET_KEY = newKey;
    const store = await open();
    try {
      expect((await getTargets(store.db, tenantId)).default?.secret).toBe(target.secret);
    } finally {
      await store.close();
      if (saved === undefined) delete process.env.TERMBRIDGE_SECRET_KEY;
      else process.env.TERMBRIDGE_SECRET_KEY = saved;
    }

    // Everything every process wrote, less the lines made to show a secret once.
    const shownOnce = (line: string) => /^\s*demo client: /.test(line) || /TOKEN=\$\(curl -s -u '/.test(line) || /^client_secret: /.test(line);
    const logged = runs.flatMap((r) => `${r.stdout}\n${r.stderr}`.split('\n').map((line) => ({ command: r.command, line }))).filter((l) => !shownOnce(l.line));
    const serverLog = runs.find((r) => r.command === 'serve --demo')!.stdout;
    // pino's lines were captured: requests, and the worker's round that sent the sessions
    expect(serverLog.split('\n').filter((l) => l.startsWith('{')).length).toBeGreaterThan(10);
    expect(serverLog).toContain('sync round');
    const secrets: Record<string, string> = {
      'target secret': target.secret,
      'connector secret': connectSecret,
      'TERMBRIDGE_SECRET_KEY': secretKey,
      'new key': newKey,
      'demo client secret': demoSecret,
      'created client secret': clientSecret,
      ...Object.fromEntries(tokens.map((t, i) => [`access token ${i + 1}`, t])),
    };
    const hits = Object.entries(secrets).flatMap(([name, value]) => logged.filter((l) => l.line.includes(value)).map((l) => `${name} in '${l.command}': ${l.line.slice(0, 200)}`));
    expect(hits).toEqual([]);
  });
});
