// SIS terms, course/section overrides, calendar days and grading periods -> the Ed-Fi
// schoolYearTypes, gradingPeriods and sessions a state's rules say should exist.
// Pure: the same dataset in any order gives the same output.
import type { SisCalendar, SisDataset, SisSchool, SisTerm } from '../sis-model.ts';
import { deriveIssue, missingDatesMessage, type DeriveIssue } from './derive-issue.ts';
import {
  gradingPeriodKey,
  keyTextOf,
  payloadHash,
  schoolYearKey,
  sessionKey,
  type DerivedRecord,
} from './edfi-record.ts';
import { InstructionalDays } from './instructional-days.ts';
import { sessionNameFor, type StateRuleBook } from './state-rules.ts';

export interface Derivation {
  records: DerivedRecord[];
  issues: DeriveIssue[];
  /** SIS object keys held back by an issue: the planner must not touch what they sent. */
  held: string[];
  /** SIS object keys that still exist but are excluded or out of scope: sent data stays until a resync. */
  retained: string[];
  /** Configured scope years whose Sessions toggle is off. */
  disabledYears: number[];
}

export const SESSION_NAME_MAX = 60;

interface Span {
  calendarId: string;
  begin: string | null;
  end: string | null;
}

interface SessionGroup {
  schoolId: number;
  schoolYear: number;
  termTypeCode: string;
  termDescriptor: string;
  fromOverride: boolean;
  sources: Set<string>;
  spans: Span[];
  enabled: boolean;
}

