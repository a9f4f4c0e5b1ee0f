// Random SIS datasets for property tests: a few schools, calendars, terms (some without
// dates or types), days, course/section overrides and grading periods.
import fc from 'fast-check';
import { addDays } from '../../src/domain/calendar-date.ts';
import type { SisDataset } from '../../src/sync/sis-model.ts';

const CODES = ['Q1', 'Q2', 'S1', 'S2', 'SM', 'YR', 'XX', null] as const;

export const sisDataset: fc.Arbitrary<SisDataset> = fc
  .record({
    schools: fc.uniqueArray(fc.integer({ min: 1, max: 6 }), { minLength: 1, maxLength: 3 }),
    excludeSchool: fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }),
    calendars: fc.array(fc.record({ school: fc.nat(2), year: fc.constantFrom(2025, 2026), exclude: fc.boolean() }), { minLength: 1, maxLength: 4 }),
    terms: fc.array(
      fc.record({ cal: fc.nat(3), code: fc.constantFrom(...CODES), start: fc.option(fc.nat(200), { freq: 8 }), len: fc.option(fc.nat(120), { freq: 8 }) }),
      { maxLength: 10 },
    ),
    days: fc.array(fc.record({ cal: fc.nat(3), day: fc.nat(320), instructional: fc.boolean() }), { maxLength: 60 }),
    sections: fc.array(
      fc.record({ course: fc.constantFrom('A', 'B', 'C'), term: fc.nat(9), active: fc.boolean(), exclude: fc.boolean(), courseOv: fc.constantFrom(...CODES), sectionOv: fc.constantFrom(...CODES) }),
      { maxLength: 6 },
    ),
    gps: fc.array(fc.record({ school: fc.nat(2), start: fc.nat(250), len: fc.nat(60), name: fc.constantFrom('P1', 'P2', 'P3') }), { maxLength: 5 }),
    enabled: fc.boolean(),
  })
  .map((g) => {
    const schools = g.schools.map((id, i) => ({ schoolId: id, name: `S${id}`, exclude: g.excludeSchool[i]! }));
    const calendars = g.calendars.map((c, i) => ({
      calendarId: `c${i}`,
      schoolId: schools[c.school % schools.length]!.schoolId,
      schoolYear: c.year,
      name: `c${i}`,
      exclude: c.exclude,
    }));
    const base = (year: number) => `${year - 1}-08-01`;
    const terms = g.terms.map((t, i) => {
      const cal = calendars[t.cal % calendars.length]!;
      const start = t.start === null ? null : addDays(base(cal.schoolYear), t.start);
      return {
        termId: `t${i}`,
        calendarId: cal.calendarId,
        scheduleStructure: 'main',
        name: `t${i}`,
        termTypeCode: t.code,
        startDate: start,
        endDate: start === null || t.len === null ? null : addDays(start, t.len),
      };
    });
    const seen = new Set<string>();
    const calendarDays = g.days
      .map((d) => {
        const cal = calendars[d.cal % calendars.length]!;
        return { calendarId: cal.calendarId, date: addDays(base(cal.schoolYear), d.day), instructional: d.instructional };
      })
      .filter((d) => !seen.has(`${d.calendarId}|${d.date}`) && !!seen.add(`${d.calendarId}|${d.date}`));
    const courseSections = terms.length
      ? g.sections.map((s, i) => ({
          courseId: s.course,
          sectionId: String(i),
          termId: terms[s.term % terms.length]!.termId,
          active: s.active,
          exclude: s.exclude,
          courseTermTypeOverride: s.courseOv,
          sectionTermTypeOverride: s.sectionOv,
        }))
      : [];
    const gradingPeriods = g.gps.map((p, i) => {
      const school = schools[p.school % schools.length]!;
      const begin = addDays('2025-08-01', p.start);
      return {
        gradingPeriodId: `g${i}`,
        schoolId: school.schoolId,
        schoolYear: 2026,
        name: p.name,
        descriptor: 'uri://ed-fi.org/GradingPeriodDescriptor#Other',
        periodSequence: i,
        beginDate: begin,
        endDate: addDays(begin, p.len),
      };
    });
    const termTypeMappings = [2025, 2026].flatMap((y) =>
      ['Q1', 'Q2', 'S1', 'S2', 'SM', 'YR'].map((code) => ({ schoolYear: y, termTypeCode: code, termDescriptor: code === 'Q2' ? null : `uri://x/TermDescriptor#${code}` })),
    );
    const syncYears = [{ schoolYear: 2026, stateCode: 'KS', sessionsEnabled: g.enabled }];
    return { schools, calendars, terms, calendarDays, courseSections, gradingPeriods, termTypeMappings, syncYears };
  });

