// The body of a PUT/POST academicSession, checked field by field into a OneRoster write with
// canonical values (inclusive end date, canonical type). Every problem is reported, not the first.
import { isIsoDate } from '../../domain/calendar-date.ts';
import type { SessionStatus, SessionType } from '../../domain/session.ts';
import { METADATA_FIELDS } from './academic-session-wire.ts';
import { canonicalEndDate, canonicalStatus, canonicalType, WIRE_TYPES } from './wire-values.ts';

export interface Problem {
  field: string;
  message: string;
}

export interface AcademicSessionWrite {
  sourcedId: string | undefined;
  status: SessionStatus;
  title: string;
  beginDate: string;
  /** Canonical: the last day. */
  endDate: string;
  type: SessionType;
  schoolYear: number;
  /** undefined: not given. */
  orgSourcedId: string | undefined;
  parentSourcedId: string | null;
  /** undefined: not given (keep what is stored). */
  metadata: { known: Partial<Record<(typeof METADATA_FIELDS)[number], string | number | null>>; extra: Record<string, unknown> } | undefined;
}

/** The binding's GUID: up to 255 of 0-9 a-z A-Z . - _ / @ */
export const GUID = /^[0-9A-Za-z.\-_/@]{1,255}$/;
const KNOWN_KEYS = new Set(['sourcedId', 'status', 'dateLastModified', 'metadata', 'title', 'startDate', 'endDate', 'type', 'parent', 'children', 'schoolYear', 'org']);

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A `{sourcedId}` reference: the id, null for an explicit null, undefined when absent; problems added. */
function reference(value: unknown, field: string, problems: Problem[]): string | null | undefined {
  if (value === undefined) return undefined;
  if (value === null) return null;
  if (!isObject(value) || typeof value.sourcedId !== 'string' || !GUID.test(value.sourcedId)) {
    problems.push({ field, message: `${field} must be an object {"sourcedId": "<sourcedId>"} naming an existing ${field === 'org' ? 'org' : 'academic session'}.` });
    return undefined;
  }
  return value.sourcedId;
}

export function parseAcademicSessionWrite(body: unknown): { write: AcademicSessionWrite } | { problems: Problem[] } {
  const problems: Problem[] = [];
  if (!isObject(body) || !isObject(body.academicSession))
    return { problems: [{ field: 'academicSession', message: 'The body must be a JSON object {"academicSession": {…}}.' }] };
  const a = body.academicSession;
  for (const key of Object.keys(a)) if (!KNOWN_KEYS.has(key)) problems.push({ field: key, message: `'${key}' is not a field of an academicSession.` });

  let sourcedId: string | undefined;
  if (a.sourcedId !== undefined) {
    if (typeof a.sourcedId === 'string' && GUID.test(a.sourcedId)) sourcedId = a.sourcedId;
    else problems.push({ field: 'sourcedId', message: 'sourcedId must be 1 to 255 characters of 0-9 a-z A-Z . - _ / @.' });
  }
  let status: SessionStatus = 'active';
  if (a.status !== undefined) {
    const s = typeof a.status === 'string' ? canonicalStatus(a.status) : null;
    if (s) status = s;
    else problems.push({ field: 'status', message: `status must be 'active' or 'tobedeleted'.` });
  }
  const title = typeof a.title === 'string' ? a.title : '';
  if (typeof a.title !== 'string' || a.title.length === 0) problems.push({ field: 'title', message: 'title is required: the name of the session.' });

  const dates: Record<'startDate' | 'endDate', string> = { startDate: '', endDate: '' };
  for (const f of ['startDate', 'endDate'] as const) {
    const v = a[f];
    if (isIsoDate(v)) dates[f] = v;
    else problems.push({ field: f, message: `${f} is required and must be a date written YYYY-MM-DD${v === undefined ? '' : `; ${JSON.stringify(v)} is not one`}.` });
  }
  if (dates.startDate && dates.endDate && dates.endDate <= dates.startDate)
    problems.push({ field: 'endDate', message: `endDate ${dates.endDate} must be after startDate ${dates.startDate} (OneRoster's endDate is the first day after the session).` });

  const type = typeof a.type === 'string' ? canonicalType(a.type) : null;
  if (!type) problems.push({ field: 'type', message: `type must be one of ${WIRE_TYPES.join(', ')}${a.type === undefined ? '' : `; ${JSON.stringify(a.type)} is not`}.` });

  let schoolYear = 0;
  if ((typeof a.schoolYear === 'string' && /^\d{4}$/.test(a.schoolYear)) || (typeof a.schoolYear === 'number' && Number.isInteger(a.schoolYear)))
    schoolYear = Number(a.schoolYear);
  else problems.push({ field: 'schoolYear', message: 'schoolYear is required: the year the school year ends, written YYYY (e.g. "2026").' });

  const org = reference(a.org, 'org', problems);
  if (org === null) problems.push({ field: 'org', message: 'org cannot be null; leave it out to keep the current org (or the district).' });
  const parent = reference(a.parent, 'parent', problems);

  let metadata: AcademicSessionWrite['metadata'];
  if (a.metadata !== undefined && a.metadata !== null) {
    if (!isObject(a.metadata)) problems.push({ field: 'metadata', message: 'metadata must be a JSON object.' });
    else {
      metadata = { known: {}, extra: {} };
      for (const [k, v] of Object.entries(a.metadata)) {
        if (!(METADATA_FIELDS as readonly string[]).includes(k)) metadata.extra[k] = v;
        else if (k === 'termDescriptor' || k === 'gradingPeriodDescriptor') {
          if (v === null || typeof v === 'string') metadata.known[k] = v;
          else problems.push({ field: `metadata.${k}`, message: `metadata.${k} must be a descriptor URI string or null.` });
        } else if (v === null || (typeof v === 'number' && Number.isInteger(v) && v >= 0)) metadata.known[k as 'periodSequence'] = v;
        else problems.push({ field: `metadata.${k}`, message: `metadata.${k} must be a whole number of 0 or more, or null.` });
      }
    }
  }
  if (problems.length > 0) return { problems };
  return {
    write: {
      sourcedId,
      status,
      title,
      beginDate: dates.startDate,
      endDate: canonicalEndDate(dates.endDate),
      type: type!,
      schoolYear,
      orgSourcedId: org ?? undefined,
      parentSourcedId: parent ?? null,
      metadata,
    },
  };
}
