// A canonical session as a OneRoster 1.2 academicSession (plus the seed's `org`).
import type { Session } from '../../domain/session.ts';
import type { SelectableField } from './collection-params.ts';
import { wireEndDate, wireStatus, wireType } from './wire-values.ts';

export const ROSTERING_PATH = '/ims/oneroster/rostering/v1p2';

export interface GuidRef {
  href: string;
  sourcedId: string;
  type: 'academicSession' | 'org';
}

export interface AcademicSession {
  sourcedId: string;
  status: 'active' | 'tobedeleted';
  dateLastModified: string;
  metadata?: Record<string, unknown>;
  title: string;
  startDate: string;
  endDate: string;
  type: string;
  parent?: GuidRef;
  children: GuidRef[];
  schoolYear: string;
  org: GuidRef;
}

/** What a session links to, resolved to sourcedIds by the reader. */
export interface WireLinks {
  /** Scheme and host the client called, e.g. `https://sis.example.org`. */
  origin: string;
  parentSourcedId: string | null;
  childSourcedIds: string[];
  orgSourcedId: string;
}

/** Canonical fields OneRoster shows only in `metadata`. */
export const METADATA_FIELDS = ['termDescriptor', 'gradingPeriodDescriptor', 'periodSequence', 'totalInstructionalDays'] as const;
/** Where metadata keys OneRoster writers send (and termbridge does not model) are kept. */
export const EXTRA_METADATA = 'oneRosterMetadata';

export function sourcedIdOf(s: Pick<Session, 'id' | 'identifiers'>): string {
  return s.identifiers.oneroster ?? s.id;
}

export function sessionRef(origin: string, sourcedId: string): GuidRef {
  return { href: `${origin}${ROSTERING_PATH}/academicSessions/${encodeURIComponent(sourcedId)}`, sourcedId, type: 'academicSession' };
}

export function orgRef(origin: string, sourcedId: string): GuidRef {
  return { href: `${origin}${ROSTERING_PATH}/orgs/${encodeURIComponent(sourcedId)}`, sourcedId, type: 'org' };
}

export function metadataOf(s: Session): Record<string, unknown> {
  const extra = s.properties[EXTRA_METADATA];
  const out: Record<string, unknown> = extra && typeof extra === 'object' && !Array.isArray(extra) ? { ...(extra as Record<string, unknown>) } : {};
  for (const f of METADATA_FIELDS) if (s[f] !== null) out[f] = s[f];
  return out;
}

/** Only sessions with both dates are academic sessions (the reader filters the rest out). */
export function toAcademicSession(s: Session, links: WireLinks): AcademicSession {
  const metadata = metadataOf(s);
  const endDate = wireEndDate(s.endDate!);
  return {
    sourcedId: sourcedIdOf(s),
    status: wireStatus(s.status),
    dateLastModified: s.updatedAt,
    ...(Object.keys(metadata).length > 0 ? { metadata } : {}),
    title: s.name,
    startDate: s.beginDate!,
    endDate,
    type: wireType(s.type),
    ...(links.parentSourcedId !== null ? { parent: sessionRef(links.origin, links.parentSourcedId) } : {}),
    children: links.childSourcedIds.map((c) => sessionRef(links.origin, c)),
    // A session without a school year (a Canvas term) is counted in the year its last day falls in.
    schoolYear: String(s.schoolYear ?? Number(s.endDate!.slice(0, 4))),
    org: orgRef(links.origin, links.orgSourcedId),
  };
}

export function selectFields(record: AcademicSession, fields: SelectableField[] | null): Partial<AcademicSession> {
  if (!fields) return record;
  const out: Record<string, unknown> = {};
  for (const f of fields) if (record[f] !== undefined) out[f] = record[f];
  return out as Partial<AcademicSession>;
}
