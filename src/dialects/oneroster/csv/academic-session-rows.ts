// academicSessions.csv, streamed row by row into canonical records. The binding's nine columns
// come first, in order; termbridge's own columns follow as `metadata.*` extensions (the binding
// allows metadata columns at the right), so an export carries everything OneRoster shows.
import type { Readable } from 'node:stream';
import { isIsoDate, MAX_DATE, MIN_DATE, withinSqlRange } from '../../../domain/calendar-date.ts';
import type { SessionStatus, SessionType } from '../../../domain/session.ts';
import { validateSession } from '../../../domain/validation.ts';
import { GUID } from '../academic-session-input.ts';
import { canonicalEndDate, canonicalStatus, canonicalType, WIRE_TYPES } from '../wire-values.ts';
import { csvRecordBatches, type CsvReadOptions } from '../../../files/csv-records.ts';
import { UnreadableFileError } from '../../../files/unreadable-file.ts';
import { badCellProblems, unreadableProblem, type CsvProblem } from './csv-problem.ts';
import type { FileMode } from './manifest.ts';

export const SESSION_COLUMNS = ['sourcedId', 'status', 'dateLastModified', 'title', 'type', 'startDate', 'endDate', 'parentSourcedId', 'schoolYear'] as const;
/** termbridge's extension columns, in this order when exported. */
export const SESSION_EXTENSIONS = [
  'metadata.orgSourcedId',
  'metadata.termDescriptor',
  'metadata.gradingPeriodDescriptor',
  'metadata.periodSequence',
  'metadata.totalInstructionalDays',
  'metadata.extra',
] as const;

export interface SessionRecord {
  line: number;
  sourcedId: string;
  /** Delta rows only; bulk rows are active. */
  status: SessionStatus;
  dateLastModified: string | null;
  name: string;
  type: SessionType;
  beginDate: string;
  /** Canonical: the last day. */
  endDate: string;
  parentSourcedId: string | null;
  schoolYear: number;
  /** undefined: the file has no such column (keep what is stored). null: district-wide. */
  orgSourcedId: string | null | undefined;
  termDescriptor: string | null | undefined;
  gradingPeriodDescriptor: string | null | undefined;
  periodSequence: number | null | undefined;
  totalInstructionalDays: number | null | undefined;
  /** Other metadata.* columns (and metadata.extra's JSON); undefined when the file has none. */
  extra: Record<string, unknown> | undefined;
}

/** A refused row names its sourcedId when it has one, so the set's checks can leave out what
 * only its absence causes (its children's missing parent). */
export type RowResult = { record: SessionRecord } | { problems: CsvProblem[]; sourcedId?: string };

const FILE = 'academicSessions.csv';

// A file repeats the same few hundred dates a million times: check and convert each once.
// (Plain functions, no closures per row: tsx names every closure it creates, which costs.)
const DATE_CACHE_LIMIT = 50_000;
const validDates = new Map<string, boolean>();
const endDates = new Map<string, string>();
function isDate(v: string): boolean {
  let ok = validDates.get(v);
  if (ok === undefined) {
    if (validDates.size >= DATE_CACHE_LIMIT) validDates.clear();
    ok = isIsoDate(v) && withinSqlRange(v);
    validDates.set(v, ok);
  }
  return ok;
}
function toCanonicalEnd(v: string): string {
  let end = endDates.get(v);
  if (end === undefined) {
    if (endDates.size >= DATE_CACHE_LIMIT) endDates.clear();
    end = canonicalEndDate(v);
    endDates.set(v, end);
  }
  return end;
}
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?Z$/;
// JSON.stringify writes a NUL or a lone surrogate as a \u escape (and a backslash as \\); PostgreSQL's
// jsonb refuses both, so metadata.extra holding one is the row's problem, not a failed write.
const UNSTORABLE_JSON = /(?<!\\)(?:\\\\)*\\u(?:0000|d[89a-f])/i;

/** Checks the header; returns the extension columns' positions or the problem. */
export function checkHeader(header: string[]): { extensions: string[] } | { problem: CsvProblem } {
  const expected = SESSION_COLUMNS.join(',');
  const got = header.slice(0, SESSION_COLUMNS.length);
  if (got.join(',') !== expected) {
    const at = SESSION_COLUMNS.findIndex((c, i) => got[i] !== c);
    return {
      problem: {
        file: FILE,
        line: 1,
        column: SESSION_COLUMNS[at] ?? '',
        reason: `the header must start ${expected} (names and order exactly as the binding); column ${at + 1} is '${got[at] ?? '(missing)'}', expected '${SESSION_COLUMNS[at]}'.`,
      },
    };
  }
  const extensions = header.slice(SESSION_COLUMNS.length);
  const bad = extensions.find((c) => !c.startsWith('metadata.'));
  if (bad !== undefined) return { problem: { file: FILE, line: 1, column: bad, reason: `extra column '${bad}': only metadata.* columns may follow the binding's columns.` } };
  const dup = extensions.find((c, i) => extensions.indexOf(c) !== i);
  if (dup !== undefined) return { problem: { file: FILE, line: 1, column: dup, reason: `column '${dup}' appears twice.` } };
  return { extensions };
}

