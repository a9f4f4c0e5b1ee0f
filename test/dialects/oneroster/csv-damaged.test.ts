// POST /ims/oneroster/v1p2/csv with a zip that is damaged or lies: every one answers 400
// invaliddata naming the file and the problem, writes nothing, and the server keeps serving.
// (Before this was fixed, a flipped byte in a deflate stream killed the process.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTenant, drivers, startApp, type TestApp, type TestTenant } from '../../harness.ts';
import { tenantFingerprint } from '../../tenant-fingerprint.ts';
import { ALL_SCOPES, P } from './fixtures.ts';
import { manifest, SESSION_HEADER, zipOf } from './csv-zip.ts';
import { flipDataByte, setLocalNameLength, setLocalOffset, setMethod, setSizes, zipLayout } from './zip-surgery.ts';

type Json = Record<string, any>;
const CSV = '/ims/oneroster/v1p2/csv';
const SESSIONS = 'academicSessions.csv';

const rows = (n: number) => Array.from({ length: n }, (_, i) => `s${i},,,Session ${i},term,2025-08-15,2025-12-20,,2026`).join('\n');
const goodSet = (sessions = `${SESSION_HEADER}\n${rows(300)}\n`): Record<string, string> => ({ 'manifest.csv': manifest({ academicSessions: 'bulk' }), [SESSIONS]: sessions });

