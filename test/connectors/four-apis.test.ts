// The issue's "done when" for the connectors that read another system speaking a standard: a pull
// through each of Ed-Fi, OneRoster 1.2 REST, Canvas and a OneRoster 1.2 CSV set shows the pulled
// sessions through all four of termbridge's APIs (Ed-Fi, OneRoster, Canvas, Edlink). One app per
// driver is both the source (one tenant, listening on loopback) and the target (a tenant per pull).
// The native connectors and the OneRoster 1.1 profiles are read back the same way in their own
// tests (native/native-connectors.test.ts, oneroster11.test.ts).
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClientRepository } from '../../src/auth/client-repository.ts';
import type { ConnectorKind } from '../../src/connectors/connection-repository.ts';
import { ALL_CANVAS_SCOPES } from '../../src/dialects/canvas/scopes.ts';
import { exportOneRosterCsv } from '../../src/dialects/oneroster/csv/export.ts';
import { ROSTER_CORE_READONLY, ROSTER_READONLY } from '../../src/dialects/oneroster/scopes.ts';
import { SessionRepository } from '../../src/store/session-repository.ts';
import { createTenant, drivers, type TestTenant } from '../harness.ts';
import { addConnection, pull } from './pull-harness.ts';
import { expectEveryApiShows } from './read-back.ts';
import { sourceClient, startSourceApp, type SourceApp } from './source-app.ts';

const NAMES = ['Fall Semester', 'Spring Semester', 'Quarter 3'];

describe.each(drivers())('a pull from each standard source reads back through Ed-Fi, OneRoster, Canvas and Edlink on %s', (driver) => {
  let app: SourceApp;
  let src: TestTenant;
  let dir: string;
  beforeAll(async () => {
    app = await startSourceApp(driver);
    dir = mkdtempSync(join(tmpdir(), 'four-apis-'));
    src = await createTenant(app, { schools: 1 });
    const repo = new SessionRepository(app.store.db);
    const dates = [
      ['2025-08-13', '2025-12-19'],
      ['2026-01-06', '2026-05-29'],
      ['2026-01-06', '2026-03-13'],
    ] as const;
    for (const [i, name] of NAMES.entries())
      await repo.insert(src.tenantId, {
        schoolOrgId: src.schools[0]!.id,
        schoolYear: 2026,
        name,
        type: name.startsWith('Quarter') ? 'quarter' : 'semester',
        beginDate: dates[i]![0],
        endDate: dates[i]![1],
        parentId: null,
        termDescriptor: name.startsWith('Quarter') ? 'uri://ed-fi.org/TermDescriptor#Third Quarter' : `uri://ed-fi.org/TermDescriptor#${name}`,
        gradingPeriodDescriptor: null,
        periodSequence: null,
        totalInstructionalDays: 80,
      });
  });
  afterAll(async () => {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const sources: Record<string, () => Promise<{ kind: ConnectorKind; url: string; clientId?: string; secret?: string }>> = {
    edfi: async () => ({ kind: 'edfi', url: `${app.url}/data/v3`, ...(await sourceClient(app, src.tenantId, ['edfi:read'])) }),
    'oneroster-rest': async () => ({ kind: 'oneroster-rest', url: app.url, ...(await sourceClient(app, src.tenantId, [ROSTER_READONLY, ROSTER_CORE_READONLY])) }),
    canvas: async () => {
      const clients = new ClientRepository(app.store.db);
      const { client } = await clients.create(src.tenantId, 'lms connector', ALL_CANVAS_SCOPES);
      return { kind: 'canvas', url: app.url, secret: (await clients.issueToken(client, ALL_CANVAS_SCOPES)).token };
    },
    'oneroster-csv': async () => {
      const path = join(dir, `${driver}.zip`);
      const out = createWriteStream(path);
      await exportOneRosterCsv(app.store, src.tenantId, out);
      if (!out.closed) await finished(out);
      return { kind: 'oneroster-csv', url: path };
    },
  };

  it.each(Object.keys(sources))('%s', async (name) => {
    const source = await sources[name]!();
    // Ed-Fi brings its schools and a CSV set names its orgs (the source's school, by its schoolId);
    // an API without schools (Canvas) or a district-level session goes to the target's school (--school).
    const tgt = await createTenant(app, { schools: source.kind === 'edfi' || source.kind === 'oneroster-csv' ? 0 : 1 });
    const school = tgt.schools[0]?.schoolId ?? src.schools[0]!.schoolId!;
    const id = `${name}-${tgt.tenantId}`;
    await addConnection(app, {
      tenantId: tgt.tenantId,
      id,
      kind: source.kind,
      url: source.url,
      clientId: source.clientId ?? null,
      secret: source.secret ?? null,
      settings: tgt.schools.length === 0 ? {} : { school: school! },
    });
    const first = await pull(app, tgt.tenantId, id, { pageSize: 2 });
    expect(first.summary).toMatchObject({ created: expect.any(Number), failed: 0 });
    expect(first.summary.created).toBeGreaterThanOrEqual(NAMES.length);
    await expectEveryApiShows(app, tgt, NAMES, school);
  });
});
