// `termbridge tenants|clients …` as an operator runs them: directly on a free data directory,
// through the loopback admin routes while `serve` holds it, refused while another command holds
// it, undisturbed by a stale lock, and directly on PostgreSQL with DATABASE_URL.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { lockPath, readLock } from '../../src/cli/data-dir-lock.ts';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function cli(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['bin/termbridge.js', ...args], { env: { ...process.env, DATABASE_URL: '', LOG_LEVEL: 'warn', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b) => (stdout += b));
    child.stderr.on('data', (b) => (stderr += b));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

function credentials(run: Run) {
  const id = /client_id:\s+(\S+)/.exec(run.stdout)?.[1];
  const secret = /client_secret:\s+(\S+)/.exec(run.stdout)?.[1];
  if (!id || !secret) throw new Error(`no credentials in:\n${run.stdout}${run.stderr}`);
  return { id, secret };
}

function serve(dataDir: string): Promise<{ child: ChildProcessWithoutNullStreams; base: string }> {
  const child = spawn(process.execPath, ['bin/termbridge.js', 'serve', '--port', '0', '--data-dir', dataDir], { env: { ...process.env, DATABASE_URL: '', LOG_LEVEL: 'warn' } });
  let out = '';
  child.stdout.on('data', (b) => (out += b));
  child.stderr.on('data', (b) => (out += b));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start:\n${out}`)), 60_000);
    child.stdout.on('data', () => {
      const base = /serving .* at (http:\/\/localhost:\d+)/.exec(out)?.[1];
      if (base) {
        clearTimeout(timer);
        resolve({ child, base: base.replace('localhost', '127.0.0.1') });
      }
    });
    child.on('exit', (code) => reject(new Error(`serve exited ${code}:\n${out}`)));
  });
}

function stop(child: ChildProcessWithoutNullStreams): Promise<number | null> {
  return new Promise((resolve) => {
    child.removeAllListeners('exit');
    child.on('exit', (code) => resolve(code));
    child.kill('SIGTERM');
  });
}

async function token(base: string, c: { id: string; secret: string }): Promise<Response> {
  return fetch(`${base}/oauth/token`, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(`${c.id}:${c.secret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: 'grant_type=client_credentials',
  });
}