describe.each(drivers())('OneRoster CSV upload, damaged or lying zips, on %s', (driver) => {
  let t: TestApp;
  let tenant: TestTenant;
  let h: Record<string, string>;
  let good: Buffer;
  beforeAll(async () => {
    t = await startApp(driver);
    tenant = await createTenant(t);
    h = await tenant.auth(ALL_SCOPES);
    good = await zipOf(goodSet());
    // Something to keep: a rejected upload must leave it exactly as it is.
    const first = await upload(await zipOf(goodSet(`${SESSION_HEADER}\nkeep,,,Keep,term,2025-08-15,2025-12-20,,2026\n`)));
    expect(first.statusCode, first.body).toBe(200);
  });
  afterAll(async () => t?.close());

  function upload(body: Buffer) {
    return t.app.inject({ method: 'POST', url: CSV, headers: { ...h, 'content-type': 'application/zip' }, payload: body });
  }

  /** Sends the zip; expects a 400 invaliddata whose text names `file` and matches `reason`; nothing written; still serving. */
  async function rejects(body: Buffer, file: string, reason: RegExp) {
    const before = await tenantFingerprint(t.store, tenant.tenantId);
    const r = await upload(body);
    expect(r.statusCode, r.body.slice(0, 500)).toBe(400);
    const json = r.json() as Json;
    expect(json.imsx_codeMajor).toBe('failure');
    expect(json.imsx_CodeMinor.imsx_codeMinorField[0].imsx_codeMinorFieldValue).toBe('invaliddata');
    const text = `${json.imsx_description} ${JSON.stringify(json.problems ?? [])}`;
    expect(text).toContain(file);
    expect(text).toMatch(reason);
    expect(await tenantFingerprint(t.store, tenant.tenantId)).toBe(before);
    expect((await t.app.inject({ url: '/healthz' })).statusCode).toBe(200);
    expect((await t.app.inject({ url: `${P}/academicSessions`, headers: h })).json().academicSessions.map((s: Json) => s.sourcedId)).toEqual(['keep']);
    return json;
  }

  it('a flipped byte in the deflate stream of academicSessions.csv', async () => {
    const e = zipLayout(good).find((x) => x.name === SESSIONS)!;
    expect(e.method).toBe(8);
    // Several positions, since not every flip makes zlib fail (some only change the text).
    for (const offset of [2, 5, 9, 40, Math.floor(e.compressedSize / 2)]) {
      const before = await tenantFingerprint(t.store, tenant.tenantId);
      const r = await upload(flipDataByte(good, SESSIONS, offset, 0x55));
      expect(r.statusCode, r.body.slice(0, 300)).toBe(400);
      expect(await tenantFingerprint(t.store, tenant.tenantId)).toBe(before);
    }
    await rejects(flipDataByte(good, SESSIONS, 2, 0xff), SESSIONS, /compressed data is damaged|not the size|bytes/);
  });

  it('a flipped byte in the deflate stream of manifest.csv', async () => {
    await rejects(flipDataByte(good, 'manifest.csv', 1, 0xff), 'manifest.csv', /damaged|bytes/);
  });

  it('entry sizes that disagree with the data', async () => {
    const e = zipLayout(good).find((x) => x.name === SESSIONS)!;
    await rejects(setSizes(good, SESSIONS, { uncompressed: e.uncompressedSize - 100 }), SESSIONS, /more than the \d+ bytes its header declares/);
    await rejects(setSizes(good, SESSIONS, { uncompressed: e.uncompressedSize + 100 }), SESSIONS, /holds \d+ bytes where its header declares \d+/);
    await rejects(setSizes(good, SESSIONS, { compressed: e.compressedSize + 1_000_000 }), SESSIONS, /overflows|beyond the end|damaged/);
    await rejects(setSizes(good, SESSIONS, { compressed: 10 }), SESSIONS, /damaged|bytes/);
    await rejects(setLocalNameLength(good, SESSIONS, 3), SESSIONS, /damaged|bytes/);
    await rejects(setLocalOffset(good, SESSIONS, 7), SESSIONS, /local file header|damaged/);
  });

  it('an unsupported compression method', async () => {
    await rejects(setMethod(good, SESSIONS, 12), SESSIONS, /compression method 12/);
    await rejects(setMethod(good, SESSIONS, 0), SESSIONS, /size|bytes|damaged/);
  });

  it('a truncated zip', async () => {
    const r = await upload(good.subarray(0, good.length - 30));
    expect(r.statusCode).toBe(400);
    expect(r.json().imsx_description).toMatch(/not a readable zip/);
  });

  it('a zip bomb: a tiny upload that inflates past the compression ratio limit', async () => {
    const bomb = await zipOf({ ...goodSet(), 'users.csv': 'x'.repeat(20_000_000) });
    expect(bomb.length).toBeLessThan(100_000);
    await rejects(bomb, 'users.csv', /compression ratio|compresses/);
  });

  it('a bomb that lies about its size is stopped at the size it declares', async () => {
    // Files termbridge does not import (users.csv) are never inflated; this one is read.
    const bomb = await zipOf(goodSet(`${SESSION_HEADER}\n${rows(3)}\n${'\n'.repeat(20_000_000)}`));
    await rejects(setSizes(bomb, SESSIONS, { uncompressed: 1000 }), SESSIONS, /more than the 1000 bytes its header declares/);
  });

  it('a thousand entries', async () => {
    const files: Record<string, string> = { ...goodSet() };
    for (let i = 0; i < 1000; i++) files[`x${i}.txt`] = 'x';
    await rejects(await zipOf(files), 'zip', /entries/);
  });

  it('files in nested folders', async () => {
    await rejects(await zipOf({ 'export/2026/manifest.csv': goodSet()['manifest.csv']!, [`export/2026/${SESSIONS}`]: goodSet()[SESSIONS]! }), 'export/2026/manifest.csv', /folder/);
  });

  it('a NUL byte in a cell is a row problem naming file, line and column', async () => {
    const json = await rejects(await zipOf(goodSet(`${SESSION_HEADER}\ns1,,,Bad\u0000title,term,2025-08-15,2025-12-20,,2026\n`)), SESSIONS, /NUL/);
    expect(json.problems).toEqual([{ file: SESSIONS, line: 2, column: 'title', reason: expect.stringMatching(/NUL byte/) }]);
  });

  it('invalid UTF-8 in a cell is a row problem naming file, line and column', async () => {
    const text = Buffer.concat([Buffer.from(`${SESSION_HEADER}\ns1,,,Good,term,2025-08-15,2025-12-20,,2026\ns2,,,Caf`), Buffer.from([0xe9]), Buffer.from(',term,2025-08-15,2025-12-20,,2026\n')]);
    const json = await rejects(await zipOf({ 'manifest.csv': manifest({ academicSessions: 'bulk' }), [SESSIONS]: text }), SESSIONS, /UTF-8/);
    expect(json.problems).toEqual([{ file: SESSIONS, line: 3, column: 'title', reason: expect.stringMatching(/not UTF-8/) }]);
  });

  it('a CSV with 10 million columns, or merely 5,000', async () => {
    // Stored, not deflated: deflated, the ratio limit refuses it before a line is read.
    const json = await rejects(await zipOf(goodSet(`${SESSION_HEADER}\n${','.repeat(10_000_000)}\n`), false), SESSIONS, /line 2 is longer than the limit of 1 MiB/);
    expect(json.problems).toEqual([{ file: SESSIONS, line: 2, column: '', reason: expect.stringContaining('TERMBRIDGE_UPLOAD_MAX_LINE_KB') }]);
    const wide = await rejects(await zipOf(goodSet(`${SESSION_HEADER}\n${','.repeat(5000)}\n`)), SESSIONS, /line 2 has 5,001 columns; the limit is 1000/);
    expect(wide.problems[0]).toMatchObject({ file: SESSIONS, line: 2 });
  });

  it('an enormous single field', async () => {
    await rejects(await zipOf(goodSet(`${SESSION_HEADER}\ns1,,,"${'t'.repeat(3_000_000)}",term,2025-08-15,2025-12-20,,2026\n`)), SESSIONS, /longer than|limit/);
    await rejects(await zipOf(goodSet(`${SESSION_HEADER}\ns1,,,"${'t\n'.repeat(1_500_000)}",term,2025-08-15,2025-12-20,,2026\n`)), SESSIONS, /longer than|limit/);
  });

  it('metadata.extra JSON that PostgreSQL cannot store (a NUL or a lone surrogate escape)', async () => {
    for (const extra of ['{"a":"\\u0000"}', '{"\\ud800":"x"}']) {
      const set = goodSet(`${SESSION_HEADER},metadata.extra\ns1,,,T,term,2025-08-15,2025-12-20,,2026,"${extra.replaceAll('"', '""')}"\n`);
      const json = await rejects(await zipOf(set), SESSIONS, /metadata\.extra/);
      expect(json.problems[0]).toMatchObject({ file: SESSIONS, line: 2, column: 'metadata.extra' });
    }
  });

  it('still imports a good zip afterwards', async () => {
    const r = await upload(good);
    expect(r.statusCode, r.body.slice(0, 300)).toBe(200);
    expect(r.json().academicSessions).toMatchObject({ rows: 300, created: 300 });
  });
});
