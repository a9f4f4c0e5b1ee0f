// What every connector yields: pages of canonical records read from one source, each page with
// the position to resume from after it. A connector never writes; merge.ts does.
import type { SessionType } from '../domain/session.ts';

/** Where a pulled session belongs: a school by its Ed-Fi schoolId or by name, or the district. */
export interface SchoolRef {
  schoolId?: number | null;
  name?: string | null;
  /** A OneRoster org sourcedId: matches a school whose `oneroster` identifier (or uuid) it is. */
  oneRosterOrg?: string | null;
}

/** A session as a source describes it, canonical values (inclusive end dates, canonical types). */
export interface PulledSession {
  school: SchoolRef | null;
  schoolYear: number | null;
  name: string;
  type: SessionType;
  beginDate: string | null;
  endDate: string | null;
  /** The source's id of the parent session (OneRoster `parent`). */
  parentSourceId: string | null;
  termDescriptor: string | null;
  gradingPeriodDescriptor: string | null;
  periodSequence: number | null;
  totalInstructionalDays: number | null;
  properties: Record<string, unknown>;
  /** Ed-Fi's SessionGradingPeriod references; absent when the source has no such links. */
  gradingPeriods?: GradingPeriodRef[] | undefined;
}

/** A grading period by its Ed-Fi natural key. */
export interface GradingPeriodRef {
  descriptor: string;
  name: string;
  schoolId: number;
  schoolYear: number;
}

export type ConnectorRecord =
  | { kind: 'session'; sourceId: string; session: PulledSession }
  /** The source deleted it: the matching session is marked deleted, never removed. */
  | { kind: 'delete'; sourceId: string }
  /** The source renamed it (Ed-Fi keyChanges): the matching session takes the new key. */
  | { kind: 'keyChange'; sourceId: string; name: string; schoolYear: number | null; school: SchoolRef | null }
  /** A school the source knows (Ed-Fi /schools): created locally when its schoolId is new. */
  | { kind: 'school'; schoolId: number; name: string }
  /** The pull listed everything the source has (a bulk CSV): what it pulled before and did not list now is deleted. */
  | { kind: 'absentAreDeleted' };

export interface PullPage {
  records: ConnectorRecord[];
  /** Where to continue after this page if the pull stops (JSON). */
  resume: unknown;
  /** How far along the source is, for the progress bar. */
  progress?: { done: number; total?: number | undefined } | undefined;
}

/**
 * Reads a source. `state` is what the previous completed pull returned (null the first time);
 * `resume` is the last staged page's position when an interrupted pull continues. The
 * generator's return value becomes the next `state`.
 */
export interface Connector {
  pages(state: unknown, resume: unknown): AsyncGenerator<PullPage, unknown, void>;
}
