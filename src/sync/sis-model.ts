// The SIS side of the sync: what a district's student information system holds about its
// calendar, in the shape the derivation reads. Dates are `YYYY-MM-DD`; a school year is the
// year it ends (2026 for 2025–2026), as Ed-Fi counts it.

export interface SisSchool {
  schoolId: number;
  name: string;
  /** School Exclude: nothing from this school reports to Ed-Fi. */
  exclude: boolean;
}

export interface SisCalendar {
  calendarId: string;
  schoolId: number;
  /** End year of the school year the calendar is aligned to (its scope year). */
  schoolYear: number;
  name: string;
  /** Calendar Exclude check box. */
  exclude: boolean;
}

export interface SisTerm {
  termId: string;
  calendarId: string;
  /** Schedule structure the term belongs to; several structures may share a calendar. */
  scheduleStructure: string;
  name: string;
  /** Term type code (Q1, S1, T2, SM, YR …); null when none is selected. */
  termTypeCode: string | null;
  startDate: string | null;
  endDate: string | null;
}

export interface SisCalendarDay {
  calendarId: string;
  date: string;
  instructional: boolean;
}

export interface SisCourseSection {
  courseId: string;
  sectionId: string;
  /** The section's placement: its term (and through it, calendar and dates). */
  termId: string;
  /** Course marked Active; an inactive course reports nothing from its override. */
  active: boolean;
  /** Course or section marked Exclude. */
  exclude: boolean;
  /** Term Descriptor Override selected on the course (a term type code). */
  courseTermTypeOverride: string | null;
  /** Term Descriptor Override selected on the section; wins over the course's. */
  sectionTermTypeOverride: string | null;
}

export interface SisGradingPeriod {
  gradingPeriodId: string;
  schoolId: number;
  schoolYear: number;
  name: string;
  /** GradingPeriodDescriptor URI. */
  descriptor: string;
  periodSequence: number | null;
  beginDate: string;
  endDate: string;
}

/** Resource Preferences: a term type code maps to an Ed-Fi TermDescriptor, per scope year. */
export interface SisTermTypeMapping {
  schoolYear: number;
  termTypeCode: string;
  /** TermDescriptor URI; null means the type is deliberately not reported. */
  termDescriptor: string | null;
}

/** A scope year with a valid configuration: its state's rules and the Sessions resource toggle. */
export interface SisSyncYear {
  schoolYear: number;
  stateCode: string;
  sessionsEnabled: boolean;
}

export interface SisDataset {
  schools: SisSchool[];
  calendars: SisCalendar[];
  terms: SisTerm[];
  calendarDays: SisCalendarDay[];
  courseSections: SisCourseSection[];
  gradingPeriods: SisGradingPeriod[];
  termTypeMappings: SisTermTypeMapping[];
  syncYears: SisSyncYear[];
}

export const SIS_TABLES = [
  'schools',
  'calendars',
  'terms',
  'calendarDays',
  'courseSections',
  'gradingPeriods',
  'termTypeMappings',
  'syncYears',
] as const;
export type SisTable = (typeof SIS_TABLES)[number];

export function emptyDataset(): SisDataset {
  return {
    schools: [],
    calendars: [],
    terms: [],
    calendarDays: [],
    courseSections: [],
    gradingPeriods: [],
    termTypeMappings: [],
    syncYears: [],
  };
}
