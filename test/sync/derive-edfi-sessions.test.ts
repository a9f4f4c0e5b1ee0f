// One named test per Kansas Sessions rule of the seed (002), on the pure derivation.
import { describe, expect, it } from 'vitest';
import { deriveEdfiSessions } from '../../src/sync/derive/derive-edfi-sessions.ts';
import type { DerivedRecord } from '../../src/sync/derive/edfi-record.ts';
import { loadStateRuleBook } from '../../src/sync/state-rule-book.ts';
import type { StateRules } from '../../src/sync/derive/state-rules.ts';
import type { SisDataset } from '../../src/sync/sis-model.ts';
import { FALL, kansasDistrict, Q1, SIX_WEEKS_1, term, weekdays } from './sis-fixture.ts';

const book = loadStateRuleBook();
const derive = (sis: SisDataset) => deriveEdfiSessions(sis, book);
const sessions = (sis: SisDataset): DerivedRecord[] => derive(sis).records.filter((r) => r.resource === 'sessions');
const byName = (sis: SisDataset, name: string) => sessions(sis).find((r) => r.naturalKey.sessionName === name);

describe('sessions: one per school, school year and term type', () => {
  it('reports the seed example: a semester per term type with schoolReference, schoolYearTypeReference and the mapped descriptor', () => {
    const s1 = byName(kansasDistrict(), '2026 First Semester')!;
    expect(s1.naturalKey).toEqual({ schoolId: 255901001, schoolYear: 2026, sessionName: '2026 First Semester' });
    expect(s1.body).toMatchObject({
      sessionName: '2026 First Semester',
      schoolReference: { schoolId: 255901001 },
      schoolYearTypeReference: { schoolYear: 2026 },
      beginDate: '2025-08-20',
      endDate: '2025-12-19',
      termDescriptor: FALL,
    });
    expect(s1.sources).toEqual(['Term:hs-s1']);
    expect(sessions(kansasDistrict()).map((s) => s.naturalKey.sessionName).sort()).toEqual([
      '2026 First Semester',
      '2026 School Year',
      '2026 Second Semester',
    ]);
  });

  it('groups terms with the same term type across calendars and schedule structures: earliest start, latest end', () => {
    const sis = kansasDistrict();
    sis.calendars.push({ calendarId: 'hs-2026-b', schoolId: 255901001, schoolYear: 2026, name: 'HS alt', exclude: false });
    sis.terms.push(term('hs-s1-b', 'hs-2026-b', 'S1', '2025-08-18', '2025-12-12'));
    sis.terms.push(term('hs-s1-c', 'hs-2026', 'S1', '2025-08-25', '2025-12-23', 'block'));
    const s1 = sessions(sis).filter((s) => s.body.termDescriptor === FALL);
    expect(s1).toHaveLength(1);
    expect(s1[0]!.body).toMatchObject({ beginDate: '2025-08-18', endDate: '2025-12-23' });
    expect(s1[0]!.sources).toEqual(['Term:hs-s1', 'Term:hs-s1-b', 'Term:hs-s1-c']);
  });

  it('keeps term types apart and schools apart', () => {
    const sis = kansasDistrict();
    sis.terms.push(term('el-s1', 'el-2026', 'S1', '2025-08-21', '2025-12-18'));
    const fall = sessions(sis).filter((s) => s.naturalKey.sessionName === '2026 First Semester');
    expect(fall.map((s) => s.schoolId).sort()).toEqual([255901001, 255901107]);
    expect(fall.find((s) => s.schoolId === 255901107)!.body.beginDate).toBe('2025-08-21');
  });
});

describe('exclusions and unmapped types send nothing', () => {
  it('does not send records from an excluded calendar', () => {
    const sis = kansasDistrict();
    sis.calendars[0]!.exclude = true;
    const d = derive(sis);
    expect(d.records.filter((r) => r.schoolId === 255901001)).toEqual([]);
    expect(d.retained).toContain('Term:hs-s1');
  });

  it('does not send records from an excluded school', () => {
    const sis = kansasDistrict();
    sis.schools[1]!.exclude = true;
    const d = derive(sis);
    expect(d.records.filter((r) => r.schoolId === 255901107)).toEqual([]);
    expect(d.retained).toContain('Term:el-yr');
  });

  it('does not report a term whose term type is null', () => {
    const sis = kansasDistrict();
    sis.terms[0]!.termTypeCode = null;
    expect(byName(sis, '2026 First Semester')).toBeUndefined();
  });

  it('does not report a term type with no Ed-Fi code mapped (missing or null mapping)', () => {
    const sis = kansasDistrict();
    sis.termTypeMappings = sis.termTypeMappings.filter((m) => m.termTypeCode !== 'S2');
    sis.termTypeMappings.find((m) => m.termTypeCode === 'YR')!.termDescriptor = null;
    const names = sessions(sis).map((s) => s.naturalKey.sessionName);
    expect(names).toEqual(['2026 First Semester']);
    expect(derive(sis).issues).toEqual([]);
  });
});