function addProblem(problems: CsvProblem[], line: number, column: string, reason: string): void {
  problems.push({ file: FILE, line, column, reason });
}

/** `endDate: 'inclusive'`: the file's endDate is the session's last day (a OneRoster 1.1 set). */
export function parseSessionRow(row: string[], line: number, extensions: string[], mode: FileMode, endMeaning: 'exclusive' | 'inclusive' = 'exclusive'): RowResult {
  const problems: CsvProblem[] = [];
  const width = SESSION_COLUMNS.length + extensions.length;
  if (row.length !== width)
    return { problems: [{ file: FILE, line, column: '', reason: `the row has ${row.length} columns; the header has ${width}.` }], ...(GUID.test(row[0] ?? '') ? { sourcedId: row[0] } : {}) };
  const [sourcedId, status, dateLastModified, title, type, startDate, endDate, parentSourcedId, schoolYear] = row as [string, string, string, string, string, string, string, string, string];

  if (!GUID.test(sourcedId)) addProblem(problems, line, 'sourcedId', `'${sourcedId}' is not a sourcedId: 1 to 255 characters of 0-9 a-z A-Z . - _ / @.`);
  let canonicalStatusValue: SessionStatus = 'active';
  if (mode === 'bulk') {
    if (status !== '') addProblem(problems, line, 'status', 'must be empty in a bulk file.');
    if (dateLastModified !== '') addProblem(problems, line, 'dateLastModified', 'must be empty in a bulk file.');
  } else {
    const s = canonicalStatus(status);
    if (!s) addProblem(problems, line, 'status', `must be active or tobedeleted in a delta file, not '${status}'.`);
    else canonicalStatusValue = s;
    if (!DATE_TIME.test(dateLastModified) || Number.isNaN(Date.parse(dateLastModified)))
      addProblem(problems, line, 'dateLastModified', `must be a UTC date-time such as 2026-01-31T12:00:00.000Z in a delta file, not '${dateLastModified}'.`);
  }
  const t = canonicalType(type);
  if (!t) addProblem(problems, line, 'type', `'${type}' is not one of ${WIRE_TYPES.join(', ')}.`);
  const datesOk = isDate(startDate) && isDate(endDate);
  if (!datesOk) for (const [column, value] of [['startDate', startDate], ['endDate', endDate]] as const)
    if (!isDate(value))
      addProblem(problems, line, column, isIsoDate(value) ? `${value} must be within the range ${MIN_DATE} to ${MAX_DATE}.` : `'${value}' is not a date written YYYY-MM-DD.`);
  if (datesOk && endMeaning === 'exclusive' && endDate <= startDate)
    addProblem(problems, line, 'endDate', `${endDate} must be after startDate ${startDate} (endDate is the first day after the session).`);
  if (datesOk && endMeaning === 'inclusive' && endDate < startDate)
    addProblem(problems, line, 'endDate', `${endDate} must not be before startDate ${startDate} (endDate is the session's last day).`);
  if (parentSourcedId !== '' && !GUID.test(parentSourcedId)) addProblem(problems, line, 'parentSourcedId', `'${parentSourcedId}' is not a sourcedId.`);
  if (parentSourcedId !== '' && parentSourcedId === sourcedId) addProblem(problems, line, 'parentSourcedId', 'a session cannot be its own parent.');
  if (!/^\d{4}$/.test(schoolYear)) addProblem(problems, line, 'schoolYear', `'${schoolYear}' is not a year written YYYY.`);

  const record: SessionRecord = {
    line,
    sourcedId,
    status: canonicalStatusValue,
    dateLastModified: dateLastModified === '' ? null : dateLastModified,
    name: title,
    type: t ?? 'other',
    beginDate: startDate,
    endDate: datesOk && endMeaning === 'exclusive' ? toCanonicalEnd(endDate) : endDate,
    parentSourcedId: parentSourcedId === '' ? null : parentSourcedId,
    schoolYear: Number(schoolYear),
    orgSourcedId: undefined,
    termDescriptor: undefined,
    gradingPeriodDescriptor: undefined,
    periodSequence: undefined,
    totalInstructionalDays: undefined,
    extra: undefined,
  };
  for (let i = 0; i < extensions.length; i++) {
    const column = extensions[i]!;
    const value = row[SESSION_COLUMNS.length + i]!;
    switch (column) {
      case 'metadata.orgSourcedId':
        if (value !== '' && !GUID.test(value)) addProblem(problems, line, column, `'${value}' is not a sourcedId.`);
        record.orgSourcedId = value === '' ? null : value;
        break;
      case 'metadata.termDescriptor':
      case 'metadata.gradingPeriodDescriptor':
        record[column === 'metadata.termDescriptor' ? 'termDescriptor' : 'gradingPeriodDescriptor'] = value === '' ? null : value;
        break;
      case 'metadata.periodSequence':
      case 'metadata.totalInstructionalDays': {
        if (value !== '' && !/^\d{1,9}$/.test(value)) addProblem(problems, line, column, `'${value}' is not a whole number.`);
        record[column === 'metadata.periodSequence' ? 'periodSequence' : 'totalInstructionalDays'] = value === '' ? null : Number(value);
        break;
      }
      case 'metadata.extra': {
        record.extra ??= {};
        if (value === '') break;
        try {
          const parsed: unknown = JSON.parse(value);
          if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
          if (UNSTORABLE_JSON.test(JSON.stringify(parsed))) {
            addProblem(problems, line, column, 'holds \\u0000 or an unpaired surrogate (\\ud800–\\udfff), which are not text; remove them.');
            break;
          }
          Object.assign(record.extra, parsed);
        } catch {
          addProblem(problems, line, column, 'must be empty or a JSON object.');
        }
        break;
      }
      default:
        record.extra ??= {};
        if (value !== '') record.extra[column.slice('metadata.'.length)] = value;
    }
  }
  // The domain's rules for the name and school year (the dates were checked above).
  for (const v of validateSession({ name: title, type: record.type, schoolYear: Number(schoolYear) || null, beginDate: null, endDate: null, schoolOrgId: null, parentId: null, termDescriptor: null, gradingPeriodDescriptor: null, periodSequence: null, totalInstructionalDays: null }))
    if ((v.field === 'name' || v.field === 'schoolYear') && !problems.some((p) => p.column === (v.field === 'name' ? 'title' : v.field))) addProblem(problems, line, v.field === 'name' ? 'title' : v.field, v.message);
  return problems.length > 0 ? { problems, ...(GUID.test(sourcedId) ? { sourcedId } : {}) } : { record };
}

