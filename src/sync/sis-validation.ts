// Checks SIS rows before anything reaches the database, with a message per field a person can
// act on. Accepts JSON values or CSV strings ("true", "2026", "" for empty).
import { shownValue } from '../domain/shown-value.ts';
import { isIsoDate, withinSqlRange } from '../domain/calendar-date.ts';
import { emptyDataset, SIS_TABLES, type SisDataset, type SisTable } from './sis-model.ts';
import type { StateRuleBook } from './derive/state-rules.ts';

export interface SisProblem {
  path: string;
  message: string;
}

type Kind = 'id' | 'text' | 'bigint' | 'year' | 'bool' | 'date' | 'code' | 'uri' | 'int' | 'state';

interface Field {
  kind: Kind;
  /** May be null/absent; absent booleans take `fallback`. */
  nullable?: boolean;
  fallback?: unknown;
}

export const SIS_FIELDS: Record<SisTable, Record<string, Field>> = {
  schools: { schoolId: { kind: 'bigint' }, name: { kind: 'text' }, exclude: { kind: 'bool', fallback: false } },
  calendars: {
    calendarId: { kind: 'id' },
    schoolId: { kind: 'bigint' },
    schoolYear: { kind: 'year' },
    name: { kind: 'text' },
    exclude: { kind: 'bool', fallback: false },
  },
  terms: {
    termId: { kind: 'id' },
    calendarId: { kind: 'id' },
    scheduleStructure: { kind: 'id', fallback: 'main' },
    name: { kind: 'text' },
    termTypeCode: { kind: 'code', nullable: true },
    startDate: { kind: 'date', nullable: true },
    endDate: { kind: 'date', nullable: true },
  },
  calendarDays: { calendarId: { kind: 'id' }, date: { kind: 'date' }, instructional: { kind: 'bool' } },
  courseSections: {
    courseId: { kind: 'id' },
    sectionId: { kind: 'id' },
    termId: { kind: 'id' },
    active: { kind: 'bool', fallback: true },
    exclude: { kind: 'bool', fallback: false },
    courseTermTypeOverride: { kind: 'code', nullable: true },
    sectionTermTypeOverride: { kind: 'code', nullable: true },
  },
  gradingPeriods: {
    gradingPeriodId: { kind: 'id' },
    schoolId: { kind: 'bigint' },
    schoolYear: { kind: 'year' },
    name: { kind: 'text' },
    descriptor: { kind: 'uri' },
    periodSequence: { kind: 'int', nullable: true },
    beginDate: { kind: 'date' },
    endDate: { kind: 'date' },
  },
  termTypeMappings: { schoolYear: { kind: 'year' }, termTypeCode: { kind: 'code' }, termDescriptor: { kind: 'uri', nullable: true } },
  syncYears: { schoolYear: { kind: 'year' }, stateCode: { kind: 'state' }, sessionsEnabled: { kind: 'bool', fallback: true } },
};

/** The fields that identify a row of each table. */
export const SIS_KEYS: Record<SisTable, string[]> = {
  schools: ['schoolId'],
  calendars: ['calendarId'],
  terms: ['termId'],
  calendarDays: ['calendarId', 'date'],
  courseSections: ['courseId', 'sectionId'],
  gradingPeriods: ['gradingPeriodId'],
  termTypeMappings: ['schoolYear', 'termTypeCode'],
  syncYears: ['schoolYear'],
};

const NAME_MAX = 60;
/** PostgreSQL's integer. */
const INT_MAX = 2_147_483_647;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Why a string is not text PostgreSQL can store (a NUL, half a surrogate pair), or null. */
function notText(s: string): string | null {
  if (s.includes('\0')) return 'holds a NUL character (\\u0000), which is not text; remove it';
  if (LONE_SURROGATE.test(s)) return 'holds half of a UTF-16 surrogate pair, which is not text';
  return null;
}