describe('term descriptor overrides on courses and sections', () => {
  const withOverrides = () => {
    const sis = kansasDistrict();
    sis.terms.push(term('hs-q1', 'hs-2026', null, '2025-08-20', '2025-10-17'));
    sis.terms.push(term('hs-q1-late', 'hs-2026', null, '2025-08-27', '2025-10-24'));
    sis.courseSections.push(
      { courseId: 'ALG', sectionId: '1', termId: 'hs-q1', active: true, exclude: false, courseTermTypeOverride: 'Q1', sectionTermTypeOverride: null },
      { courseId: 'ALG', sectionId: '2', termId: 'hs-q1-late', active: true, exclude: false, courseTermTypeOverride: 'Q1', sectionTermTypeOverride: null },
      { courseId: 'BIO', sectionId: '7', termId: 'hs-q1-late', active: true, exclude: false, courseTermTypeOverride: null, sectionTermTypeOverride: 'Q1' },
    );
    return sis;
  };

  it('reports a session from the override with the earliest start and latest end of its sections', () => {
    const q = byName(withOverrides(), '2026 Quarter 1')!;
    expect(q.body).toMatchObject({ beginDate: '2025-08-20', endDate: '2025-10-24', termDescriptor: Q1 });
    expect(q.sources).toEqual(['Course:ALG', 'Course:BIO-7']);
  });

  it('counts the instructional days that fall on or between the override dates', () => {
    const sis = withOverrides();
    const expected = weekdays('x', '2025-08-20', '2025-10-24').filter((d) => d.instructional).length;
    expect(byName(sis, '2026 Quarter 1')!.body.totalInstructionalDays).toBe(expected);
  });

  it('a section override wins over its course override', () => {
    const sis = withOverrides();
    sis.courseSections[0]!.sectionTermTypeOverride = 'S2';
    const q = byName(sis, '2026 Quarter 1')!;
    expect(q.sources).toEqual(['Course:ALG', 'Course:BIO-7']);
    expect(q.body.beginDate).toBe('2025-08-27');
    expect(byName(sis, '2026 Second Semester')!.sources).toEqual(['Course:ALG-1', 'Term:hs-s2']);
  });

  it('sends no record from the override when Terms setup already reports that term type; both map to one session', () => {
    const sis = withOverrides();
    sis.terms.push(term('hs-q1-setup', 'hs-2026', 'Q1', '2025-08-22', '2025-10-10'));
    const q = sessions(sis).filter((s) => s.body.termDescriptor === Q1);
    expect(q).toHaveLength(1);
    expect(q[0]!.body).toMatchObject({ beginDate: '2025-08-22', endDate: '2025-10-10' });
    expect(q[0]!.sources).toEqual(['Course:ALG', 'Course:BIO-7', 'Term:hs-q1-setup']);
  });

  it('sends nothing from an inactive course, an excluded course or section, or an excluded calendar', () => {
    const inactive = withOverrides();
    inactive.courseSections[0]!.active = false;
    inactive.courseSections[1]!.active = false;
    inactive.courseSections[2]!.exclude = true;
    expect(byName(inactive, '2026 Quarter 1')).toBeUndefined();
    expect(derive(inactive).retained).toEqual(expect.arrayContaining(['Course:ALG', 'Course:BIO-7']));

    const excludedCalendar = withOverrides();
    excludedCalendar.calendars[0]!.exclude = true;
    expect(byName(excludedCalendar, '2026 Quarter 1')).toBeUndefined();
  });
});

