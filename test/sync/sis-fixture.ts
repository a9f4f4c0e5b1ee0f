// A small Kansas district in SIS shape, and builders for the variations each rule test needs.
import type { SisDataset, SisTerm } from '../../src/sync/sis-model.ts';
import { addDays } from '../../src/domain/calendar-date.ts';

export const FALL = 'uri://ed-fi.org/TermDescriptor#Fall Semester';
export const SPRING = 'uri://ed-fi.org/TermDescriptor#Spring Semester';
export const Q1 = 'uri://ed-fi.org/TermDescriptor#First Quarter';
export const YEAR = 'uri://ed-fi.org/TermDescriptor#Year Round';
export const SIX_WEEKS_1 = 'uri://ed-fi.org/GradingPeriodDescriptor#First Six Weeks';
export const SIX_WEEKS_2 = 'uri://ed-fi.org/GradingPeriodDescriptor#Second Six Weeks';

/** Every weekday from begin to end (inclusive) is an instructional day of the calendar. */
export function weekdays(calendarId: string, begin: string, end: string) {
  const out: SisDataset['calendarDays'] = [];
  for (let d = begin; d <= end; d = addDays(d, 1)) {
    const dow = new Date(`${d}T00:00:00Z`).getUTCDay();
    out.push({ calendarId, date: d, instructional: dow !== 0 && dow !== 6 });
  }
  return out;
}

export function term(termId: string, calendarId: string, termTypeCode: string | null, startDate: string | null, endDate: string | null, scheduleStructure = 'main'): SisTerm {
  return { termId, calendarId, scheduleStructure, name: termId, termTypeCode, startDate, endDate };
}

/** Grand Bend High, 2026 (2025-2026), one calendar, two semesters, two six-week periods. */
export function kansasDistrict(): SisDataset {
  return {
    schools: [
      { schoolId: 255901001, name: 'Grand Bend High School', exclude: false },
      { schoolId: 255901107, name: 'Grand Bend Elementary School', exclude: false },
    ],
    calendars: [
      { calendarId: 'hs-2026', schoolId: 255901001, schoolYear: 2026, name: 'High School 25-26', exclude: false },
      { calendarId: 'el-2026', schoolId: 255901107, schoolYear: 2026, name: 'Elementary 25-26', exclude: false },
    ],
    terms: [
      term('hs-s1', 'hs-2026', 'S1', '2025-08-20', '2025-12-19'),
      term('hs-s2', 'hs-2026', 'S2', '2026-01-05', '2026-05-22'),
      term('el-yr', 'el-2026', 'YR', '2025-08-20', '2026-05-22'),
    ],
    calendarDays: [...weekdays('hs-2026', '2025-08-20', '2026-05-22'), ...weekdays('el-2026', '2025-08-20', '2026-05-22')],
    courseSections: [],
    gradingPeriods: [
      { gradingPeriodId: 'gp1', schoolId: 255901001, schoolYear: 2026, name: 'First Six Weeks', descriptor: SIX_WEEKS_1, periodSequence: 1, beginDate: '2025-08-20', endDate: '2025-10-03' },
      { gradingPeriodId: 'gp2', schoolId: 255901001, schoolYear: 2026, name: 'Second Six Weeks', descriptor: SIX_WEEKS_2, periodSequence: 2, beginDate: '2025-10-06', endDate: '2025-11-14' },
    ],
    termTypeMappings: [
      { schoolYear: 2026, termTypeCode: 'S1', termDescriptor: FALL },
      { schoolYear: 2026, termTypeCode: 'S2', termDescriptor: SPRING },
      { schoolYear: 2026, termTypeCode: 'Q1', termDescriptor: Q1 },
      { schoolYear: 2026, termTypeCode: 'YR', termDescriptor: YEAR },
    ],
    syncYears: [{ schoolYear: 2026, stateCode: 'KS', sessionsEnabled: true }],
  };
}
