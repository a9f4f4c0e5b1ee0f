// What derivation hands the planner: one Ed-Fi resource item the SIS says should exist, with
// the SIS records it comes from (the identity map's object keys) and its parents.
import { createHash } from 'node:crypto';

export type SyncResource = 'schoolYearTypes' | 'gradingPeriods' | 'sessions';

/** Upserts run in this order, deletes in the reverse: parents before children. */
export const RESOURCE_TIER: Record<SyncResource, number> = {
  schoolYearTypes: 0,
  gradingPeriods: 1,
  sessions: 2,
};

/** Resources whose natural key the ODS/API lets a PUT change (cascading key updates). */
export const KEY_UPDATABLE: ReadonlySet<SyncResource> = new Set(['sessions']);

export type NaturalKeyValues = Record<string, string | number>;

export interface DerivedRecord {
  resource: SyncResource;
  naturalKey: NaturalKeyValues;
  /** resource + natural key as one comparable string. */
  keyText: string;
  body: Record<string, unknown>;
  /** Hash of the body: an unchanged hash means nothing to send. */
  hash: string;
  /** SIS object keys (Term:t1, Course:c1, Course:c1-s2, GradingPeriod:g1, SchoolYear:2026). */
  sources: string[];
  schoolId: number | null;
  schoolYear: number;
  /** keyTexts of the items this one references; they must be sent first. */
  dependsOn: string[];
  /** False when the scope year's Sessions toggle is off: keep what was sent, send nothing new. */
  enabled: boolean;
}

export function keyTextOf(resource: SyncResource, key: NaturalKeyValues): string {
  return `${resource}:${canonicalJson(key)}`;
}

/** JSON with object keys sorted, so equal values always give equal text and hashes. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function payloadHash(body: unknown): string {
  return createHash('sha256').update(canonicalJson(body)).digest('hex').slice(0, 32);
}

export function sessionKey(schoolId: number, schoolYear: number, sessionName: string): NaturalKeyValues {
  return { schoolId, schoolYear, sessionName };
}

export function gradingPeriodKey(descriptor: string, name: string, schoolId: number, schoolYear: number): NaturalKeyValues {
  return { gradingPeriodDescriptor: descriptor, gradingPeriodName: name, schoolId, schoolYear };
}

export function schoolYearKey(schoolYear: number): NaturalKeyValues {
  return { schoolYear };
}
