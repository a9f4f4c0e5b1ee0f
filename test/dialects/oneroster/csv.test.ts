// The OneRoster CSV binding: upload over HTTP, the import's rules, export and round trip.
import { PassThrough } from 'node:stream';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCsvSource, zipBufferSource } from '../../../src/dialects/oneroster/csv/csv-source.ts';
import { exportOneRosterCsv } from '../../../src/dialects/oneroster/csv/export.ts';
import { importOneRosterCsv, type ImportProgress } from '../../../src/dialects/oneroster/csv/import.ts';
import { oneRosterCsvRecords } from '../../../src/dialects/oneroster/csv/records.ts';
import { createTenant, drivers, startApp, type TestApp } from '../../harness.ts';
import { ALL_SCOPES, P, seedCalendar } from './fixtures.ts';
import { manifest, SESSION_HEADER, zipOf } from './csv-zip.ts';
import { expectValid } from './openapi-schema.ts';

type Json = Record<string, any>;
const CSV = '/ims/oneroster/v1p2/csv';

describe.each(drivers())('OneRoster CSV on %s', (driver) => {
  let t: TestApp;
  beforeAll(async () => { t = await startApp(driver); });
  afterAll(async () => t?.close());

  async function fresh() {
    const tenant = await createTenant(t);
    return { tenant, h: await tenant.auth(ALL_SCOPES) };
  }
  const upload = (h: Record<string, string>, body: Buffer, type = 'application/zip') =>
    t.app.inject({ method: 'POST', url: CSV, headers: { ...h, 'content-type': type }, payload: body });
  const list = async (h: Record<string, string>) => (await t.app.inject({ url: `${P}/academicSessions`, headers: h })).json().academicSessions as Json[];

  /** Children before parents on purpose. */
  const bulkRows = (school: string) => [
    `gp1,,,GP 1,gradingPeriod,2025-08-15,2025-10-15,t1,2026,${school}`,
    `t1,,,Term 1,term,2025-08-15,2025-12-20,sy,2026,${school}`,
    `sy,,,2025-2026,schoolYear,2025-08-01,2026-07-01,,2026,${school}`,
  ];
  const bulkSet = (school: string, rows = bulkRows(school)) => ({
    'manifest.csv': manifest({ academicSessions: 'bulk', orgs: 'absent' }),
    'academicSessions.csv': `\uFEFF${SESSION_HEADER},metadata.orgSourcedId\n${rows.join('\n')}\n`,
  });

  it('imports a bulk zip, parents after children, BOM and all; reads back through REST', async () => {
    const { tenant, h } = await fresh();
    const r = await upload(h, await zipOf(bulkSet(tenant.schools[0]!.id)));
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({ modes: { academicSessions: 'bulk' }, academicSessions: { rows: 3, created: 3, updated: 0, deleted: 0 } });
    const sessions = await list(h);
    expectValid('collection', { academicSessions: sessions });
    const t1 = sessions.find((s) => s.sourcedId === 't1')!;
    expect(t1).toMatchObject({ title: 'Term 1', startDate: '2025-08-15', endDate: '2025-12-20', type: 'term', schoolYear: '2026', parent: { sourcedId: 'sy' }, org: { sourcedId: tenant.schools[0]!.id } });
    expect(t1.children.map((c: Json) => c.sourcedId)).toEqual(['gp1']);
  });

  it('bulk replaces the set: missing rows become tobedeleted, reappearing ones reactivate, unchanged ones keep dateLastModified', async () => {
    const { tenant, h } = await fresh();
    const school = tenant.schools[0]!.id;
    await upload(h, await zipOf(bulkSet(school)));
    const before = await list(h);
    const without = await upload(h, await zipOf(bulkSet(school, bulkRows(school).slice(1))));
    expect(without.json().academicSessions).toMatchObject({ created: 0, updated: 0, unchanged: 2, deleted: 1 });
    const after = await list(h);
    expect(after.find((s) => s.sourcedId === 'gp1')!.status).toBe('tobedeleted');
    expect(after.find((s) => s.sourcedId === 'sy')!.dateLastModified).toBe(before.find((s) => s.sourcedId === 'sy')!.dateLastModified);
    const back = await upload(h, await zipOf(bulkSet(school)));
    expect(back.json().academicSessions).toMatchObject({ reactivated: 1, unchanged: 2 });
    expect((await list(h)).find((s) => s.sourcedId === 'gp1')!.status).toBe('active');
  });

  it('applies a delta: changed rows updated, tobedeleted rows marked, the rest untouched', async () => {
    const { tenant, h } = await fresh();
    const school = tenant.schools[0]!.id;
    await upload(h, await zipOf(bulkSet(school)));
    const delta = await zipOf({
      'manifest.csv': manifest({ academicSessions: 'delta' }),
      'academicSessions.csv': [
        SESSION_HEADER,
        'gp1,tobedeleted,2026-01-02T00:00:00.000Z,GP 1,gradingPeriod,2025-08-15,2025-10-15,t1,2026',
        'gp2,active,2026-01-02T00:00:00.000Z,GP 2,gradingPeriod,2025-10-15,2025-12-20,t1,2026',
        't1,active,2026-01-02T00:00:00Z,Term One,term,2025-08-15,2025-12-20,sy,2026',
      ].join('\n'),
    });
    const r = await upload(h, delta);
    expect(r.statusCode).toBe(200);
    expect(r.json().academicSessions).toMatchObject({ created: 1, updated: 1, deleted: 1 });
    const after = await list(h);
    expect(after.map((s) => [s.sourcedId, s.status, s.title])).toEqual([
      ['gp1', 'tobedeleted', 'GP 1'],
      ['gp2', 'active', 'GP 2'],
      ['sy', 'active', '2025-2026'],
      ['t1', 'active', 'Term One'],
    ]);
    // No org column in the delta file: t1 keeps its school; the new gp2 is district-wide.
    expect(after.find((s) => s.sourcedId === 't1')!.org.sourcedId).toBe(school);
  });

  it('rejects the whole file, writing nothing, with every bad row located', async () => {
    const { tenant, h } = await fresh();
    const school = tenant.schools[0]!.id;
    const rows = [
      `a,,,A,semester,2025-08-01,2025-12-01,,2026,${school}`,
      `b,active,,B,semester,2025-08-01,2025-12-01,,2026,${school}`,
      `c,,,C,quarter,2025-02-30,2025-12-01,,26,${school}`,
      `d,,,D,term,2025-08-01,2025-08-01,,2026,${school}`,
      `e,,,E,term,2025-08-01,2025-09-01,,2026`,
    ];
    const r = await upload(h, await zipOf(bulkSet(school, rows)));
    expect(r.statusCode).toBe(400);
    expect(r.json().imsx_CodeMinor.imsx_codeMinorField[0].imsx_codeMinorFieldValue).toBe('invaliddata');
    expect(r.json().problems.map((p: Json) => [p.file, p.line, p.column])).toEqual([
      ['academicSessions.csv', 3, 'status'],
      ['academicSessions.csv', 4, 'type'],
      ['academicSessions.csv', 4, 'startDate'],
      ['academicSessions.csv', 4, 'schoolYear'],
      ['academicSessions.csv', 5, 'endDate'],
      ['academicSessions.csv', 6, ''],
    ]);
    expect(r.json().problems[1].reason).toContain("'quarter' is not one of");
    expect(await list(h)).toEqual([]);
  });

  it.each<[string, string[], string, string]>([
    ['a parent missing from a bulk file', ['x,,,X,term,2025-08-01,2025-09-01,nope,2026,'], 'parentSourcedId', "no academic session has sourcedId 'nope' in this file"],
    ['a child outside its parent', ['p,,,P,semester,2025-08-01,2025-09-01,,2026,', 'c,,,C,term,2025-08-01,2025-09-02,p,2026,'], 'endDate', "endDate 2025-09-02 is after the endDate 2025-09-01 of its parent 'p'"],
    ['a parent cycle', ['p,,,P,semester,2025-08-01,2025-09-01,c,2026,', 'c,,,C,term,2025-08-01,2025-09-01,p,2026,'], 'parentSourcedId', 'cycle'],
    ['a duplicate sourcedId', ['p,,,P,semester,2025-08-01,2025-09-01,,2026,', 'p,,,Q,semester,2025-08-01,2025-09-01,,2026,'], 'sourcedId', 'already on line 2'],
    ['an unknown org', ['p,,,P,semester,2025-08-01,2025-09-01,,2026,nope'], 'metadata.orgSourcedId', "no org has sourcedId 'nope'"],
    ['two sessions titled alike in one school and year', ['p,,,P,semester,2025-08-01,2025-09-01,,2026,SCHOOL', 'q,,,P,semester,2025-08-01,2025-09-01,,2026,SCHOOL'], 'title', "already titled 'P' (line 2)"],
  ])('rejects %s', async (_, rows, column, reason) => {
    const { tenant, h } = await fresh();
    const school = tenant.schools[0]!.id;
    const r = await upload(h, await zipOf(bulkSet(school, rows.map((row) => row.replace('SCHOOL', school)))));
    expect(r.statusCode).toBe(400);
    const problem = r.json().problems.find((p: Json) => p.column === column);
    expect(problem, JSON.stringify(r.json().problems)).toBeDefined();
    expect(problem.reason).toContain(reason);
    expect(await list(h)).toEqual([]);
  });

  it.each<[string, Record<string, string>, string]>([
    ['no manifest', { 'academicSessions.csv': `${SESSION_HEADER}\n` }, 'manifest.csv is missing'],
    ['a wrong version', { 'manifest.csv': manifest({ academicSessions: 'bulk' }).replace('1.2', '1.1'), 'academicSessions.csv': `${SESSION_HEADER}\nx,,,X,term,2025-08-01,2025-09-01,,2026\n` }, 'oneroster.version must be 1.2'],
    ['a file the manifest does not list', { 'manifest.csv': manifest({ academicSessions: 'bulk' }), 'academicSessions.csv': `${SESSION_HEADER}\nx,,,X,term,2025-08-01,2025-09-01,,2026\n`, 'users.csv': 'a\n' }, 'no file.users row'],
    ['a listed file that is missing', { 'manifest.csv': manifest({ academicSessions: 'bulk' }) }, 'academicSessions.csv is not in the set'],
    ['scrambled header order', { 'manifest.csv': manifest({ academicSessions: 'bulk' }), 'academicSessions.csv': 'status,sourcedId,dateLastModified,title,type,startDate,endDate,parentSourcedId,schoolYear\n,x,,X,term,2025-08-01,2025-09-01,,2026\n' }, "column 1 is 'status', expected 'sourcedId'"],
    ['a header-only file', { 'manifest.csv': manifest({ academicSessions: 'bulk' }), 'academicSessions.csv': `${SESSION_HEADER}\n` }, 'no data rows'],
    ['an unquoted quote', { 'manifest.csv': manifest({ academicSessions: 'bulk' }), 'academicSessions.csv': `${SESSION_HEADER}\nx,,,"X,term,2025-08-01,2025-09-01,,2026\n` }, 'not valid CSV'],
  ])('rejects a set with %s', async (_, files, reason) => {
    const { h } = await fresh();
    const r = await upload(h, await zipOf(files));
    expect(r.statusCode).toBe(400);
    expect(JSON.stringify(r.json().problems)).toContain(reason);
  });

  it('imports orgs.csv schools and puts sessions under them', async () => {
    const { tenant, h } = await fresh();
    const r = await upload(
      h,
      await zipOf({
        'manifest.csv': manifest({ academicSessions: 'bulk', orgs: 'bulk', users: 'absent' }),
        'orgs.csv': `sourcedId,status,dateLastModified,name,type,identifier,parentSourcedId\nD1,,,District,district,,\nS-9,,,North High,school,255901999,D1\ndept,,,Maths,department,,S-9\n`,
        'academicSessions.csv': `${SESSION_HEADER},metadata.orgSourcedId\nsy,,,SY,schoolYear,2025-08-01,2026-07-01,,2026,S-9\nd,,,District year,schoolYear,2025-08-01,2026-07-01,,2026,D1\n`,
      }),
    );
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json().orgs).toEqual({ created: 1, updated: 1, skipped: 1 });
    const sessions = await list(h);
    expect(sessions.find((s) => s.sourcedId === 'sy')!.org.sourcedId).toBe('S-9');
    expect(sessions.find((s) => s.sourcedId === 'd')!.org.sourcedId).toBe('D1');
    expect((await t.app.inject({ url: `${P}/schools/S-9/terms`, headers: h })).statusCode).toBe(200);
    void tenant;
  });

  it('answers 400 to a body that is not a zip and 415 to another content type, in imsx', async () => {
    const { h } = await fresh();
    const notZip = await upload(h, Buffer.from('hello'));
    expect(notZip.statusCode).toBe(400);
    expect(notZip.json().imsx_description).toContain('not a readable zip');
    // Every refusal says nothing was written, an empty upload too (the CSV fuzz found one that did not).
    const empty = await upload(h, Buffer.alloc(0));
    expect(empty.statusCode).toBe(400);
    expect(empty.json().imsx_description).toMatch(/empty.*rejected and nothing was written/);
    const json = await t.app.inject({ method: 'POST', url: CSV, headers: h, payload: { a: 1 } });
    expect([400, 415]).toContain(json.statusCode);
    expect(json.json().imsx_codeMajor).toBe('failure');
    const reader = await (await fresh()).tenant.auth(['https://purl.imsglobal.org/spec/or/v1p2/scope/roster.readonly']);
    expect((await upload(reader, await zipOf({ 'manifest.csv': manifest({}) }))).statusCode).toBe(403);
  });

  it('accepts uploads above the 1 MiB global body limit', async () => {
    const { tenant, h } = await fresh();
    const big = 'x\n'.repeat(700_000);
    const files = { ...bulkSet(tenant.schools[0]!.id), 'manifest.csv': manifest({ academicSessions: 'bulk', users: 'bulk' }), 'users.csv': big };
    const body = await zipOf(files, false);
    expect(body.length).toBeGreaterThan(1024 * 1024);
    const r = await upload(h, body);
    expect(r.statusCode, r.body.slice(0, 300)).toBe(200);
    expect(r.json().ignoredFiles).toEqual(['users.csv']);
  });

  it('export → import into another tenant reproduces every academic session exactly', async () => {
    const a = await fresh();
    await seedCalendar(t, a.tenant, a.h);
    await t.app.inject({ method: 'PUT', url: `${P}/academicSessions/gp2`, headers: a.h, payload: { academicSession: { title: 'GP 2', type: 'gradingPeriod', startDate: '2025-10-15', endDate: '2025-12-20', schoolYear: '2026', org: { sourcedId: a.tenant.schools[0]!.id }, parent: { sourcedId: 't1' }, metadata: { periodSequence: 2, gradingPeriodDescriptor: 'uri://ed-fi.org/GradingPeriodDescriptor#Second Six Weeks', note: 'a, "b"' } } } });
    const out = new PassThrough();
    const chunks: Buffer[] = [];
    out.on('data', (c: Buffer) => chunks.push(c));
    await exportOneRosterCsv(t.store, a.tenant.tenantId, out);
    const zip = Buffer.concat(chunks);
    const b = await fresh();
    const progress: ImportProgress[] = [];
    const result = await importOneRosterCsv(t.store, b.tenant.tenantId, await zipBufferSource(zip), { onProgress: (p) => progress.push(p) });
    expect(result.ok, JSON.stringify(result)).toBe(true);
    expect(progress.at(-1)).toMatchObject({ phase: 'done', rows: 7 });
    const strip = (list: Json[]) => list.map(({ dateLastModified: _, ...rest }) => rest);
    const left = strip(await list(a.h));
    expect(strip(await list(b.h))).toEqual(left);
    expect(left.find((s) => s.sourcedId === 'gp2')!.metadata).toEqual({ note: 'a, "b"', periodSequence: 2, gradingPeriodDescriptor: 'uri://ed-fi.org/GradingPeriodDescriptor#Second Six Weeks' });
    // Importing the export into the tenant it came from changes nothing.
    const again = await importOneRosterCsv(t.store, a.tenant.tenantId, await zipBufferSource(zip));
    expect(again.ok && again.summary.academicSessions).toMatchObject({ created: 0, updated: 0, deleted: 0, unchanged: 7 });
  });

  it('reads a directory set, and yields its records through the iterator', async () => {
    const { tenant } = await fresh();
    const dir = await mkdtemp(join(tmpdir(), 'or-csv-'));
    for (const [name, text] of Object.entries(bulkSet(tenant.schools[0]!.id))) await writeFile(join(dir, name), text);
    const kinds: string[] = [];
    for await (const r of oneRosterCsvRecords(await openCsvSource(dir))) kinds.push(r.kind === 'academicSession' ? r.session.sourcedId : r.kind);
    expect(kinds).toEqual(['gp1', 't1', 'sy']);
    const result = await importOneRosterCsv(t.store, tenant.tenantId, await openCsvSource(dir));
    expect(result.ok && result.summary.academicSessions.created).toBe(3);
  });
});
