// What `serve --demo` adds so every console page has something to show: the demo district's
// SIS (Kansas rules, school year 2026, with one term whose end date was never entered), and a
// second tenant on the same server acting as the state's Ed-Fi ODS, which the district syncs to.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConnectionRepository } from '../connectors/connection-repository.ts';
import { addDays } from '../domain/calendar-date.ts';
import { ClientRepository } from '../auth/client-repository.ts';
import type { Db } from '../store/database.ts';
import { TenantRepository } from '../store/tenant-repository.ts';
import type { SisDataset } from '../sync/sis-model.ts';
import { SisRepository } from '../sync/sis-repository.ts';
import { setTarget } from '../sync/target-repository.ts';

export const DEMO_STATE_TENANT = 'ksde';
export const DEMO_STATE_CLIENT = 'ksde-sync';
/** The term the demo's SIS has no end date for: its session lands in the error log. */
export const DEMO_BROKEN_TERM = 'cms-2026-q4';

const SCHOOLS = [
  { schoolId: 255901001, name: 'Prairie View Elementary School', code: 'pve' },
  { schoolId: 255901044, name: 'Cottonwood Middle School', code: 'cms' },
  { schoolId: 255901107, name: 'Flint Hills High School', code: 'fhh' },
];

const T = 'uri://ed-fi.org/TermDescriptor#';
const G = 'uri://ed-fi.org/GradingPeriodDescriptor#';

const TERMS: [code: string, name: string, begin: string, end: string][] = [
  ['YR', 'School Year', '2025-08-13', '2026-05-21'],
  ['S1', 'Fall Semester', '2025-08-13', '2025-12-19'],
  ['S2', 'Spring Semester', '2026-01-06', '2026-05-21'],
  ['Q1', 'Quarter 1', '2025-08-13', '2025-10-10'],
  ['Q2', 'Quarter 2', '2025-10-13', '2025-12-19'],
  ['Q3', 'Quarter 3', '2026-01-06', '2026-03-13'],
  ['Q4', 'Quarter 4', '2026-03-23', '2026-05-21'],
];

const PERIODS: [name: string, begin: string, end: string][] = [
  ['First Six Weeks', '2025-08-13', '2025-09-19'],
  ['Second Six Weeks', '2025-09-22', '2025-10-31'],
  ['Third Six Weeks', '2025-11-03', '2025-12-19'],
  ['Fourth Six Weeks', '2026-01-06', '2026-02-13'],
  ['Fifth Six Weeks', '2026-02-16', '2026-04-02'],
  ['Sixth Six Weeks', '2026-04-06', '2026-05-21'],
];

/** The demo district's SIS for 2025–2026: every school on Kansas's term types. */
export function demoSisDataset(): SisDataset {
  const data: SisDataset = {
    schools: SCHOOLS.map((s) => ({ schoolId: s.schoolId, name: s.name, exclude: false })),
    calendars: SCHOOLS.map((s) => ({ calendarId: `${s.code}-2026`, schoolId: s.schoolId, schoolYear: 2026, name: `${s.name} 2025-26`, exclude: false })),
    terms: [],
    calendarDays: [],
    courseSections: [],
    gradingPeriods: [],
    termTypeMappings: [
      ['YR', 'Year Round'],
      ['S1', 'Fall Semester'],
      ['S2', 'Spring Semester'],
      ['Q1', 'First Quarter'],
      ['Q2', 'Second Quarter'],
      ['Q3', 'Third Quarter'],
      ['Q4', 'Fourth Quarter'],
    ].map(([code, d]) => ({ schoolYear: 2026, termTypeCode: code!, termDescriptor: `${T}${d}` })),
    syncYears: [{ schoolYear: 2026, stateCode: 'KS', sessionsEnabled: true }],
  };
  for (const s of SCHOOLS) {
    const calendarId = `${s.code}-2026`;
    for (const [code, name, begin, end] of TERMS) {
      const termId = `${s.code}-2026-${code.toLowerCase()}`;
      data.terms.push({ termId, calendarId, scheduleStructure: 'main', name, termTypeCode: code, startDate: begin, endDate: termId === DEMO_BROKEN_TERM ? null : end });
    }
    for (let d = '2025-08-13'; d <= '2026-05-21'; d = addDays(d, 1)) {
      const dow = new Date(`${d}T00:00:00Z`).getUTCDay();
      data.calendarDays.push({ calendarId, date: d, instructional: dow !== 0 && dow !== 6 });
    }
    PERIODS.forEach(([name, begin, end], i) =>
      data.gradingPeriods.push({ gradingPeriodId: `${s.code}-2026-gp${i + 1}`, schoolId: s.schoolId, schoolYear: 2026, name, descriptor: `${G}${name}`, periodSequence: i + 1, beginDate: begin, endDate: end }),
    );
  }
  return data;
}

