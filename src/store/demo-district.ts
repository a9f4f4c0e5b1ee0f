// The demo district `npm start` serves: 3 schools, school years 2025 and 2026, and per school
// and year a school-year session, two semesters, four quarters and six grading periods. Two
// calendars of 2026 carry deliberate mistakes the console's calendar page shows: Cottonwood's
// second quarter starts before its first ends (an overlap), and Flint Hills' third quarter ends
// weeks before its fourth begins (a gap).
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { addDays } from '../domain/calendar-date.ts';
import type { SessionType } from '../domain/session.ts';
import type { Db } from './database.ts';
import { SessionRepository } from './session-repository.ts';
import { TenantRepository } from './tenant-repository.ts';

export const DEMO_TENANT = 'demo';

const SCHOOLS = [
  { name: 'Prairie View Elementary School', schoolId: 255901001 },
  { name: 'Cottonwood Middle School', schoolId: 255901044 },
  { name: 'Flint Hills High School', schoolId: 255901107 },
];

interface Span {
  code: string;
  name: (endYear: number) => string;
  type: SessionType;
  descriptor: string;
  /** Month-day of begin and end, and whether each falls in the school year's first calendar year. */
  begin: [string, boolean];
  end: [string, boolean];
}

const T = 'uri://ed-fi.org/TermDescriptor#';
const G = 'uri://ed-fi.org/GradingPeriodDescriptor#';

const YEAR: Span = { code: 'YR', name: (y) => `${y} School Year`, type: 'schoolYear', descriptor: `${T}Year Round`, begin: ['08-13', true], end: ['05-21', false] };
const SEMESTERS: Span[] = [
  { code: 'S1', name: (y) => `${y} First Semester`, type: 'semester', descriptor: `${T}Fall Semester`, begin: ['08-13', true], end: ['12-19', true] },
  { code: 'S2', name: (y) => `${y} Second Semester`, type: 'semester', descriptor: `${T}Spring Semester`, begin: ['01-06', false], end: ['05-21', false] },
];
const QUARTERS: Span[] = [
  { code: 'Q1', name: (y) => `${y} Quarter 1`, type: 'quarter', descriptor: `${T}First Quarter`, begin: ['08-13', true], end: ['10-10', true] },
  { code: 'Q2', name: (y) => `${y} Quarter 2`, type: 'quarter', descriptor: `${T}Second Quarter`, begin: ['10-13', true], end: ['12-19', true] },
  { code: 'Q3', name: (y) => `${y} Quarter 3`, type: 'quarter', descriptor: `${T}Third Quarter`, begin: ['01-06', false], end: ['03-13', false] },
  { code: 'Q4', name: (y) => `${y} Quarter 4`, type: 'quarter', descriptor: `${T}Fourth Quarter`, begin: ['03-23', false], end: ['05-21', false] },
];
const SIX_WEEKS = ['First', 'Second', 'Third', 'Fourth', 'Fifth', 'Sixth'];
const GRADING_PERIODS: [string, boolean, string, boolean][] = [
  ['08-13', true, '09-19', true],
  ['09-22', true, '10-31', true],
  ['11-03', true, '12-19', true],
  ['01-06', false, '02-13', false],
  ['02-16', false, '04-02', false],
  ['04-06', false, '05-21', false],
];

/** The deliberate mistakes: school → span code → replacement month-days (2026 only). */
const MISTAKES: Record<number, Record<string, Partial<Pick<Span, 'begin' | 'end'>>>> = {
  255901044: { Q2: { begin: ['10-06', true] } },
  255901107: { Q3: { end: ['02-27', false] } },
};

function day(endYear: number, [md, firstYear]: [string, boolean]): string {
  return `${firstYear ? endYear - 1 : endYear}-${md}`;
}

