// The commands that read files, given damaged ones: `termbridge import oneroster-csv` (a zip
// whose deflate stream is broken, a file that is not a zip, a CSV with a NUL byte) and
// `termbridge sis load` (a CSV folder with a NUL byte or bytes that are not UTF-8, a JSON file
// that is not UTF-8 or holds \u0000). Each exits 1 with a message naming the file and the
// problem, no stack trace, and nothing written.
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../src/store/database.ts';
import { TenantRepository } from '../../src/store/tenant-repository.ts';
import { drivers } from '../harness.ts';
import { manifest, SESSION_HEADER, zipOf } from '../dialects/oneroster/csv-zip.ts';
import { flipDataByte } from '../dialects/oneroster/zip-surgery.ts';
import { tenantFingerprint } from '../tenant-fingerprint.ts';

const run = promisify(execFile);
const BIN = new URL('../../bin/termbridge.js', import.meta.url).pathname;

async function termbridge(args: string[], env: Record<string, string | undefined>) {
  try {
    const r = await run(process.execPath, [BIN, ...args], { env: { ...process.env, DATABASE_URL: undefined, ...env }, timeout: 120_000 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/** A refusal as an operator should see it: exit 1, the message, no stack trace. */
function expectRefused(r: { code: number; stderr: string }, ...parts: (string | RegExp)[]) {
  expect(r.code, r.stderr).toBe(1);
  for (const p of parts) expect(r.stderr).toMatch(p);
  expect(r.stderr).not.toMatch(/^\s+at /m);
  expect(r.stderr).not.toMatch(/Unhandled|uncaught|node:internal/i);
}

const SESSIONS = 'academicSessions.csv';
const rows = Array.from({ length: 200 }, (_, i) => `s${i},,,Session ${i},term,2025-08-15,2025-12-20,,2026`).join('\n');

describe.each(drivers())('commands reading damaged files on %s', (driver) => {
  it('import oneroster-csv and sis load refuse them, writing nothing', { timeout: 300_000 }, async () => {
    const work = await mkdtemp(join(tmpdir(), 'damaged-cli-'));
    const dataDir = join(work, 'data');
    const env = driver === 'postgres' ? { DATABASE_URL: process.env.TEST_DATABASE_URL } : {};
    const cli = (args: string[]) => termbridge([...args, '--data-dir', dataDir], env);
    const open = (): Promise<Store> => (driver === 'postgres' ? openStore({ databaseUrl: process.env.TEST_DATABASE_URL }) : openStore({ dataDir }));
    const tenantId = `cli_${randomUUID().slice(0, 8)}`;
    const fingerprint = async () => {
      const store = await open();
      try {
        return await tenantFingerprint(store, tenantId);
      } finally {
        await store.close();
      }
    };
    const store = await open();
    await new TenantRepository(store.db).create({ tenantId, name: 'CLI district' });
    await store.close();
    const before = await fingerprint();

    const good = await zipOf({ 'manifest.csv': manifest({ academicSessions: 'bulk' }), [SESSIONS]: `${SESSION_HEADER}\n${rows}\n` });
    const damaged = join(work, 'damaged.zip');
    await writeFile(damaged, flipDataByte(good, SESSIONS, 2, 0xff));
    expectRefused(await cli(['import', 'oneroster-csv', damaged, '--tenant', tenantId]), /academicSessions\.csv:\d+: the compressed data is damaged/);

    const notZip = join(work, 'set.zip');
    await writeFile(notZip, 'sourcedId,status\n');
    expectRefused(await cli(['import', 'oneroster-csv', notZip, '--tenant', tenantId]), /is not a readable zip file/);

    const set = join(work, 'set');
    await mkdir(set);
    await writeFile(join(set, 'manifest.csv'), manifest({ academicSessions: 'bulk' }));
    await writeFile(join(set, SESSIONS), `${SESSION_HEADER}\nt1,,,Term\u00001,term,2025-08-15,2025-12-20,,2026\n`);
    expectRefused(await cli(['import', 'oneroster-csv', set, '--tenant', tenantId]), /academicSessions\.csv:2 title: holds a NUL byte/);

    const sis = join(work, 'sis');
    await mkdir(sis);
    await writeFile(join(sis, 'schools.csv'), 'schoolId,name\n255901001,High\u0000\n');
    await writeFile(join(sis, 'terms.csv'), Buffer.concat([Buffer.from('termId,calendarId,name\nt1,hs,Caf'), Buffer.from([0xe9]), Buffer.from('\n')]));
    expectRefused(
      await cli(['sis', 'load', sis, '--tenant', tenantId]),
      /schools\.csv line 2, column name: holds a NUL byte/,
      /terms\.csv line 2, column name: is not UTF-8/,
    );
    await writeFile(join(sis, 'schools.csv'), 'schoolId,name\n255901001,High\n255901002, padded\n');
    await writeFile(join(sis, 'terms.csv'), 'termId,calendarId,name\n');
    expectRefused(await cli(['sis', 'load', sis, '--tenant', tenantId]), /schools\.csv line 3, column name: cannot contain leading or trailing spaces/);

    const latin1 = join(work, 'latin1.json');
    await writeFile(latin1, Buffer.concat([Buffer.from('{"schools":[{"schoolId":1,"name":"Caf'), Buffer.from([0xe9]), Buffer.from('"}]}')]));
    expectRefused(await cli(['sis', 'load', latin1, '--tenant', tenantId]), /latin1\.json is not UTF-8 text/);
    const nul = join(work, 'nul.json');
    await writeFile(nul, '{"schools":[{"schoolId":1,"name":"a\\u0000b"}]}');
    expectRefused(await cli(['sis', 'load', nul, '--tenant', tenantId]), /\$\.schools\[0\]\.name: holds a NUL character/);

    expect(await fingerprint()).toBe(before);
  });
});