/** Loads the SIS and creates the state's ODS tenant, unless they are there. */
export async function seedDemoSync(db: Db, districtTenant: string): Promise<void> {
  const tenants = new TenantRepository(db);
  if (!(await tenants.get(DEMO_STATE_TENANT))) {
    await db.transaction().execute(async (tx) => {
      const t = new TenantRepository(tx);
      await t.create({ tenantId: DEMO_STATE_TENANT, name: 'Kansas State Department of Education (demo Ed-Fi ODS)', timeZone: 'America/Chicago' });
      await t.addSchoolYear(DEMO_STATE_TENANT, 2026, true);
      for (const s of SCHOOLS) await t.addSchool(DEMO_STATE_TENANT, { name: s.name, schoolId: s.schoolId });
    });
  }
  const sis = new SisRepository(db);
  if ((await sis.schools(districtTenant)).length === 0) {
    const saved = await sis.save(districtTenant, demoSisDataset());
    if (saved.problems.length) throw new Error(`the demo SIS did not load: ${saved.problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`);
  }
}

/**
 * Points the district's sync at the state tenant on this very server, with a fresh secret for the
 * state's sync client (the server's port may differ from the last run).
 */
export async function connectDemoTarget(db: Db, districtTenant: string, baseUrl: string): Promise<void> {
  const clients = new ClientRepository(db);
  const existing = await clients.get(DEMO_STATE_CLIENT);
  let secret: string | null;
  if (!existing) secret = (await clients.create(DEMO_STATE_TENANT, 'District sync (demo)', ['edfi:read', 'edfi:write'], DEMO_STATE_CLIENT)).secret;
  else secret = await clients.rotateSecret(DEMO_STATE_CLIENT);
  if (!secret) return; // an operator revoked it: leave the demo's sync without a target
  await setTarget(db, districtTenant, { baseUrl, key: DEMO_STATE_CLIENT, secret });
}

/**
 * The demo's connection: a OneRoster CSV set (what a summer-school provider would drop) adding a
 * summer term to each school — which runs past the school year's last day, so the calendars show
 * a term outside its school year. Written afresh at each start; the connection is added once.
 */
export async function seedDemoConnection(db: Db, districtTenant: string, folder: string): Promise<void> {
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, 'manifest.csv'), 'propertyName,value\nmanifest.version,1.0\noneroster.version,1.2\nfile.academicSessions,bulk\nfile.orgs,bulk\n');
  writeFileSync(join(folder, 'orgs.csv'), ['sourcedId,status,dateLastModified,name,type,identifier,parentSourcedId', ...SCHOOLS.map((s) => `org-${s.schoolId},,,${s.name},school,${s.schoolId},`)].join('\n') + '\n');
  writeFileSync(
    join(folder, 'academicSessions.csv'),
    [
      'sourcedId,status,dateLastModified,title,type,startDate,endDate,parentSourcedId,schoolYear,metadata.orgSourcedId',
      ...SCHOOLS.map((s) => `summer-2026-${s.code},,,2026 Summer School,term,2026-06-01,2026-07-10,,2026,org-${s.schoolId}`),
    ].join('\n') + '\n',
  );
  const connections = new ConnectionRepository(db);
  if (!(await connections.get(districtTenant, DEMO_CONNECTION))) await connections.add({ tenantId: districtTenant, id: DEMO_CONNECTION, kind: 'oneroster-csv', url: folder }, null);
}

export const DEMO_CONNECTION = 'summer-school';
