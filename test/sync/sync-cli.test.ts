// The commands as an operator runs them: termbridge sis load (JSON, CSV, refused), sync plan,
// sync target set, sync run against a second termbridge app, sync errors / status.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClientRepository } from '../../src/auth/client-repository.ts';
import { openStore } from '../../src/store/database.ts';
import { TenantRepository } from '../../src/store/tenant-repository.ts';
import { createTenant, startApp, type TestApp } from '../harness.ts';
import { districtUpload } from './sync-rig.ts';

function termbridge(args: string[], dataDir: string, stdin?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const env = { ...process.env };
    delete env.DATABASE_URL;
    const child = execFile('node', ['bin/termbridge.js', ...args, '--data-dir', dataDir], { env, timeout: 120_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
    if (stdin !== undefined) child.stdin!.end(stdin);
    else child.stdin!.end();
  });
}

describe('sis and sync commands', { timeout: 240_000 }, () => {
  let target: TestApp;
  let dataDir: string;
  let odsUrl: string;
  let schoolIds: number[];
  let key: string;
  let secret: string;
  const work = mkdtempSync(join(tmpdir(), 'sync-cli-'));

  beforeAll(async () => {
    target = await startApp('pglite');
    await target.app.listen({ port: 0, host: '127.0.0.1' });
    odsUrl = `http://127.0.0.1:${(target.app.server.address() as AddressInfo).port}`;
    const ods = await createTenant(target, { schools: 2, schoolYears: [2026] });
    schoolIds = ods.schools.map((s) => s.schoolId!);
    ({ client: { clientId: key }, secret } = await new ClientRepository(target.store.db).create(ods.tenantId, 'sync', ['edfi:read', 'edfi:write']));
    dataDir = join(work, 'db');
    const store = await openStore({ dataDir });
    await new TenantRepository(store.db).create({ tenantId: 'district', name: 'District' });
    await store.close();
  });
  afterAll(() => target.close());

  it('refuses a bad file with every problem listed and loads nothing', async () => {
    const file = join(work, 'bad.json');
    writeFileSync(file, JSON.stringify({ schools: [{ schoolId: 1, name: 'x' }], terms: [{ termId: 't', calendarId: 'none', name: 'T', startDate: 'soon' }] }));
    const r = await termbridge(['sis', 'load', file, '--tenant', 'district'], dataDir);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('nothing was loaded; 1 problem(s):');
    expect(r.stderr).toContain("$.terms[0].startDate: 'soon' is not a date (YYYY-MM-DD)");
    const plan = await termbridge(['sync', 'plan', '--tenant', 'district'], dataDir);
    expect(plan.stdout).toContain('0 operation(s)');
  });

  it('loads JSON, prints the plan as a table, sends it with sync run, and reports nothing left', async () => {
    const file = join(work, 'district.json');
    writeFileSync(file, JSON.stringify(districtUpload(schoolIds)));
    const load = await termbridge(['sis', 'load', file, '--tenant', 'district'], dataDir);
    expect(load.stderr).toBe('');
    expect(load.stdout).toContain('loaded schools 2, calendars 2, terms 3, calendarDays 552, gradingPeriods 2, termTypeMappings 4, syncYears 1');
    const plan = await termbridge(['sync', 'plan', '--tenant', 'district'], dataDir);
    expect(plan.stdout.split('\n')[0]).toMatch(/^ACTION\s+RESOURCE\s+SCHOOL\s+YEAR\s+ITEM\s+WHY$/);
    expect(plan.stdout).toMatch(/POST\s+sessions\s+\d+\s+2026\s+2026 First Semester\s+new/);
    expect(plan.stdout).toContain('6 operation(s)');
    const noTarget = await termbridge(['sync', 'run', '--tenant', 'district'], dataDir);
    expect(noTarget.code).toBe(1);
    expect(noTarget.stderr).toContain('no Ed-Fi target for tenant');
    // The secret from standard input: not in argv, nothing on stderr, stored sealed.
    const set = await termbridge(['sync', 'target', 'set', '--tenant', 'district', '--url', odsUrl, '--key', key, '--secret-stdin'], dataDir, `${secret}\n`);
    expect(set.stderr).toBe('');
    expect(set.code).toBe(0);
    const check = await termbridge(['sync', 'target', 'check', '--tenant', 'district'], dataDir);
    expect(check.stdout).toContain('ok   2026: token and API reachable');
    expect(check.stdout).toContain('ok   2026: 3 term descriptor(s) and 2 grading period descriptor(s) the SIS sends all exist in the target');
    expect(check.code).toBe(0);
    const run = await termbridge(['sync', 'run', '--tenant', 'district'], dataDir);
    expect(run.stdout).toContain('planned 6 operation(s); sent 6, failed 0, held 0');
    expect((await termbridge(['sync', 'errors', '--tenant', 'district'], dataDir)).stdout).toContain('no open errors');
    expect((await termbridge(['sync', 'status', '--tenant', 'district'], dataDir)).stdout).toContain('pending 0, in flight 0, sent 6');
  });

  it('loads a CSV directory on top (an upsert), and the worker sends just the change', async () => {
    const dir = join(work, 'csv');
    mkdirSync(dir);
    writeFileSync(join(dir, 'terms.csv'), `termId,calendarId,name,termTypeCode,startDate,endDate\nhs-s2,hs,Semester 2,S2,2026-01-06,2026-05-22\n`);
    const load = await termbridge(['sis', 'load', dir, '--tenant', 'district'], dataDir);
    expect(load.stdout).toContain('loaded terms 1');
    const worker = await termbridge(['sync', 'worker', '--tenant', 'district', '--once'], dataDir);
    expect(worker.stdout).toContain('planned 1, sent 1, failed 0');
    expect((await termbridge(['sync', 'nonsense', '--tenant', 'district'], dataDir)).code).toBe(2);
  });
});