describe('sessionName from the state translation table', () => {
  const cases: Array<[string, string]> = [
    ['Q1', '2026 Quarter 1'],
    ['Q2', '2026 Quarter 2'],
    ['Q3', '2026 Quarter 3'],
    ['Q4', '2026 Quarter 4'],
    ['S1', '2026 First Semester'],
    ['S2', '2026 Second Semester'],
    ['SM', 'Summer'],
    ['T1', '2026 Trimester 1'],
    ['T2', '2026 Trimester 2'],
    ['T3', '2026 Trimester 3'],
    ['YR', '2026 School Year'],
  ];
  it.each(cases)('Kansas %s -> %s', (code, name) => {
    const sis = kansasDistrict();
    sis.terms = [term('t', 'hs-2026', code, '2025-08-20', '2025-10-01')];
    sis.termTypeMappings = [{ schoolYear: 2026, termTypeCode: code, termDescriptor: 'uri://ed-fi.org/TermDescriptor#Other' }];
    expect(sessions(sis).map((s) => s.naturalKey.sessionName)).toEqual([name]);
  });

  it('uses the end year of the calendar the term belongs to', () => {
    const sis = kansasDistrict();
    sis.calendars.push({ calendarId: 'hs-2027', schoolId: 255901001, schoolYear: 2027, name: 'next', exclude: false });
    sis.terms.push(term('n-s1', 'hs-2027', 'S1', '2026-08-19', '2026-12-18'));
    sis.syncYears.push({ schoolYear: 2027, stateCode: 'KS', sessionsEnabled: true });
    sis.termTypeMappings.push({ schoolYear: 2027, termTypeCode: 'S1', termDescriptor: FALL });
    const next = byName(sis, '2027 First Semester')!;
    expect(next.naturalKey.schoolYear).toBe(2027);
    expect(next.body.schoolYearTypeReference).toEqual({ schoolYear: 2027 });
  });

  it('takes another state from data alone', () => {
    const other: StateRules = { stateCode: 'ZZ', name: 'Test state', sessionNames: { S1: 'Fall {endYear}' } };
    const sis = kansasDistrict();
    sis.syncYears[0]!.stateCode = 'ZZ';
    const d = deriveEdfiSessions(sis, new Map([['ZZ', other]]));
    expect(d.records.filter((r) => r.resource === 'sessions').map((r) => r.naturalKey.sessionName)).toEqual(['Fall 2026']);
    expect(d.issues.map((i) => i.message)).toEqual(expect.arrayContaining([expect.stringContaining("Term type 'S2' has no row in the ZZ session-name table")]));
  });

  it('holds back two term types that would give one session name', () => {
    const rules: StateRules = { stateCode: 'ZZ', name: 'clash', sessionNames: { S1: 'Semester', S2: 'Semester', YR: 'Year' } };
    const sis = kansasDistrict();
    sis.syncYears[0]!.stateCode = 'ZZ';
    const d = deriveEdfiSessions(sis, new Map([['ZZ', rules]]));
    expect(d.records.filter((r) => r.resource === 'sessions' && r.schoolId === 255901001).map((r) => r.sources)).toEqual([['Term:hs-s1']]);
    expect(d.held).toEqual(['Term:hs-s2']);
  });
});

describe('totalInstructionalDays', () => {
  it('counts distinct instructional days across all terms of the type, only within each term', () => {
    const sis = kansasDistrict();
    sis.calendars.push({ calendarId: 'hs-b', schoolId: 255901001, schoolYear: 2026, name: 'B', exclude: false });
    sis.calendarDays = [
      { calendarId: 'hs-2026', date: '2025-09-01', instructional: true },
      { calendarId: 'hs-2026', date: '2025-09-02', instructional: true },
      { calendarId: 'hs-2026', date: '2025-09-03', instructional: false },
      { calendarId: 'hs-2026', date: '2026-01-06', instructional: true }, // outside S1
      { calendarId: 'hs-b', date: '2025-09-02', instructional: true }, // same date: counted once
      { calendarId: 'hs-b', date: '2025-09-04', instructional: true },
    ];
    sis.terms.push(term('b-s1', 'hs-b', 'S1', '2025-08-20', '2025-12-19'));
    expect(byName(sis, '2026 First Semester')!.body.totalInstructionalDays).toBe(3);
  });

  it('counts the certification example: 08-23 to 12-15 weekdays move by one when the end date moves by one weekday', () => {
    const sis = kansasDistrict();
    sis.terms[0] = term('hs-s1', 'hs-2026', 'S1', '2025-08-25', '2025-12-15');
    const before = byName(sis, '2026 First Semester')!.body.totalInstructionalDays as number;
    sis.terms[0] = term('hs-s1', 'hs-2026', 'S1', '2025-08-25', '2025-12-16');
    expect(byName(sis, '2026 First Semester')!.body.totalInstructionalDays).toBe(before + 1);
  });
});