export function deriveEdfiSessions(sis: SisDataset, book: StateRuleBook): Derivation {
  const schools = new Map<number, SisSchool>(sis.schools.map((s) => [s.schoolId, s]));
  const calendars = new Map<string, SisCalendar>(sis.calendars.map((c) => [c.calendarId, c]));
  const terms = new Map<string, SisTerm>(sis.terms.map((t) => [t.termId, t]));
  const years = new Map(sis.syncYears.map((y) => [y.schoolYear, y]));
  const mappings = new Map(sis.termTypeMappings.map((m) => [`${m.schoolYear}|${m.termTypeCode}`, m.termDescriptor]));
  const days = new InstructionalDays(sis.calendarDays);

  const issues: DeriveIssue[] = [];
  const held = new Set<string>();
  const retained = new Set<string>();
  const records: DerivedRecord[] = [];

  // A calendar reports only when its school and itself are not excluded and its scope year
  // has a valid configuration; otherwise whatever it sent before stays until a resync.
  const reports = (cal: SisCalendar | undefined): boolean => {
    if (!cal) return false;
    const school = schools.get(cal.schoolId);
    return !!school && !school.exclude && !cal.exclude && years.has(cal.schoolYear);
  };
  const descriptorFor = (schoolYear: number, code: string | null): string | null =>
    code === null ? null : (mappings.get(`${schoolYear}|${code}`) ?? null);

  // 1. Terms setup: one group per school, school year and term type, across calendars and
  //    schedule structures.
  const groups = new Map<string, SessionGroup>();
  for (const term of sortBy(sis.terms, (t) => t.termId)) {
    const source = `Term:${term.termId}`;
    const cal = calendars.get(term.calendarId);
    if (!reports(cal)) {
      retained.add(source);
      continue;
    }
    const descriptor = descriptorFor(cal!.schoolYear, term.termTypeCode);
    if (descriptor === null) continue; // unmapped term type: not reported (and deleted if it was)
    const groupKey = `${cal!.schoolId}|${cal!.schoolYear}|${term.termTypeCode}`;
    let g = groups.get(groupKey);
    if (!g) {
      g = {
        schoolId: cal!.schoolId,
        schoolYear: cal!.schoolYear,
        termTypeCode: term.termTypeCode!,
        termDescriptor: descriptor,
        fromOverride: false,
        sources: new Set(),
        spans: [],
        enabled: years.get(cal!.schoolYear)!.sessionsEnabled,
      };
      groups.set(groupKey, g);
    }
    g.sources.add(source);
    g.spans.push({ calendarId: term.calendarId, begin: term.startDate, end: term.endDate });
  }

  // 2. Term Descriptor Overrides on courses and sections. A type already reported from Terms
  //    setup sends no extra record; its sources share that session's identity.
  const termGroupKeys = new Set(groups.keys());
  for (const cs of sortBy(sis.courseSections, (c) => `${c.courseId}\u0000${c.sectionId}`)) {
    const code = cs.sectionTermTypeOverride ?? cs.courseTermTypeOverride;
    if (code === null) continue;
    const source = cs.sectionTermTypeOverride !== null ? `Course:${cs.courseId}-${cs.sectionId}` : `Course:${cs.courseId}`;
    const term = terms.get(cs.termId);
    const cal = term ? calendars.get(term.calendarId) : undefined;
    if (!term || !reports(cal) || !cs.active || cs.exclude) {
      retained.add(source);
      continue;
    }
    const descriptor = descriptorFor(cal!.schoolYear, code);
    if (descriptor === null) continue;
    const groupKey = `${cal!.schoolId}|${cal!.schoolYear}|${code}`;
    let g = groups.get(groupKey);
    if (!g) {
      g = {
        schoolId: cal!.schoolId,
        schoolYear: cal!.schoolYear,
        termTypeCode: code,
        termDescriptor: descriptor,
        fromOverride: true,
        sources: new Set(),
        spans: [],
        enabled: years.get(cal!.schoolYear)!.sessionsEnabled,
      };
      groups.set(groupKey, g);
    }
    g.sources.add(source);
    if (!termGroupKeys.has(groupKey)) g.spans.push({ calendarId: term.calendarId, begin: term.startDate, end: term.endDate });
  }

  // 3. Grading periods per school and year, for schools that report.
  const reportingSchoolYears = new Map<string, string[]>(); // school|year -> calendars that report
  for (const cal of sortBy(sis.calendars, (c) => c.calendarId)) {
    if (!reports(cal)) continue;
    const k = `${cal.schoolId}|${cal.schoolYear}`;
    reportingSchoolYears.set(k, [...(reportingSchoolYears.get(k) ?? []), cal.calendarId]);
  }
  const gradingPeriodsBySchoolYear = new Map<string, DerivedRecord[]>();
  const usedYears = new Set<number>();
  for (const gp of sortBy(sis.gradingPeriods, (g) => g.gradingPeriodId)) {
    const source = `GradingPeriod:${gp.gradingPeriodId}`;
    const k = `${gp.schoolId}|${gp.schoolYear}`;
    const cals = reportingSchoolYears.get(k);
    if (!cals) {
      retained.add(source);
      continue;
    }
    const key = gradingPeriodKey(gp.descriptor, gp.name, gp.schoolId, gp.schoolYear);
    const body = {
      gradingPeriodDescriptor: gp.descriptor,
      gradingPeriodName: gp.name,
      schoolReference: { schoolId: gp.schoolId },
      schoolYearTypeReference: { schoolYear: gp.schoolYear },
      beginDate: gp.beginDate,
      endDate: gp.endDate,
      totalInstructionalDays: days.countDistinct(cals.map((calendarId) => ({ calendarId, begin: gp.beginDate, end: gp.endDate }))),
      ...(gp.periodSequence !== null ? { periodSequence: gp.periodSequence } : {}),
    };
    const rec = record('gradingPeriods', key, body, [source], gp.schoolId, gp.schoolYear, [keyTextOf('schoolYearTypes', schoolYearKey(gp.schoolYear))], true);
    const existing = gradingPeriodsBySchoolYear.get(k) ?? [];
    const dup = existing.find((r) => r.keyText === rec.keyText);
    if (dup) {
      // Two SIS grading periods with one Ed-Fi identity: report once, both map to it.
      dup.sources = [...new Set([...dup.sources, source])].sort();
      continue;
    }
    existing.push(rec);
    gradingPeriodsBySchoolYear.set(k, existing);
    usedYears.add(gp.schoolYear);
  }
  for (const list of gradingPeriodsBySchoolYear.values()) records.push(...list);

  // 4. One session per group.
  const sessionKeysTaken = new Map<string, string>();
  for (const [, g] of [...groups].sort(([a], [b]) => compare(a, b))) {
    const sources = [...g.sources].sort();
    const rules = rulesFor(book, years.get(g.schoolYear)!.stateCode);
    const name = rules ? sessionNameFor(rules, g.termTypeCode, g.schoolYear) : null;
    if (name === null) {
      holdAll(issues, held, deriveIssue('sessions', g.schoolId, g.schoolYear, sources,
        rules
          ? `Term type '${g.termTypeCode}' has no row in the ${rules.stateCode} session-name table; add it to the state's rules or map the term to another type.`
          : `No state rules for state code '${years.get(g.schoolYear)!.stateCode}' (school year ${g.schoolYear}); add src/sync/state-rules/<STATE>.json.`));
      continue;
    }
    if (name.length > SESSION_NAME_MAX) {
      holdAll(issues, held, deriveIssue('sessions', g.schoolId, g.schoolYear, sources,
        `Session name '${name}' is longer than ${SESSION_NAME_MAX} characters; shorten the state's session-name pattern for '${g.termTypeCode}'.`));
      continue;
    }
    const missingBegin = g.spans.some((s) => s.begin === null);
    const missingEnd = g.spans.some((s) => s.end === null);
    if (missingBegin || missingEnd) {
      holdAll(issues, held, deriveIssue('sessions', g.schoolId, g.schoolYear, sources, missingDatesMessage(missingBegin, missingEnd)));
      continue;
    }
    const key = sessionKey(g.schoolId, g.schoolYear, name);
    const keyText = keyTextOf('sessions', key);
    const clash = sessionKeysTaken.get(keyText);
    if (clash !== undefined) {
      holdAll(issues, held, deriveIssue('sessions', g.schoolId, g.schoolYear, sources,
        `Term type '${g.termTypeCode}' gives session name '${name}', already reported for '${clash}' at school ${g.schoolId}; map one of them to another name.`));
      continue;
    }
    sessionKeysTaken.set(keyText, g.termTypeCode);
    const spans = g.spans as Array<{ calendarId: string; begin: string; end: string }>;
    const beginDate = spans.reduce((m, s) => (s.begin < m ? s.begin : m), spans[0]!.begin);
    const endDate = spans.reduce((m, s) => (s.end > m ? s.end : m), spans[0]!.end);
    const totalInstructionalDays = g.fromOverride
      ? days.countDistinct([...new Set(spans.map((s) => s.calendarId))].sort().map((calendarId) => ({ calendarId, begin: beginDate, end: endDate })))
      : days.countDistinct(spans);
    const gps = (gradingPeriodsBySchoolYear.get(`${g.schoolId}|${g.schoolYear}`) ?? [])
      .filter((gp) => (gp.body.endDate as string) >= beginDate && (gp.body.endDate as string) <= endDate)
      .sort((a, b) => compare(a.keyText, b.keyText));
    const body = {
      sessionName: name,
      schoolReference: { schoolId: g.schoolId },
      schoolYearTypeReference: { schoolYear: g.schoolYear },
      beginDate,
      endDate,
      termDescriptor: g.termDescriptor,
      totalInstructionalDays,
      gradingPeriods: gps.map((gp) => ({ gradingPeriodReference: { ...gp.naturalKey } })),
    };
    const parents = [keyTextOf('schoolYearTypes', schoolYearKey(g.schoolYear)), ...gps.map((gp) => gp.keyText)];
    records.push(record('sessions', key, body, sources, g.schoolId, g.schoolYear, parents, g.enabled));
    usedYears.add(g.schoolYear);
  }

  // 5. The school years everything above references.
  for (const y of [...usedYears].sort((a, b) => a - b)) {
    const body = { schoolYear: y, schoolYearDescription: `${y - 1}-${y}`, currentSchoolYear: false };
    records.push(record('schoolYearTypes', schoolYearKey(y), body, [`SchoolYear:${y}`], null, y, [], true));
  }

  records.sort((a, b) => compare(a.keyText, b.keyText));
  issues.sort((a, b) => compare(a.fingerprint, b.fingerprint));
  const disabledYears = sis.syncYears.filter((y) => !y.sessionsEnabled).map((y) => y.schoolYear).sort((a, b) => a - b);
  return { records, issues, held: [...held].sort(), retained: [...retained].sort(), disabledYears };
}

function record(
  resource: DerivedRecord['resource'],
  naturalKey: DerivedRecord['naturalKey'],
  body: Record<string, unknown>,
  sources: string[],
  schoolId: number | null,
  schoolYear: number,
  dependsOn: string[],
  enabled: boolean,
): DerivedRecord {
  return {
    resource,
    naturalKey,
    keyText: keyTextOf(resource, naturalKey),
    body,
    hash: payloadHash(body),
    sources: [...new Set(sources)].sort(),
    schoolId,
    schoolYear,
    dependsOn: [...new Set(dependsOn)].sort(),
    enabled,
  };
}

function holdAll(issues: DeriveIssue[], held: Set<string>, issue: DeriveIssue): void {
  issues.push(issue);
  for (const s of issue.sources) held.add(s);
}

function rulesFor(book: StateRuleBook, stateCode: string) {
  return book.get(stateCode.toUpperCase()) ?? null;
}

function sortBy<T>(items: readonly T[], key: (t: T) => string): T[] {
  return [...items].sort((a, b) => compare(key(a), key(b)));
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
