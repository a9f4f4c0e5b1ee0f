// A create/update body (form-encoded with nested keys, or JSON), read in the order Canvas's
// TermsController reads it, so the error Canvas would give first is the one given first:
// enrollment_term missing → override types → SIS id type → (store: SIS id in use →
// stickiness) → dates. Only name, start_at, end_at, sis_term_id and overrides are read.
import { attributeErrors, errorList, messageOnly } from './errors.ts';
import { isEnrollmentType, type EnrollmentType, type StickyField } from './term-properties.ts';
import { parseCanvasTime } from './wire-time.ts';

export interface TermBody {
  /** Absent keys are left as stored; values are as sent until parseTermDates reads them. */
  name?: unknown;
  startAt?: unknown;
  endAt?: unknown;
  /** undefined: leave; null: clear (`""`); string: set. */
  sisId?: string | null | undefined;
  overrides: Map<EnrollmentType, Record<string, unknown>>;
  /** override_sis_stickiness; true unless sent as false (PUT only). */
  overrideSisStickiness: boolean;
}

export interface TermDates {
  /** Instants in ms; undefined: not sent; null: cleared. */
  startAt?: number | null;
  endAt?: number | null;
  overrides: Map<EnrollmentType, { startAt: number | null; endAt: number | null }>;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** ActiveSupport's String#camelize then #singularize, for the override keys Canvas classifies. */
export function classify(key: string): string {
  const camel = key
    .split('_')
    .map((part) => (part.length === 0 ? '' : part[0]!.toUpperCase() + part.slice(1)))
    .join('');
  if (/ss$/.test(camel) || !/s$/.test(camel)) return camel;
  return camel.slice(0, -1);
}

const TRUE = new Set(['true', 't', 'yes', 'y', 'on', '1']);
const FALSE = new Set(['false', 'f', 'no', 'n', 'off', '0']);

/** Canvas's boolean parameters: true/false, t/f, yes/no, y/n, on/off, 1/0. */
export function parseCanvasBoolean(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return value === 1 ? true : value === 0 ? false : undefined;
  if (typeof value !== 'string') return undefined;
  const v = value.trim().toLowerCase();
  if (TRUE.has(v)) return true;
  if (FALSE.has(v)) return false;
  return undefined;
}

function time(value: unknown, field: string, timeZone: string): number | null {
  const parsed = parseCanvasTime(value, timeZone);
  if (parsed.ok) return parsed.ms;
  const shown = typeof value === 'string' ? `"${value}"` : JSON.stringify(value);
  throw attributeErrors({ [field]: [`${field} ${shown} is not a date-time; send ISO 8601, e.g. 2025-08-13T00:00:00Z`] });
}

/**
 * Reads the body, throwing what Canvas answers first: a missing enrollment_term, an unknown
 * override type, a SIS id that is not a string or number. Dates stay raw: Canvas checks them
 * only after the SIS id and stickiness (see parseTermDates).
 */
export function parseTermBody(body: unknown, query: Record<string, unknown>, method: 'POST' | 'PUT'): TermBody {
  const b = isRecord(body) ? body : {};
  const et = b.enrollment_term;
  if (!isRecord(et) || Object.keys(et).length === 0) throw errorList(400, 'enrollment_term is missing');

  const overrides = new Map<EnrollmentType, Record<string, unknown>>();
  if (et.overrides !== undefined && et.overrides !== null && et.overrides !== '') {
    if (!isRecord(et.overrides))
      throw errorList(400, 'enrollment_term[overrides] must be a hash keyed by enrollment type, e.g. enrollment_term[overrides][StudentEnrollment][start_at]');
    for (const [key, dates] of Object.entries(et.overrides)) {
      const type = classify(key);
      if (!isEnrollmentType(type)) throw messageOnly(400, 'Invalid enrollment type in overrides');
      if (dates !== null && dates !== '' && !isRecord(dates))
        throw errorList(400, `enrollment_term[overrides][${type}] must be a hash with start_at and end_at`);
      overrides.set(type, isRecord(dates) ? dates : {});
    }
  }

  const sisRaw = et.sis_source_id ?? et.sis_term_id;
  let sisId: string | null | undefined;
  if (sisRaw !== undefined && sisRaw !== null) {
    if (typeof sisRaw === 'string') sisId = sisRaw === '' ? null : sisRaw;
    else if (typeof sisRaw === 'number' && Number.isFinite(sisRaw)) sisId = String(sisRaw);
    else throw messageOnly(400, 'Invalid SIS ID');
  }

  let overrideSisStickiness = true;
  const stickiness = b.override_sis_stickiness ?? query.override_sis_stickiness;
  if (method === 'PUT' && stickiness !== undefined) {
    const parsed = parseCanvasBoolean(Array.isArray(stickiness) ? stickiness[stickiness.length - 1] : stickiness);
    if (parsed === undefined) throw errorList(400, 'override_sis_stickiness must be true or false (or t/f, yes/no, y/n, on/off, 1/0)');
    overrideSisStickiness = parsed;
  }

  const out: TermBody = { overrides, overrideSisStickiness };
  if ('name' in et) out.name = et.name;
  if ('start_at' in et) out.startAt = et.start_at;
  if ('end_at' in et) out.endAt = et.end_at;
  if (sisId !== undefined) out.sisId = sisId;
  return out;
}

/** Drops the fields an SIS import made sticky (override_sis_stickiness=false). */
export function withoutStuckFields(body: TermBody, stuck: StickyField[]): TermBody {
  const out: TermBody = { ...body };
  if (stuck.includes('name')) delete out.name;
  if (stuck.includes('start_at')) delete out.startAt;
  if (stuck.includes('end_at')) delete out.endAt;
  return out;
}

/**
 * Step 5: parses the term's and each override's dates, and rejects an end before its start
 * within the same hash (equal is fine; a stored start against a new end is the store's check).
 */
export function parseTermDates(body: TermBody, timeZone: string): TermDates {
  const out: TermDates = { overrides: new Map() };
  if ('startAt' in body) out.startAt = time(body.startAt, 'start_at', timeZone);
  if ('endAt' in body) out.endAt = time(body.endAt, 'end_at', timeZone);
  for (const [type, raw] of body.overrides)
    out.overrides.set(type, { startAt: time(raw.start_at, 'start_at', timeZone), endAt: time(raw.end_at, 'end_at', timeZone) });
  const pairs: [number | null | undefined, number | null | undefined][] = [[out.startAt, out.endAt]];
  for (const o of out.overrides.values()) pairs.push([o.startAt, o.endAt]);
  for (const [start, end] of pairs)
    if (typeof start === 'number' && typeof end === 'number' && end < start)
      throw attributeErrors({ base: ['End dates cannot be before start dates'] });
  return out;
}
