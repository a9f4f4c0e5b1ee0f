// Ed-Fi's natural keys, the identity the change log records for deletes and key changes.
import type { Session } from './session.ts';

export type EdfiResource = 'sessions' | 'gradingPeriods';

export interface NaturalKey {
  resource: EdfiResource;
  key: Record<string, string | number>;
}

/** The Ed-Fi identity of a session, or null when Ed-Fi cannot see it (no school or year). */
export function naturalKeyOf(s: Pick<Session, 'type' | 'schoolId' | 'schoolYear' | 'name' | 'gradingPeriodDescriptor'>): NaturalKey | null {
  if (s.schoolId === null || s.schoolYear === null) return null;
  if (s.type === 'gradingPeriod') {
    if (!s.gradingPeriodDescriptor) return null;
    return {
      resource: 'gradingPeriods',
      key: {
        gradingPeriodDescriptor: s.gradingPeriodDescriptor,
        gradingPeriodName: s.name,
        schoolId: s.schoolId,
        schoolYear: s.schoolYear,
      },
    };
  }
  return { resource: 'sessions', key: { schoolId: s.schoolId, schoolYear: s.schoolYear, sessionName: s.name } };
}

export function sameKey(a: NaturalKey | null, b: NaturalKey | null): boolean {
  if (a === null || b === null) return a === b;
  return a.resource === b.resource && JSON.stringify(a.key) === JSON.stringify(b.key);
}
