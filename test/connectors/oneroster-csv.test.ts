import { createWriteStream, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportOneRosterCsv } from '../../src/dialects/oneroster/csv/export.ts';
import { CsvSetError } from '../../src/connectors/oneroster-csv.ts';
import { SessionRepository, type SessionWithSeq } from '../../src/store/session-repository.ts';
import { createTenant, drivers, startApp, type TestApp } from '../harness.ts';
import { addConnection, pull, sessionsFingerprint } from './pull-harness.ts';
import { manifest, SESSION_HEADER, zipOf } from '../dialects/oneroster/csv-zip.ts';
import { flipDataByte, setSizes } from '../dialects/oneroster/zip-surgery.ts';

describe.each(drivers())('OneRoster CSV connector on %s', (driver) => {
  let source: TestApp;
  let target: TestApp;
  let dir: string;
  beforeAll(async () => {
    source = await startApp(driver);
    target = await startApp(driver);
    dir = mkdtempSync(join(tmpdir(), 'termbridge-csv-'));
  });
  afterAll(async () => {
    await source.close();
    await target.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Another termbridge's OneRoster CSV export of its district: the file a SIS would drop. */
  async function exportTo(tenantId: string, name: string): Promise<string> {
    const path = join(dir, name);
    await exportOneRosterCsv(source.store, tenantId, createWriteStream(path));
    return path;
  }

  it('imports an exported set (schools included), writes nothing on the same set, and applies a later bulk set', async () => {
    const src = await createTenant(source, { schools: 2 });
    const repo = new SessionRepository(source.store.db);
    const made: SessionWithSeq[] = [];
    for (let i = 0; i < 7; i++)
      made.push(
        await repo.insert(src.tenantId, {
          schoolOrgId: src.schools[i % 2]!.id, schoolYear: 2026, name: `Term ${i}`, type: i === 0 ? 'schoolYear' : 'trimester',
          beginDate: '2025-08-13', endDate: '2026-05-29', parentId: null, termDescriptor: null, gradingPeriodDescriptor: null, periodSequence: null, totalInstructionalDays: 60,
        }),
      );
    const tgt = await createTenant(target, { schools: 0 });
    const id = `csv-${tgt.tenantId}`;
    const path = await exportTo(src.tenantId, 'first.zip');
    await addConnection(target, { tenantId: tgt.tenantId, id, kind: 'oneroster-csv', url: path });
    const first = await pull(target, tgt.tenantId, id);
    expect(first.summary).toMatchObject({ created: 7, updated: 0, deleted: 0, failed: 0, schoolsCreated: 2 });
    const local = new SessionRepository(target.store.db);
    const t3 = (await local.getByIdentifier(tgt.tenantId, `oneroster@${id}`, made[3]!.id))!;
    expect(t3).toMatchObject({ name: 'Term 3', type: 'trimester', endDate: '2026-05-29', schoolId: src.schools[1]!.schoolId });

    const before = await sessionsFingerprint(target, tgt.tenantId);
    const again = await pull(target, tgt.tenantId, id);
    expect(again.summary).toMatchObject({ created: 0, updated: 0, deleted: 0, unchanged: 7, failed: 0 });
    expect(await sessionsFingerprint(target, tgt.tenantId)).toBe(before);

    const base = (t: (typeof made)[number]) => ({ ...t, identifiers: undefined, properties: undefined });
    await repo.update(src.tenantId, made[3]!.id, { ...base(made[3]!), name: 'Winter' });
    await repo.markDeleted(src.tenantId, made[4]!.id);
    const later = await exportTo(src.tenantId, 'later.zip');
    await target.store.db.updateTable('connections').set({ url: later }).where('id', '=', id).execute();
    const third = await pull(target, tgt.tenantId, id);
    expect(third.summary).toMatchObject({ created: 0, updated: 1, deleted: 1, failed: 0 });
    expect((await local.get(tgt.tenantId, t3.id))!.name).toBe('Winter');
    expect((await local.getByIdentifier(tgt.tenantId, `oneroster@${id}`, made[4]!.id))!.status).toBe('deleted');
  });

  it('refuses a set with a bad row, naming file, line and column, and changes nothing', async () => {
    const tgt = await createTenant(target, { schools: 0 });
    const set = join(dir, `bad-${tgt.tenantId}`);
    mkdirSync(set);
    writeFileSync(join(set, 'manifest.csv'), 'propertyName,value\nmanifest.version,1.0\noneroster.version,1.2\nfile.academicSessions,bulk\nfile.orgs,absent\n');
    writeFileSync(
      join(set, 'academicSessions.csv'),
      'sourcedId,status,dateLastModified,title,type,startDate,endDate,parentSourcedId,schoolYear\n' +
        'a1,,,Fall,semester,2025-08-13,2025-12-20,,2026\n' +
        'a2,,,Spring,semester,2026-13-01,2026-05-30,,2026\n',
    );
    const id = `csv-${tgt.tenantId}`;
    await addConnection(target, { tenantId: tgt.tenantId, id, kind: 'oneroster-csv', url: set });
    const before = await sessionsFingerprint(target, tgt.tenantId);
    const err = (await pull(target, tgt.tenantId, id).catch((e: unknown) => e)) as Error;
    expect(err).toBeInstanceOf(CsvSetError);
    expect(err.message).toMatch(/academicSessions\.csv line 3 startDate/);
    expect(await sessionsFingerprint(target, tgt.tenantId)).toBe(before);
  });

  it('refuses a damaged or lying zip and a file that is not a zip, naming the file, and changes nothing', async () => {
    const tgt = await createTenant(target, { schools: 0 });
    const rows = Array.from({ length: 100 }, (_, i) => `s${i},,,Term ${i},term,2025-08-13,2025-12-20,,2026`).join('\n');
    const good = await zipOf({ 'manifest.csv': manifest({ academicSessions: 'bulk' }), 'academicSessions.csv': `${SESSION_HEADER}\n${rows}\n` });
    const cases: [string, Buffer, RegExp][] = [
      ['flipped.zip', flipDataByte(good, 'academicSessions.csv', 2, 0xff), /academicSessions\.csv line \d+: the compressed data is damaged/],
      ['lying.zip', setSizes(good, 'academicSessions.csv', { uncompressed: 100 }), /academicSessions\.csv line \d+: holds more than the 100 bytes its header declares/],
      ['not-a.zip', Buffer.from('sourcedId,status\n'), /not-a\.zip is not a readable zip file/],
    ];
    const before = await sessionsFingerprint(target, tgt.tenantId);
    for (const [name, bytes, message] of cases) {
      const path = join(dir, `${tgt.tenantId}-${name}`);
      writeFileSync(path, bytes);
      const id = `csv-${name}-${tgt.tenantId}`;
      await addConnection(target, { tenantId: tgt.tenantId, id, kind: 'oneroster-csv', url: path });
      const err = (await pull(target, tgt.tenantId, id).catch((e: unknown) => e)) as Error;
      expect(err, name).toBeInstanceOf(CsvSetError);
      expect(err.message).toMatch(message);
    }
    expect(await sessionsFingerprint(target, tgt.tenantId)).toBe(before);
  });
});