/** One row: coerced to its typed shape, or the problems with it. */
export function validateSisRow(table: SisTable, raw: unknown, path: string, rules: StateRuleBook): { row?: Record<string, unknown>; problems: SisProblem[] } {
  const problems: SisProblem[] = [];
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return { problems: [{ path, message: 'must be an object' }] };
  const input = raw as Record<string, unknown>;
  const fields = SIS_FIELDS[table];
  for (const k of Object.keys(input))
    if (!(k in fields)) problems.push({ path: `${path}.${k}`, message: `unknown field; ${table} rows have ${Object.keys(fields).join(', ')}` });
  const row: Record<string, unknown> = {};
  for (const [name, field] of Object.entries(fields)) {
    const p = `${path}.${name}`;
    let v = input[name];
    if (v === '' || v === undefined) v = null;
    if (v === null) {
      if (field.fallback !== undefined) row[name] = field.fallback;
      else if (field.nullable) row[name] = null;
      else problems.push({ path: p, message: 'is required' });
      continue;
    }
    const coerced = coerce(field.kind, v, rules);
    if ('problem' in coerced) problems.push({ path: p, message: coerced.problem });
    else row[name] = coerced.value;
  }
  if (problems.length === 0) {
    const [b, e] = table === 'terms' ? ['startDate', 'endDate'] : table === 'gradingPeriods' ? ['beginDate', 'endDate'] : [];
    if (b && e && row[b] !== null && row[e] !== null && (row[b] as string) > (row[e] as string))
      problems.push({ path: `${path}.${e}`, message: `${row[e]} is before ${b} ${row[b]}` });
  }
  return problems.length ? { problems } : { row, problems };
}

/** One field of one table from its raw (URL or CSV) text: the typed value or why not. */
export function coerceField(table: SisTable, field: string, raw: unknown, rules: StateRuleBook): { value: unknown } | { problem: string } {
  const f = SIS_FIELDS[table][field];
  if (!f) return { problem: `${table} rows have no field ${field}` };
  if (raw === '' || raw === null || raw === undefined) return { problem: 'is required' };
  return coerce(f.kind, raw, rules);
}