export type SessionReadOptions = Omit<CsvReadOptions, 'file'> & { endDate?: 'exclusive' | 'inclusive' };

/**
 * Every row of academicSessions.csv as a record or its problems, a batch per chunk read (so a
 * million rows cost a few hundred awaits, not a million); the header's problem ends it, and so
 * does a file that cannot be read on (its last problem says where and why).
 */
export async function* academicSessionBatches(stream: Readable, mode: FileMode, options: SessionReadOptions = {}): AsyncGenerator<RowResult[]> {
  let header: string[] | null = null;
  let extensions: string[] | null = null;
  let rows = 0;
  try {
    const { endDate: endMeaning, ...csvOptions } = options;
    for await (const batch of csvRecordBatches(stream, { ...csvOptions, file: FILE })) {
      const out: RowResult[] = [];
      for (const r of batch) {
        if (extensions === null) {
          header = r.record;
          const checked = r.badCells ? { problem: badCellProblems(FILE, r, SESSION_COLUMNS)[0]! } : checkHeader(r.record);
          if ('problem' in checked) {
            yield [{ problems: [checked.problem] }];
            return;
          }
          extensions = checked.extensions;
          continue;
        }
        rows++;
        out.push(r.badCells ? { problems: badCellProblems(FILE, r, header) } : parseSessionRow(r.record, r.line, extensions, mode, endMeaning));
      }
      if (out.length > 0) yield out;
    }
  } catch (err) {
    if (!(err instanceof UnreadableFileError)) throw err;
    yield [{ problems: [unreadableProblem(err)] }];
    return;
  }
  if (extensions === null) yield [{ problems: [{ file: FILE, line: 1, column: '', reason: 'the file is empty; it needs the header row.' }] }];
  else if (rows === 0) yield [{ problems: [{ file: FILE, line: 2, column: '', reason: 'the file has no data rows; the binding does not permit that (mark the file absent in the manifest instead).' }] }];
}

/** Every row of academicSessions.csv as a record or its problems; the header's problem ends it. */
export async function* academicSessionRows(stream: Readable, mode: FileMode, options: SessionReadOptions = {}): AsyncGenerator<RowResult> {
  for await (const batch of academicSessionBatches(stream, mode, options)) yield* batch;
}
