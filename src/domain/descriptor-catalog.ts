// Ed-Fi descriptors every tenant starts with. Term descriptors come from the seed's Type
// Descriptor table; session_type says which canonical type a term descriptor implies.
import type { SessionType } from './session.ts';

export interface DescriptorSeed {
  kind: 'TermDescriptor' | 'GradingPeriodDescriptor';
  namespace: string;
  codeValue: string;
  shortDescription: string;
  sessionType: SessionType | null;
}

const TERM_NS = 'uri://ed-fi.org/TermDescriptor';
const GP_NS = 'uri://ed-fi.org/GradingPeriodDescriptor';

const TERMS: [string, SessionType][] = [
  ['Fall Semester', 'semester'],
  ['First Quarter', 'quarter'],
  ['First Trimester', 'trimester'],
  ['Fourth Quarter', 'quarter'],
  ['MiniTerm', 'term'],
  ['Other', 'other'],
  ['Quarter', 'quarter'],
  ['Second Quarter', 'quarter'],
  ['Second Trimester', 'trimester'],
  ['Semester', 'semester'],
  ['Spring Semester', 'semester'],
  ['Summer Semester', 'summer'],
  ['Third Quarter', 'quarter'],
  ['Third Trimester', 'trimester'],
  ['Trimester', 'trimester'],
  ['Year Round', 'schoolYear'],
];

const GRADING_PERIODS = [
  'First Six Weeks', 'Second Six Weeks', 'Third Six Weeks', 'Fourth Six Weeks', 'Fifth Six Weeks', 'Sixth Six Weeks',
  'First Nine Weeks', 'Second Nine Weeks', 'Third Nine Weeks', 'Fourth Nine Weeks',
  'First Quarter', 'Second Quarter', 'Third Quarter', 'Fourth Quarter',
  'First Semester', 'Second Semester', 'First Trimester', 'Second Trimester', 'Third Trimester',
  'End of Year', 'Summer Semester', 'Grading Period',
];

export const DESCRIPTOR_SEEDS: DescriptorSeed[] = [
  ...TERMS.map(([codeValue, sessionType]) => ({ kind: 'TermDescriptor' as const, namespace: TERM_NS, codeValue, shortDescription: codeValue, sessionType })),
  ...GRADING_PERIODS.map((codeValue) => ({ kind: 'GradingPeriodDescriptor' as const, namespace: GP_NS, codeValue, shortDescription: codeValue, sessionType: null })),
];

/** `namespace#codeValue`, the form Ed-Fi writes descriptor references in. */
export function descriptorUri(namespace: string, codeValue: string): string {
  return `${namespace}#${codeValue}`;
}

/** The term descriptor a session of this type gets when none was given. */
export const DEFAULT_TERM_DESCRIPTOR: Record<SessionType, string> = {
  schoolYear: `${TERM_NS}#Year Round`,
  semester: `${TERM_NS}#Semester`,
  trimester: `${TERM_NS}#Trimester`,
  quarter: `${TERM_NS}#Quarter`,
  term: `${TERM_NS}#Other`,
  gradingPeriod: `${TERM_NS}#Other`,
  summer: `${TERM_NS}#Summer Semester`,
  other: `${TERM_NS}#Other`,
};