describe('gradingPeriods', () => {
  it('references every grading period whose end date lies within [begin, end], inclusive', () => {
    const sis = kansasDistrict();
    sis.gradingPeriods.push(
      { gradingPeriodId: 'edge', schoolId: 255901001, schoolYear: 2026, name: 'Ends on last day', descriptor: SIX_WEEKS_1, periodSequence: 3, beginDate: '2025-11-17', endDate: '2025-12-19' },
      { gradingPeriodId: 'over', schoolId: 255901001, schoolYear: 2026, name: 'Straddles', descriptor: SIX_WEEKS_1, periodSequence: 4, beginDate: '2025-12-01', endDate: '2026-01-16' },
      { gradingPeriodId: 'early', schoolId: 255901001, schoolYear: 2026, name: 'Starts before', descriptor: SIX_WEEKS_1, periodSequence: 5, beginDate: '2025-08-01', endDate: '2025-08-20' },
    );
    const refs = (byName(sis, '2026 First Semester')!.body.gradingPeriods as Array<{ gradingPeriodReference: { gradingPeriodName: string } }>).map(
      (g) => g.gradingPeriodReference.gradingPeriodName,
    );
    expect(refs.sort()).toEqual(['Ends on last day', 'First Six Weeks', 'Second Six Weeks', 'Starts before']);
    const s2 = (byName(sis, '2026 Second Semester')!.body.gradingPeriods as unknown[]).length;
    expect(s2).toBe(1); // 'Straddles' ends 2026-01-16, inside S2
  });

  it('sends the grading periods themselves first: a session depends on its school year and grading periods', () => {
    const d = derive(kansasDistrict());
    const gp = d.records.find((r) => r.resource === 'gradingPeriods' && r.naturalKey.gradingPeriodName === 'First Six Weeks')!;
    expect(gp.naturalKey).toEqual({ gradingPeriodDescriptor: SIX_WEEKS_1, gradingPeriodName: 'First Six Weeks', schoolId: 255901001, schoolYear: 2026 });
    const s1 = d.records.find((r) => r.naturalKey.sessionName === '2026 First Semester')!;
    expect(s1.dependsOn).toContain(gp.keyText);
    expect(s1.dependsOn).toContain('schoolYearTypes:{"schoolYear":2026}');
    expect(d.records.filter((r) => r.resource === 'schoolYearTypes').map((r) => r.body)).toEqual([
      { schoolYear: 2026, schoolYearDescription: '2025-2026', currentSchoolYear: false },
    ]);
  });
});

describe('scope year', () => {
  it('sends only school years with a valid configuration', () => {
    const sis = kansasDistrict();
    sis.calendars.push({ calendarId: 'old', schoolId: 255901001, schoolYear: 2025, name: 'old', exclude: false });
    sis.terms.push(term('old-s1', 'old', 'S1', '2024-08-20', '2024-12-19'));
    const d = derive(sis);
    expect(d.records.some((r) => r.schoolYear === 2025)).toBe(false);
    expect(d.retained).toContain('Term:old-s1');
  });

  it('derives but disables sessions of a year whose Sessions toggle is off', () => {
    const sis = kansasDistrict();
    sis.syncYears[0]!.sessionsEnabled = false;
    const d = derive(sis);
    expect(d.records.filter((r) => r.resource === 'sessions').every((r) => !r.enabled)).toBe(true);
    expect(d.disabledYears).toEqual([2026]);
  });
});

describe('missing dates', () => {
  it('logs the seed error and sends nothing when a term start or end date is missing', () => {
    const sis = kansasDistrict();
    sis.terms[0]!.startDate = null;
    const d = derive(sis);
    expect(byName(sis, '2026 First Semester')).toBeUndefined();
    expect(d.issues).toHaveLength(1);
    expect(d.issues[0]!.message).toContain("Validation of 'Session' failed. BeginDate is required.");
    expect(d.issues[0]!.message).toContain('Term start or end dates are missing');
    expect(d.issues[0]!.message).not.toContain('EndDate is required');
    expect(d.held).toEqual(['Term:hs-s1']);
  });
});
