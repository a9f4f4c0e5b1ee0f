// termbridge import / export oneroster-csv, run as the real CLI on a data directory (PGlite) or
// DATABASE_URL (PostgreSQL): round trip, rejection report and exit code, refusal of a held directory.
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../../src/store/database.ts';
import { TenantRepository } from '../../../src/store/tenant-repository.ts';
import { SessionRepository } from '../../../src/store/session-repository.ts';
import { LOCK_FILE } from '../../../src/cli/data-dir-lock.ts';
import { drivers } from '../../harness.ts';
import { manifest, SESSION_HEADER } from './csv-zip.ts';

const run = promisify(execFile);
const BIN = new URL('../../../bin/termbridge.js', import.meta.url).pathname;

async function termbridge(args: string[], env: Record<string, string | undefined>) {
  try {
    const r = await run(process.execPath, [BIN, ...args], { env: { ...process.env, DATABASE_URL: undefined, ...env }, timeout: 120_000 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe.each(drivers())('termbridge import/export oneroster-csv on %s', (driver) => {
  it('imports a directory, rejects a bad set with exit 1, exports a zip that re-imports unchanged', { timeout: 240_000 }, async () => {
    const work = await mkdtemp(join(tmpdir(), 'or-cli-'));
    const dataDir = join(work, 'data');
    const env = driver === 'postgres' ? { DATABASE_URL: process.env.TEST_DATABASE_URL } : {};
    const open = (): Promise<Store> => (driver === 'postgres' ? openStore({ databaseUrl: process.env.TEST_DATABASE_URL }) : openStore({ dataDir }));
    const tenantId = `cli_${randomUUID().slice(0, 8)}`;
    let store = await open();
    await new TenantRepository(store.db).create({ tenantId, name: 'CLI district' });
    await store.close();

    const set = join(work, 'set');
    await run('mkdir', ['-p', set]);
    await writeFile(join(set, 'manifest.csv'), manifest({ academicSessions: 'bulk' }));
    await writeFile(join(set, 'academicSessions.csv'), `${SESSION_HEADER}\nt1,,,Term 1,term,2025-08-15,2025-12-20,sy,2026\nsy,,,SY,schoolYear,2025-08-01,2026-07-01,,2026\n`);
    const ok = await termbridge(['import', 'oneroster-csv', set, '--tenant', tenantId, '--data-dir', dataDir], env);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toContain('2 rows — 2 created');

    await writeFile(join(set, 'academicSessions.csv'), `${SESSION_HEADER}\nt1,,,Term 1,nope,2025-08-15,2025-12-20,sy,2026\n`);
    const bad = await termbridge(['import', 'oneroster-csv', set, '--tenant', tenantId, '--data-dir', dataDir], env);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("academicSessions.csv:2 type: 'nope' is not one of");

    const zip = join(work, 'out.zip');
    const exported = await termbridge(['export', 'oneroster-csv', zip, '--tenant', tenantId, '--data-dir', dataDir], env);
    expect(exported.code, exported.stderr).toBe(0);
    const again = await termbridge(['import', 'oneroster-csv', zip, '--tenant', tenantId, '--data-dir', dataDir], env);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain('0 created, 0 updated, 2 unchanged, 0 tobedeleted');

    store = await open();
    const t1 = await new SessionRepository(store.db).getByIdentifier(tenantId, 'oneroster', 't1');
    await store.close();
    expect(t1).toMatchObject({ name: 'Term 1', beginDate: '2025-08-15', endDate: '2025-12-19', type: 'term' });

    const unknown = await termbridge(['import', 'oneroster-csv', set, '--tenant', 'nope', '--data-dir', dataDir], env);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("there is no tenant 'nope'");
  });

  if (driver === 'pglite')
    it('refuses a data directory another process holds', { timeout: 120_000 }, async () => {
      const dataDir = await mkdtemp(join(tmpdir(), 'or-cli-held-'));
      await writeFile(join(dataDir, LOCK_FILE), JSON.stringify({ pid: process.pid, command: 'serve', startedAt: new Date().toISOString() }));
      const r = await termbridge(['import', 'oneroster-csv', dataDir, '--tenant', 't', '--data-dir', dataDir], {});
      expect(r.code).toBe(1);
      expect(r.stderr).toContain("is in use by 'termbridge serve'");
    });
});