/** Weekdays from begin to end inclusive: the demo's instructional days. */
function weekdays(begin: string, end: string): number {
  let n = 0;
  for (let d = begin; d <= end; d = addDays(d, 1)) {
    const w = new Date(`${d}T00:00:00Z`).getUTCDay();
    if (w !== 0 && w !== 6) n++;
  }
  return n;
}

export async function demoExists(db: Db): Promise<boolean> {
  return (await new TenantRepository(db).get(DEMO_TENANT)) !== null;
}

/** Seeds the demo district unless it is already there. Returns false when it was. */
export async function seedDemoDistrict(db: Db): Promise<boolean> {
  if (await demoExists(db)) return false;
  await db.transaction().execute(async (tx) => {
    const tenants = new TenantRepository(tx);
    const sessions = new SessionRepository(tx);
    await tenants.create({ tenantId: DEMO_TENANT, name: 'Demo Unified School District 259', timeZone: 'America/Chicago', districtSchoolId: 255901 });
    for (const y of [2025, 2026]) await tenants.addSchoolYear(DEMO_TENANT, y, y === 2026);
    for (const school of SCHOOLS) {
      const org = await tenants.addSchool(DEMO_TENANT, school);
      for (const endYear of [2025, 2026]) {
        const make = async (planned: Span, parentId: string | null) => {
          const span = endYear === 2026 ? { ...planned, ...MISTAKES[school.schoolId]?.[planned.code] } : planned;
          const beginDate = day(endYear, span.begin);
          const endDate = day(endYear, span.end);
          return sessions.insert(DEMO_TENANT, {
            schoolOrgId: org.id,
            schoolYear: endYear,
            name: span.name(endYear),
            type: span.type,
            beginDate,
            endDate,
            parentId,
            termDescriptor: span.descriptor,
            gradingPeriodDescriptor: null,
            periodSequence: null,
            totalInstructionalDays: weekdays(beginDate, endDate),
            identifiers: { sis: `${school.schoolId}-${endYear}-${span.code}` },
          });
        };
        const year = await make(YEAR, null);
        const semesters = [await make(SEMESTERS[0]!, year.id), await make(SEMESTERS[1]!, year.id)];
        const quarters = [];
        for (const [i, q] of QUARTERS.entries()) quarters.push(await make(q, semesters[i < 2 ? 0 : 1]!.id));
        const all = [year, ...semesters, ...quarters];
        const links = new Map<string, string[]>();
        for (const [i, [b, bf, e, ef]] of GRADING_PERIODS.entries()) {
          const beginDate = day(endYear, [b, bf]);
          const endDate = day(endYear, [e, ef]);
          const gp = await sessions.insert(DEMO_TENANT, {
            schoolOrgId: org.id,
            schoolYear: endYear,
            name: `${endYear - 1}-${endYear} ${SIX_WEEKS[i]} Six Weeks`,
            type: 'gradingPeriod',
            beginDate,
            endDate,
            parentId: semesters[i < 3 ? 0 : 1]!.id,
            termDescriptor: null,
            gradingPeriodDescriptor: `${G}${SIX_WEEKS[i]} Six Weeks`,
            periodSequence: i + 1,
            totalInstructionalDays: weekdays(beginDate, endDate),
          });
          // As the Kansas rule has it: a session lists every grading period that ends inside it.
          for (const s of all)
            if (s.beginDate! <= endDate && endDate <= s.endDate!) links.set(s.id, [...(links.get(s.id) ?? []), gp.id]);
        }
        for (const [sessionId, gps] of links) await sessions.setGradingPeriods(DEMO_TENANT, sessionId, gps);
        for (const [i, s] of semesters.entries())
          for (const subject of ['Algebra I', 'English 9'])
            await sql`INSERT INTO course_sections (tenant_id, id, session_id, name) VALUES (${DEMO_TENANT}, ${randomUUID()}, ${s.id}, ${`${subject} — Section ${i + 1}`})`.execute(tx);
      }
    }
  });
  return true;
}
