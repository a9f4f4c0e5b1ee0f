// The OneRoster CSV upload under fire: thousands of generated zips, their CSV files damaged
// (NUL bytes, invalid UTF-8, huge rows and fields, UTF-16, stray quotes) and the zips themselves
// damaged (flips in the deflate data, truncation, sizes and methods that lie, folders, many
// entries). Each answers 200 or a 4xx in imsx, never a 5xx; a refused upload leaves the tenant's
// data exactly as it was; the server answers /healthz after every one. The same generated sets,
// written to a folder, go through `termbridge import`'s code path (a directory source).
// Runs a fixed seed and a random one (printed, to replay a failure: FUZZ_SEED=…). The limits are
// lowered so that bombs and giant rows cost milliseconds, not seconds.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { openCsvSource } from '../../../src/dialects/oneroster/csv/csv-source.ts';
import { importOneRosterCsv } from '../../../src/dialects/oneroster/csv/import.ts';
import { uploadLimitsFromEnv } from '../../../src/files/upload-limits.ts';
import { createTenant, drivers, startApp, type TestApp, type TestTenant } from '../../harness.ts';
import { tenantFingerprint } from '../../tenant-fingerprint.ts';
import { buildUpload, damagedFiles, damagedUpload } from './csv-set-arbitrary.ts';
import { manifest, SESSION_HEADER, zipOf } from './csv-zip.ts';
import { ALL_SCOPES } from './fixtures.ts';

const CSV = '/ims/oneroster/v1p2/csv';
const FIXED_SEED = 16_017;
const RANDOM_SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : Math.floor(Math.random() * 2 ** 31);
/** Uploads per seed: the heavier run on PGlite, a smaller one on PostgreSQL. */
const RUNS = { pglite: 1000, postgres: 120 } as const;
const DIRECTORY_RUNS = { pglite: 100, postgres: 30 } as const;

/** The tables a OneRoster CSV import writes: fingerprinted after every upload (all tables after every 25th). */
const IMPORT_TABLES = ['sessions', 'session_identifiers', 'session_grading_periods', 'orgs'];
const FULL_CHECK_EVERY = 25;

const LIMITS = {
  RATE_LIMIT_PER_MINUTE: '1000000',
  TERMBRIDGE_UPLOAD_MAX_ENTRIES: '40',
  TERMBRIDGE_UPLOAD_MAX_MB: '2',
  TERMBRIDGE_UPLOAD_MAX_RATIO: '50',
  TERMBRIDGE_UPLOAD_MAX_LINE_KB: '16',
  TERMBRIDGE_UPLOAD_MAX_COLUMNS: '200',
};

describe.each(drivers())('OneRoster CSV upload fuzz on %s', (driver) => {
  let t: TestApp;
  let tenant: TestTenant;
  let h: Record<string, string>;
  const counts = { sent: 0, ok: 0, refused: 0, serverErrors: 0 };

  beforeAll(async () => {
    for (const [k, v] of Object.entries(LIMITS)) vi.stubEnv(k, v);
    t = await startApp(driver);
    tenant = await createTenant(t);
    h = await tenant.auth(ALL_SCOPES);
    const seed = await zipOf({
      'manifest.csv': manifest({ academicSessions: 'bulk' }),
      'academicSessions.csv': `${SESSION_HEADER}\nsy,,,2025-2026,schoolYear,2025-08-01,2026-07-01,,2026\nfall,,,Fall,semester,2025-08-15,2025-12-20,sy,2026\n`,
    });
    expect((await t.app.inject({ method: 'POST', url: CSV, headers: { ...h, 'content-type': 'application/zip' }, payload: seed })).statusCode).toBe(200);
  });
  afterAll(async () => {
    vi.unstubAllEnvs();
    console.log(`OneRoster CSV upload fuzz on ${driver}: sent ${counts.sent}, 2xx ${counts.ok}, 4xx ${counts.refused}, 5xx ${counts.serverErrors}`);
    await t?.close();
  });

  const property = () => {
    let before: string | null = null;
    return fc.asyncProperty(damagedUpload, async (u) => {
      before ??= await tenantFingerprint(t.store, tenant.tenantId, IMPORT_TABLES);
      const full = counts.sent % FULL_CHECK_EVERY === 0;
      const fullBefore = full ? await tenantFingerprint(t.store, tenant.tenantId) : null;
      const body = await buildUpload(u);
      const r = await t.app.inject({ method: 'POST', url: CSV, headers: { ...h, 'content-type': 'application/zip' }, payload: body });
      counts.sent++;
      if (r.statusCode >= 500) counts.serverErrors++;
      else if (r.statusCode >= 400) counts.refused++;
      else counts.ok++;
      expect(r.statusCode, r.body.slice(0, 600)).toBeLessThan(500);
      expect((await t.app.inject({ url: '/healthz' })).statusCode).toBe(200);
      const after = await tenantFingerprint(t.store, tenant.tenantId, IMPORT_TABLES);
      if (r.statusCode >= 400) {
        expect(r.statusCode).toBe(400);
        const json = r.json();
        expect(json).toMatchObject({ imsx_codeMajor: 'failure', imsx_CodeMinor: { imsx_codeMinorField: [{ imsx_codeMinorFieldValue: 'invaliddata' }] } });
        expect(json.imsx_description).toMatch(/rejected and nothing was written/);
        expect(after, 'a refused upload changed the tenant').toBe(before);
        if (fullBefore !== null) expect(await tenantFingerprint(t.store, tenant.tenantId), 'a refused upload changed the tenant').toBe(fullBefore);
      }
      before = after;
    });
  };

  it(`answers ${RUNS[driver]} damaged zips with the fixed seed ${FIXED_SEED} below 500, writing nothing when it refuses`, { timeout: 600_000 }, async () => {
    await fc.assert(property(), { numRuns: RUNS[driver], seed: FIXED_SEED });
  });

  it(`and ${RUNS[driver]} more with a random seed (printed)`, { timeout: 600_000 }, async () => {
    console.log(`OneRoster CSV upload fuzz on ${driver}: random seed ${RANDOM_SEED} (FUZZ_SEED=${RANDOM_SEED} replays it)`);
    await fc.assert(property(), { numRuns: RUNS[driver], seed: RANDOM_SEED });
    expect(counts.serverErrors).toBe(0);
    expect(counts.sent).toBe(2 * RUNS[driver]);
  });

  it('reads the same damaged sets from a folder (termbridge import) without throwing, writing nothing when it refuses', { timeout: 600_000 }, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'or-fuzz-'));
    const limits = uploadLimitsFromEnv();
    let n = 0;
    try {
      await fc.assert(
        fc.asyncProperty(damagedUpload, async (u) => {
          const set = join(dir, String(n++));
          await rm(set, { recursive: true, force: true });
          await mkdir(set);
          for (const [name, bytes] of Object.entries(damagedFiles(u))) await writeFile(join(set, name), bytes);
          const before = await tenantFingerprint(t.store, tenant.tenantId, IMPORT_TABLES);
          const source = await openCsvSource(set, limits);
          try {
            const result = await importOneRosterCsv(t.store, tenant.tenantId, source);
            if (!result.ok) expect(await tenantFingerprint(t.store, tenant.tenantId, IMPORT_TABLES)).toBe(before);
          } finally {
            await source.close();
          }
          await rm(set, { recursive: true, force: true });
        }),
        { numRuns: DIRECTORY_RUNS[driver], seed: RANDOM_SEED },
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
