// `termbridge serve --demo` as a user runs it: a real process, a real port, SIGTERM, restart.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/database.ts';

interface Running {
  child: ChildProcessWithoutNullStreams;
  base: string;
  secret: string;
  output: () => string;
}

function serve(dataDir: string): Promise<Running> {
  const child = spawn(process.execPath, ['bin/termbridge.js', 'serve', '--demo', '--port', '0', '--data-dir', dataDir], {
    env: { ...process.env, DATABASE_URL: '', LOG_LEVEL: 'warn' },
  });
  let out = '';
  child.stdout.on('data', (b) => (out += b));
  child.stderr.on('data', (b) => (out += b));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start:\n${out}`)), 60_000);
    child.stdout.on('data', () => {
      const url = /serving .* at (http:\/\/localhost:\d+)/.exec(out)?.[1];
      const secret = /demo client: demo-client \/ (\S+)/.exec(out)?.[1];
      if (url && secret) {
        clearTimeout(timer);
        resolve({ child, base: url, secret, output: () => out });
      }
    });
    child.on('exit', (code) => reject(new Error(`serve exited ${code}:\n${out}`)));
  });
}

function stop(r: Running): Promise<number | null> {
  return new Promise((resolve) => {
    r.child.removeAllListeners('exit');
    r.child.on('exit', (code) => resolve(code));
    r.child.kill('SIGTERM');
  });
}

async function token(r: Running): Promise<Response> {
  return fetch(`${r.base}/oauth/token`, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(`demo-client:${r.secret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: 'grant_type=client_credentials',
  });
}

describe('termbridge serve --demo', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'termbridge-serve-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('serves the demo with a working client, drains on SIGTERM and restarts on intact data', async () => {
    const first = await serve(dataDir);
    expect(first.output()).toContain('curl -s -H "Authorization: Bearer $TOKEN"');
    expect((await fetch(`${first.base}/healthz`)).status).toBe(200);
    const granted = await token(first);
    expect(granted.status).toBe(200);
    // The banner names the console and its sign-in, and that sign-in works there.
    expect(first.output()).toContain(`console:  ${first.base}/console`);
    expect(first.output()).toContain('console sign-in: client id demo-client, secret as above');
    const form = await fetch(`${first.base}/console/sign-in`);
    const login = /name="_csrf" value="([^"]+)"/.exec(await form.text())![1]!;
    const signedIn = await fetch(`${first.base}/console/sign-in`, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie: form.headers.getSetCookie().map((c) => c.split(';')[0]).join('; '), 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: login, client_id: 'demo-client', client_secret: first.secret }).toString(),
    });
    expect(signedIn.status).toBe(303);
    expect(signedIn.headers.get('location')).toBe('/console/overview');
    expect(await stop(first)).toBe(0);

    const again = await serve(dataDir);
    expect((await token(again)).status).toBe(200);
    expect(await stop(again)).toBe(0);

    // The files PGlite left behind open cleanly and hold the whole demo district once.
    const store = await openStore({ dataDir });
    const n = await store.db.selectFrom('sessions').select((eb) => eb.fn.countAll<string>().as('n')).where('tenant_id', '=', 'demo').executeTakeFirstOrThrow();
    await store.close();
    // 3 schools × 2 years × (year + 2 semesters + 4 quarters + 6 grading periods) + Canvas's default
    // term + the summer term the demo's OneRoster CSV connection pulls for each school
    expect(Number(n.n)).toBe(3 * 2 * 13 + 1 + 3);
  }, 180_000);
});