function coerce(kind: Kind, v: unknown, rules: StateRuleBook): { value: unknown } | { problem: string } {
  switch (kind) {
    case 'id':
    case 'text': {
      const s = typeof v === 'number' ? String(v) : v;
      if (typeof s !== 'string') return { problem: 'must be a string' };
      const bad = notText(s);
      if (bad) return { problem: bad };
      if (s.trim() !== s) return { problem: 'cannot contain leading or trailing spaces' };
      if (kind === 'id' && s.length > 100) return { problem: 'must be at most 100 characters' };
      if (kind === 'text' && s.length > 200) return { problem: 'must be at most 200 characters' };
      return { value: s };
    }
    case 'code': {
      if (typeof v !== 'string' || !/^[A-Za-z0-9_-]{1,20}$/.test(v)) return { problem: `'${String(v)}' is not a term type code (letters and digits, e.g. Q1, S1, SM, YR)` };
      return { value: v };
    }
    case 'bigint':
    case 'int':
    case 'year': {
      const n = typeof v === 'string' && /^-?\d+$/.test(v.trim()) ? Number(v) : v;
      if (typeof n !== 'number' || !Number.isSafeInteger(n)) return { problem: `'${String(v)}' is not a whole number` };
      if (kind === 'year' && (n < 1991 || n > 2100)) return { problem: `${n} is not a school year (the year it ends, e.g. 2026 for 2025-2026)` };
      if (kind === 'bigint' && (n <= 0 || n > 9_007_199_254_740_991)) return { problem: `${n} must be a positive number` };
      if (kind === 'int' && (n < 0 || n > INT_MAX)) return { problem: `${n} must be from 0 to ${INT_MAX}` };
      return { value: n };
    }
    case 'bool': {
      if (typeof v === 'boolean') return { value: v };
      const s = typeof v === 'string' || typeof v === 'number' ? String(v).trim().toLowerCase() : '';
      if (['true', '1', 'yes', 'y'].includes(s)) return { value: true };
      if (['false', '0', 'no', 'n'].includes(s)) return { value: false };
      return { problem: `'${shownValue(v)}' is not true or false` };
    }
    case 'date': {
      if (!isIsoDate(v)) return { problem: `'${shownValue(v)}' is not a date (YYYY-MM-DD)` };
      if (!withinSqlRange(v)) return { problem: `${v} must be between 1753-01-01 and 9999-12-31` };
      return { value: v };
    }
    case 'uri': {
      if (typeof v === 'string' && notText(v)) return { problem: notText(v)! };
      if (typeof v !== 'string' || !/^[^#\s][^#]*#[^#]+$/.test(v) || v.length > 306)
        return { problem: `'${shownValue(v)}' is not a descriptor URI (namespace#codeValue, e.g. uri://ed-fi.org/TermDescriptor#Fall Semester)` };
      return { value: v };
    }
    case 'state': {
      if (typeof v !== 'string') return { problem: 'must be a state code' };
      const code = v.toUpperCase();
      if (!rules.has(code)) return { problem: `no rules for state '${v}'; known states: ${[...rules.keys()].join(', ')} (add src/sync/state-rules/${code}.json)` };
      return { value: code };
    }
  }
}

export function rowKey(table: SisTable, row: Record<string, unknown>): string {
  return SIS_KEYS[table].map((k) => String(row[k])).join('|');
}

/** A whole upload: every table optional, rows checked, duplicates and name lengths refused. */
export function validateSisDataset(input: unknown, rules: StateRuleBook): { dataset: SisDataset; problems: SisProblem[] } {
  const dataset = emptyDataset();
  const problems: SisProblem[] = [];
  if (input === null || typeof input !== 'object' || Array.isArray(input))
    return { dataset, problems: [{ path: '$', message: `must be an object with any of: ${SIS_TABLES.join(', ')}` }] };
  for (const k of Object.keys(input))
    if (!(SIS_TABLES as readonly string[]).includes(k)) problems.push({ path: `$.${k}`, message: `unknown table; expected ${SIS_TABLES.join(', ')}` });
  for (const table of SIS_TABLES) {
    const rows = (input as Record<string, unknown>)[table];
    if (rows === undefined) continue;
    if (!Array.isArray(rows)) {
      problems.push({ path: `$.${table}`, message: 'must be an array of rows' });
      continue;
    }
    const seen = new Map<string, number>();
    rows.forEach((raw, i) => {
      const path = `$.${table}[${i}]`;
      const r = validateSisRow(table, raw, path, rules);
      problems.push(...r.problems);
      // Duplicates are found on the raw key, so a row that is also invalid is still reported.
      if (raw !== null && typeof raw === 'object') {
        const key = rowKey(table, r.row ?? (raw as Record<string, unknown>));
        const first = seen.get(key);
        if (first !== undefined) problems.push({ path, message: `duplicates ${table}[${first}] (${SIS_KEYS[table].join(', ')} = ${key})` });
        else seen.set(key, i);
      }
      if (r.row) (dataset[table] as unknown[]).push(r.row);
    });
  }
  const gpKeys = new Map<string, number>();
  dataset.gradingPeriods.forEach((g, i) => {
    if (g.name.length > NAME_MAX) problems.push({ path: `$.gradingPeriods[${i}].name`, message: `must be at most ${NAME_MAX} characters (Ed-Fi gradingPeriodName)` });
    const k = `${g.descriptor}|${g.name}|${g.schoolId}|${g.schoolYear}`;
    const first = gpKeys.get(k);
    if (first !== undefined)
      problems.push({ path: `$.gradingPeriods[${i}]`, message: `has the same Ed-Fi identity (descriptor, name, school, year) as gradingPeriods[${first}]` });
    else gpKeys.set(k, i);
  });
  return { dataset, problems };
}