describe('termbridge tenants and clients on the embedded database', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'termbridge-clients-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('works directly, through a running server, refuses a held directory and ignores a stale lock', async () => {
    // 1. No server: the commands open the directory themselves, under the lock, and let go of it.
    const tenant = await cli(['tenants', 'create', '--id', 'dist-a', '--name', 'District A', '--edorg-id', '255900', '--data-dir', dataDir]);
    expect(tenant.stderr).toBe('');
    expect(tenant.stdout).toContain('created tenant dist-a');
    const direct = await cli(['clients', 'create', '--tenant', 'dist-a', '--name', 'SIS', '--scopes', 'edfi:read', '--data-dir', dataDir]);
    expect(direct.code, direct.stderr).toBe(0);
    const first = credentials(direct);
    expect(existsSync(lockPath(dataDir))).toBe(false);
    const unknownTenant = await cli(['clients', 'create', '--tenant', 'nope', '--name', 'x', '--scopes', 'edfi:read', '--data-dir', dataDir]);
    expect(unknownTenant.code).toBe(1);
    expect(unknownTenant.stderr).toContain("tenant 'nope' does not exist");
    const unknownScope = await cli(['clients', 'create', '--tenant', 'dist-a', '--name', 'x', '--scopes', 'edfi:everything', '--data-dir', dataDir]);
    expect(unknownScope.code).toBe(1);
    expect(unknownScope.stderr).toMatch(/unknown scope 'edfi:everything'; known scopes: .*edfi:read/);

    // 2. A server holds the directory: its lock is private and names a port and an admin key.
    const server = await serve(dataDir);
    try {
      const lock = readLock(dataDir)!;
      expect(lock.pid).toBe(server.child.pid);
      expect(lock.port).toBe(Number(new URL(server.base).port));
      expect(lock.adminKey).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(statSync(lockPath(dataDir)).mode & 0o777).toBe(0o600);
      expect((await token(server.base, first)).status).toBe(200);

      const viaServer = await cli(['clients', 'create', '--tenant', 'dist-a', '--name', 'LMS', '--scopes', 'edfi:read,edfi:write', '--data-dir', dataDir]);
      expect(viaServer.code, viaServer.stderr).toBe(0);
      expect(viaServer.stdout).toContain('through the running server');
      const second = credentials(viaServer);
      const granted = await token(server.base, second);
      expect(granted.status).toBe(200);
      const bearer = { authorization: `Bearer ${(await granted.json()).access_token}` };
      expect((await fetch(`${server.base}/data/v3/ed-fi/sessions`, { headers: bearer })).status).toBe(200);

      const list = await cli(['clients', 'list', '--json', '--data-dir', dataDir]);
      const listed = JSON.parse(list.stdout) as { clientId: string; revokedAt: string | null }[];
      expect(listed.map((c) => c.clientId).sort()).toEqual([first.id, second.id].sort());

      // Revocation through the server takes effect on the very next request.
      const revoke = await cli(['clients', 'revoke', second.id, '--data-dir', dataDir]);
      expect(revoke.code, revoke.stderr).toBe(0);
      expect((await fetch(`${server.base}/data/v3/ed-fi/sessions`, { headers: bearer })).status).toBe(401);
      expect((await token(server.base, second)).status).toBe(401);

      const rotate = await cli(['clients', 'rotate-secret', first.id, '--data-dir', dataDir]);
      expect(rotate.code, rotate.stderr).toBe(0);
      const rotated = credentials(rotate);
      expect(rotated.id).toBe(first.id);
      expect((await token(server.base, first)).status).toBe(401);
      expect((await token(server.base, rotated)).status).toBe(200);

      const t2 = await cli(['tenants', 'create', '--id', 'dist-b', '--name', 'District B', '--data-dir', dataDir]);
      expect(t2.stdout).toContain('through the running server');
      expect((await cli(['tenants', 'list', '--data-dir', dataDir])).stdout).toMatch(/dist-a .*255900[\s\S]*dist-b/);

      // The admin routes answer only the key, and only on a direct loopback connection.
      const adminUrl = `${server.base}/admin/v1/clients`;
      expect((await fetch(adminUrl, { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
      expect((await fetch(adminUrl, { headers: { authorization: `Bearer ${lock.adminKey}`, 'x-forwarded-for': '203.0.113.9' } })).status).toBe(401);
      expect((await fetch(adminUrl, { headers: { authorization: `Bearer ${lock.adminKey}` } })).status).toBe(200);

      // A second server on the same directory refuses to start.
      const twice = await cli(['serve', '--port', '0', '--data-dir', dataDir]);
      expect(twice.code).toBe(1);
      expect(twice.stderr).toContain("in use by 'termbridge serve'");
    } finally {
      expect(await stop(server.child)).toBe(0);
    }
    expect(existsSync(lockPath(dataDir))).toBe(false);

    // 3. Another command holds the directory (no port, no key): refuse with a clear message.
    writeFileSync(lockPath(dataDir), JSON.stringify({ pid: process.pid, command: 'import', startedAt: new Date().toISOString() }), { mode: 0o600 });
    const refused = await cli(['clients', 'list', '--data-dir', dataDir]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("in use by 'termbridge import'");
    expect(readLock(dataDir)?.pid).toBe(process.pid); // left alone

    // 4. A lock whose process is gone is stale: ignored and replaced.
    const dead = await cli(['--help']);
    expect(dead.code).toBe(0);
    const deadPid = 2 ** 22 + 12345; // above Linux's pid_max default ceiling, so no process has it
    writeFileSync(lockPath(dataDir), JSON.stringify({ pid: deadPid, command: 'serve', startedAt: new Date().toISOString(), port: 1, adminKey: 'x' }));
    const afterStale = await cli(['clients', 'list', '--data-dir', dataDir]);
    expect(afterStale.code, afterStale.stderr).toBe(0);
    expect(afterStale.stdout).toContain(first.id);
    expect(existsSync(lockPath(dataDir))).toBe(false);
  }, 300_000);
});

describe.skipIf(!process.env.TEST_DATABASE_URL)('termbridge tenants and clients with DATABASE_URL', () => {
  it('works directly on PostgreSQL, with no data directory involved', async () => {
    const env = { DATABASE_URL: process.env.TEST_DATABASE_URL! };
    const id = `cli-${randomUUID().slice(0, 8)}`;
    expect((await cli(['tenants', 'create', '--id', id, '--name', 'PG District'], env)).stdout).toContain(`created tenant ${id} `);
    const created = await cli(['clients', 'create', '--tenant', id, '--name', 'pg', '--scopes', 'edfi:read'], env);
    expect(created.stdout).toContain('in the PostgreSQL database');
    const { id: clientId } = credentials(created);
    const list = await cli(['clients', 'list', '--tenant', id, '--json'], env);
    expect((JSON.parse(list.stdout) as { clientId: string }[]).map((c) => c.clientId)).toEqual([clientId]);
    expect((await cli(['clients', 'revoke', clientId], env)).code).toBe(0);
    const again = await cli(['clients', 'revoke', clientId], env);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('already revoked');
  }, 120_000);
});
