// `termbridge connect add` and `termbridge pull` end to end: real processes on a temporary
// embedded data directory, pulling from a live Ed-Fi source app.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/database.ts';
import { SessionRepository } from '../../src/store/session-repository.ts';
import { createTenant } from '../harness.ts';
import { sourceClient, startSourceApp, type SourceApp } from './source-app.ts';

const run = promisify(execFile);

async function termbridge(args: string[], env: Record<string, string | undefined>) {
  try {
    const r = await run(process.execPath, ['bin/termbridge.js', ...args], { env: { ...process.env, DATABASE_URL: '', ...env } as NodeJS.ProcessEnv, timeout: 90_000 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('termbridge connect / pull', () => {
  let source: SourceApp;
  let dataDir: string;
  beforeAll(async () => {
    source = await startSourceApp('pglite');
    dataDir = mkdtempSync(join(tmpdir(), 'termbridge-pull-'));
  });
  afterAll(async () => {
    await source.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('stores an encrypted connection, pulls with a summary, and writes nothing on a second pull', async () => {
    const src = await createTenant(source, { schools: 1 });
    const repo = new SessionRepository(source.store.db);
    for (let i = 0; i < 3; i++)
      await repo.insert(src.tenantId, {
        schoolOrgId: src.schools[0]!.id,
        schoolYear: 2026,
        name: `Term ${i}`,
        type: 'term',
        beginDate: '2025-08-13',
        endDate: '2025-10-19',
        parentId: null,
        termDescriptor: 'uri://ed-fi.org/TermDescriptor#MiniTerm',
        gradingPeriodDescriptor: null,
        periodSequence: null,
        totalInstructionalDays: 40,
      });
    const { clientId, secret } = await sourceClient(source, src.tenantId, ['edfi:read']);
    const key = randomBytes(32).toString('hex');
    const common = ['--data-dir', dataDir];
    expect((await termbridge(['tenants', 'create', '--id', 'district-a', '--name', 'District A', ...common], {})).code).toBe(0);

    const add = ['connect', 'add', 'edfi', '--tenant', 'district-a', '--url', `${source.url}/data/v3`, '--id', 'state-ods', '--client-id', clientId, ...common];
    const refused = await termbridge(add, { TERMBRIDGE_SECRET_KEY: '', TERMBRIDGE_CONNECT_SECRET: secret });
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('TERMBRIDGE_SECRET_KEY is not set');
    const added = await termbridge(add, { TERMBRIDGE_SECRET_KEY: key, TERMBRIDGE_CONNECT_SECRET: secret });
    expect(added.stderr).toBe('');
    expect(added.stdout).toContain("identifiers 'edfi@state-ods'");

    const first = await termbridge(['pull', '--connection', 'state-ods', ...common], { TERMBRIDGE_SECRET_KEY: key });
    expect(first.stderr).toBe('');
    expect(first.stdout).toMatch(/^state-ods \(edfi, tenant district-a\): created 3, updated 0, deleted 0, unchanged 0, failed 0, schools created 1/);
    const second = await termbridge(['pull', ...common], { TERMBRIDGE_SECRET_KEY: key });
    expect(second.stdout).toMatch(/created 0, updated 0, deleted 0, unchanged 0, failed 0/);
    const wrongKey = await termbridge(['pull', ...common], { TERMBRIDGE_SECRET_KEY: randomBytes(32).toString('hex') });
    expect(wrongKey.code).toBe(1);
    expect(wrongKey.stderr).toContain('cannot be decrypted');

    const store = await openStore({ dataDir });
    try {
      const row = await sql<{ secret_cipher: string }>`SELECT secret_cipher FROM connections WHERE id = 'state-ods'`.execute(store.db);
      expect(row.rows[0]!.secret_cipher).toMatch(/^v1:/);
      expect(row.rows[0]!.secret_cipher).not.toContain(secret);
      const names = await sql<{ name: string }>`SELECT name FROM sessions WHERE tenant_id = 'district-a' AND status = 'active' ORDER BY name`.execute(store.db);
      expect(names.rows.map((r) => r.name)).toEqual(['Default Term', 'Term 0', 'Term 1', 'Term 2']);
    } finally {
      await store.close();
    }
  }, 240_000); // six CLI processes, each compiling the sources through tsx
});
