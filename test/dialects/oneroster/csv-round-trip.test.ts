// The CSV binding's promises about whole sets: an export always re-imports (an empty calendar
// included), the district's name travels both ways, and a rejected file lists every problem —
// bad rows and what is wrong with the set — at once.
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { zipBufferSource } from '../../../src/dialects/oneroster/csv/csv-source.ts';
import { exportOneRosterCsv } from '../../../src/dialects/oneroster/csv/export.ts';
import { createTenant, drivers, startApp, type TestApp, type TestTenant } from '../../harness.ts';
import { ALL_SCOPES, P, put } from './fixtures.ts';
import { manifest, SESSION_HEADER, zipOf } from './csv-zip.ts';

type Json = Record<string, any>;
const CSV = '/ims/oneroster/v1p2/csv';
const ORG_HEADER = 'sourcedId,status,dateLastModified,name,type,identifier,parentSourcedId';

async function exported(t: TestApp, tenantId: string): Promise<Buffer> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  await exportOneRosterCsv(t.store, tenantId, out);
  return Buffer.concat(chunks);
}

/** The zip's files as text. */
async function filesOf(zip: Buffer): Promise<Record<string, string>> {
  const source = await zipBufferSource(zip);
  const files: Record<string, string> = {};
  try {
    for (const name of source.names) {
      const chunks: Buffer[] = [];
      for await (const c of await source.open(name)) chunks.push(c as Buffer);
      files[name] = Buffer.concat(chunks).toString('utf8');
    }
  } finally {
    await source.close();
  }
  return files;
}

describe.each(drivers())('OneRoster CSV sets on %s', (driver) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp(driver);
  });
  afterAll(() => t?.close());

  async function fresh(options: Parameters<typeof createTenant>[1] = {}): Promise<{ tenant: TestTenant; h: Record<string, string> }> {
    const tenant = await createTenant(t, options);
    return { tenant, h: await tenant.auth(ALL_SCOPES) };
  }
  const upload = (h: Record<string, string>, body: Buffer) => t.app.inject({ method: 'POST', url: CSV, headers: { ...h, 'content-type': 'application/zip' }, payload: body });

  it('exports a tenant without active sessions as a set that re-imports (academicSessions absent)', async () => {
    const empty = await fresh();
    const withDeleted = await fresh();
    expect((await put(t, withDeleted.h, 'gone', { title: 'Gone', type: 'term', startDate: '2025-08-15', endDate: '2025-12-20', schoolYear: '2026' })).statusCode).toBe(201);
    expect((await t.app.inject({ method: 'DELETE', url: `${P}/academicSessions/gone`, headers: withDeleted.h })).statusCode).toBe(204);
    for (const source of [empty, withDeleted]) {
      const zip = await exported(t, source.tenant.tenantId);
      const files = await filesOf(zip);
      expect(files['manifest.csv']).toContain('file.academicSessions,absent');
      expect(Object.keys(files).sort()).toEqual(['manifest.csv', 'orgs.csv']);
      for (const target of [source, await fresh()]) {
        const r = await upload(target.h, zip);
        expect(r.statusCode, r.body).toBe(200);
        expect(r.json().modes).toEqual({ academicSessions: 'absent', orgs: 'bulk' });
      }
    }
  });

  it('keeps the district name from orgs.csv and exports it back', async () => {
    const { tenant, h } = await fresh({ name: 'Old Name' });
    const set = (district: string) =>
      zipOf({
        'manifest.csv': manifest({ academicSessions: 'absent', orgs: 'bulk' }),
        'orgs.csv': `${ORG_HEADER}\nD1,,,${district},district,,\nS-9,,,North High,school,255901998,D1\n`,
      });
    const r = await upload(h, await set('Flint Hills USD 490'));
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json().orgs).toEqual({ created: 1, updated: 1, skipped: 0 });
    const org = await t.app.inject({ url: `${P}/orgs/D1`, headers: h });
    expect(org.json().org).toMatchObject({ sourcedId: 'D1', type: 'district', name: 'Flint Hills USD 490' });
    const files = await filesOf(await exported(t, tenant.tenantId));
    expect(files['orgs.csv']!.split('\r\n')).toContain('D1,,,Flint Hills USD 490,district,,');
    // Unchanged on a second import; a rename is one update.
    expect((await upload(h, await set('Flint Hills USD 490'))).json().orgs).toEqual({ created: 0, updated: 0, skipped: 0 });
    expect((await upload(h, await set('Flint Hills'))).json().orgs).toEqual({ created: 0, updated: 1, skipped: 0 });
    expect((await t.app.inject({ url: `${P}/orgs/${tenant.districtId}`, headers: h })).json().org.name).toBe('Flint Hills');
  });

  it('lists bad rows and the set’s problems together, and nothing caused only by a bad row', async () => {
    const { tenant, h } = await fresh();
    const school = tenant.schools[0]!.id;
    const rows = [
      /* 2 */ `sy,,,SY,schoolYear,2025-08-01,2026-07-01,,2026,${school}`,
      /* 3 */ `bad,,,Bad,trimesterish,2025-08-01,2025-12-01,sy,2026,${school}`,
      /* 4 */ `child-of-bad,,,Child,term,2025-08-01,2025-09-01,bad,2026,${school}`,
      /* 5 */ `orphan,,,Orphan,term,2025-08-01,2025-09-01,nope,2026,${school}`,
      /* 6 */ `late,,,Late,term,2026-06-01,2026-07-15,sy,2026,${school}`,
      /* 7 */ `worse,,,Worse,term,2025-08-01,2025-08-01,sy,2026,${school}`,
    ];
    const r = await upload(h, await zipOf({ 'manifest.csv': manifest({ academicSessions: 'bulk' }), 'academicSessions.csv': `${SESSION_HEADER},metadata.orgSourcedId\n${rows.join('\n')}\n` }));
    expect(r.statusCode).toBe(400);
    const problems = r.json().problems as Json[];
    expect(problems.map((p) => [p.line, p.column]).sort()).toEqual(
      [
        [3, 'type'],
        [5, 'parentSourcedId'],
        [6, 'endDate'],
        [7, 'endDate'],
      ].sort(),
    );
    expect(problems.find((p) => p.line === 5)!.reason).toContain("no academic session has sourcedId 'nope'");
    expect(problems.find((p) => p.line === 6)!.reason).toContain("is after the endDate 2026-07-01 of its parent 'sy'");
    expect(r.json().imsx_description).toContain('4 problem(s)');
    expect((await t.app.inject({ url: `${P}/academicSessions`, headers: h })).json().academicSessions).toEqual([]);
  });
});
