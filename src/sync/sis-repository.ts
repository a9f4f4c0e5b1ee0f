// SIS tables in the store: all-or-nothing saves (every reference checked first, one
// transaction) that mark the schools they touch for the sync, and reads for derivation.
import { writeTransaction } from '../store/write-transaction.ts';
import { sql, type RawBuilder } from 'kysely';
import type { Db } from '../store/database.ts';
import { emptyDataset, SIS_TABLES, type SisDataset, type SisTable } from './sis-model.ts';
import type { SisProblem } from './sis-validation.ts';

type Executor = Db;

export interface SaveResult {
  counts: Partial<Record<SisTable, number>>;
  /** Rows that did not exist before this save (the rest replaced a stored row). */
  inserted: Partial<Record<SisTable, number>>;
  problems: SisProblem[];
  /** Schools whose Ed-Fi sessions may have changed. */
  schools: number[];
}

const CHUNK = 500;

export class SisRepository {
  constructor(private readonly db: Db) {}

  /** Upserts every row of the dataset (replace: the tenant's SIS data becomes exactly this). */
  async save(tenantId: string, data: SisDataset, options: { replace?: boolean } = {}): Promise<SaveResult> {
    return writeTransaction(this.db, async (tx) => {
      const tenant = await sql`SELECT 1 FROM tenants WHERE tenant_id = ${tenantId}`.execute(tx);
      if (tenant.rows.length === 0) return { counts: {}, inserted: {}, problems: [{ path: '$', message: `tenant '${tenantId}' does not exist` }], schools: [] };
      const touched = new Set<number>();
      if (options.replace) {
        for (const s of await allSchools(tx, tenantId)) touched.add(s);
        for (const t of ['sis_sync_years', 'sis_term_type_mappings', 'sis_schools'])
          await sql`DELETE FROM ${sql.table(t)} WHERE tenant_id = ${tenantId}`.execute(tx);
      }
      const problems = await checkReferences(tx, tenantId, data);
      if (problems.length) return { counts: {}, inserted: {}, problems, schools: [] };
      for (const s of await schoolsTouched(tx, tenantId, data)) touched.add(s);
      const counts: Partial<Record<SisTable, number>> = {};
      const inserted: Partial<Record<SisTable, number>> = {};
      for (const table of SIS_TABLES) {
        const rows = data[table] as unknown as Record<string, unknown>[];
        if (rows.length === 0) continue;
        let fresh = 0;
        for (let i = 0; i < rows.length; i += CHUNK) fresh += await upsert(tx, tenantId, table, rows.slice(i, i + CHUNK));
        counts[table] = rows.length;
        inserted[table] = fresh;
      }
      for (const s of await schoolsTouched(tx, tenantId, data)) touched.add(s);
      await markDirty(tx, tenantId, [...touched]);
      return { counts, inserted, problems: [], schools: [...touched].sort((a, b) => a - b) };
    });
  }

  /** Deletes one row by its key (dependent SIS rows go with it); false when there was none. */
  async remove(tenantId: string, table: SisTable, key: Record<string, string | number>): Promise<boolean> {
    return writeTransaction(this.db, async (tx) => {
      const probe = { ...emptyDataset(), [table]: [key] } as SisDataset;
      const schools = await schoolsTouched(tx, tenantId, probe);
      const where = keyCondition(table, tenantId, key);
      const r = await sql`DELETE FROM ${sql.table(TABLE_NAME[table])} WHERE ${where}`.execute(tx);
      if (Number(r.numAffectedRows ?? 0) === 0) return false;
      await markDirty(tx, tenantId, schools);
      return true;
    });
  }

  /** The SIS data of some schools (all when schoolIds is null), in derivation shape. */
  async load(tenantId: string, schoolIds: number[] | null = null): Promise<SisDataset> {
    const db = this.db;
    const ids = schoolIds ? schoolIds.map(String) : null;
    const inSchools = (col: RawBuilder<unknown>) => (ids ? sql`AND ${col} = ANY(${ids}::bigint[])` : sql``);
    const calendarsOf = ids ? sql`AND calendar_id IN (SELECT calendar_id FROM sis_calendars WHERE tenant_id = ${tenantId} AND school_id = ANY(${ids}::bigint[]))` : sql``;
    const [schools, calendars, terms, days, sections, gps, mappings, years] = await Promise.all([
      sql<any>`SELECT * FROM sis_schools WHERE tenant_id = ${tenantId} ${inSchools(sql.ref('school_id'))}`.execute(db),
      sql<any>`SELECT * FROM sis_calendars WHERE tenant_id = ${tenantId} ${inSchools(sql.ref('school_id'))}`.execute(db),
      sql<any>`SELECT * FROM sis_terms WHERE tenant_id = ${tenantId} ${calendarsOf}`.execute(db),
      sql<any>`SELECT calendar_id, day, instructional FROM sis_calendar_days WHERE tenant_id = ${tenantId} ${calendarsOf}`.execute(db),
      sql<any>`SELECT s.* FROM sis_course_sections s JOIN sis_terms t ON t.tenant_id = s.tenant_id AND t.term_id = s.term_id
               WHERE s.tenant_id = ${tenantId} ${ids ? sql`AND t.calendar_id IN (SELECT calendar_id FROM sis_calendars WHERE tenant_id = ${tenantId} AND school_id = ANY(${ids}::bigint[]))` : sql``}`.execute(db),
      sql<any>`SELECT * FROM sis_grading_periods WHERE tenant_id = ${tenantId} ${inSchools(sql.ref('school_id'))}`.execute(db),
      sql<any>`SELECT * FROM sis_term_type_mappings WHERE tenant_id = ${tenantId}`.execute(db),
      sql<any>`SELECT * FROM sis_sync_years WHERE tenant_id = ${tenantId}`.execute(db),
    ]);
    return {
      schools: schools.rows.map((r) => ({ schoolId: Number(r.school_id), name: r.name, exclude: r.exclude })),
      calendars: calendars.rows.map((r) => ({ calendarId: r.calendar_id, schoolId: Number(r.school_id), schoolYear: r.school_year, name: r.name, exclude: r.exclude })),
      terms: terms.rows.map((r) => ({
        termId: r.term_id,
        calendarId: r.calendar_id,
        scheduleStructure: r.schedule_structure,
        name: r.name,
        termTypeCode: r.term_type_code,
        startDate: r.start_date,
        endDate: r.end_date,
      })),
      calendarDays: days.rows.map((r) => ({ calendarId: r.calendar_id, date: r.day, instructional: r.instructional })),
      courseSections: sections.rows.map((r) => ({
        courseId: r.course_id,
        sectionId: r.section_id,
        termId: r.term_id,
        active: r.active,
        exclude: r.exclude,
        courseTermTypeOverride: r.course_term_type_override,
        sectionTermTypeOverride: r.section_term_type_override,
      })),
      gradingPeriods: gps.rows.map((r) => ({
        gradingPeriodId: r.grading_period_id,
        schoolId: Number(r.school_id),
        schoolYear: r.school_year,
        name: r.name,
        descriptor: r.descriptor,
        periodSequence: r.period_sequence,
        beginDate: r.begin_date,
        endDate: r.end_date,
      })),
      termTypeMappings: mappings.rows.map((r) => ({ schoolYear: r.school_year, termTypeCode: r.term_type_code, termDescriptor: r.term_descriptor })),
      syncYears: years.rows.map((r) => ({ schoolYear: r.school_year, stateCode: r.state_code, sessionsEnabled: r.sessions_enabled })),
    };
  }

  /** One row by key, in upload shape, or null. */
  async get(tenantId: string, table: SisTable, key: Record<string, string | number>): Promise<Record<string, unknown> | null> {
    const r = await sql<Record<string, unknown>>`SELECT * FROM ${sql.table(TABLE_NAME[table])} WHERE ${keyCondition(table, tenantId, key)}`.execute(this.db);
    const row = r.rows[0];
    if (!row) return null;
    const out: Record<string, unknown> = {};
    for (const [field, column] of Object.entries(COLUMNS[table])) {
      const v = row[column];
      out[field] = field === 'schoolId' && v !== null ? Number(v) : v;
    }
    return out;
  }

  async schools(tenantId: string): Promise<number[]> {
    return allSchools(this.db, tenantId);
  }
}

export const TABLE_NAME: Record<SisTable, string> = {
  schools: 'sis_schools',
  calendars: 'sis_calendars',
  terms: 'sis_terms',
  calendarDays: 'sis_calendar_days',
  courseSections: 'sis_course_sections',
  gradingPeriods: 'sis_grading_periods',
  termTypeMappings: 'sis_term_type_mappings',
  syncYears: 'sis_sync_years',
};

/** Upload field -> column, in insert order; the first SIS_KEYS fields form the conflict target. */
const COLUMNS: Record<SisTable, Record<string, string>> = {
  schools: { schoolId: 'school_id', name: 'name', exclude: 'exclude' },
  calendars: { calendarId: 'calendar_id', schoolId: 'school_id', schoolYear: 'school_year', name: 'name', exclude: 'exclude' },
  terms: {
    termId: 'term_id',
    calendarId: 'calendar_id',
    scheduleStructure: 'schedule_structure',
    name: 'name',
    termTypeCode: 'term_type_code',
    startDate: 'start_date',
    endDate: 'end_date',
  },
  calendarDays: { calendarId: 'calendar_id', date: 'day', instructional: 'instructional' },
  courseSections: {
    courseId: 'course_id',
    sectionId: 'section_id',
    termId: 'term_id',
    active: 'active',
    exclude: 'exclude',
    courseTermTypeOverride: 'course_term_type_override',
    sectionTermTypeOverride: 'section_term_type_override',
  },
  gradingPeriods: {
    gradingPeriodId: 'grading_period_id',
    schoolId: 'school_id',
    schoolYear: 'school_year',
    name: 'name',
    descriptor: 'descriptor',
    periodSequence: 'period_sequence',
    beginDate: 'begin_date',
    endDate: 'end_date',
  },
  termTypeMappings: { schoolYear: 'school_year', termTypeCode: 'term_type_code', termDescriptor: 'term_descriptor' },
  syncYears: { schoolYear: 'school_year', stateCode: 'state_code', sessionsEnabled: 'sessions_enabled' },
};

const KEY_COLUMNS: Record<SisTable, string[]> = {
  schools: ['school_id'],
  calendars: ['calendar_id'],
  terms: ['term_id'],
  calendarDays: ['calendar_id', 'day'],
  courseSections: ['course_id', 'section_id'],
  gradingPeriods: ['grading_period_id'],
  termTypeMappings: ['school_year', 'term_type_code'],
  syncYears: ['school_year'],
};

const DATE_FIELDS = new Set(['startDate', 'endDate', 'beginDate', 'date']);

function keyCondition(table: SisTable, tenantId: string, key: Record<string, string | number>) {
  const fields = Object.entries(COLUMNS[table]).filter(([, c]) => KEY_COLUMNS[table].includes(c));
  return sql.join(
    [sql`tenant_id = ${tenantId}`, ...fields.map(([f, c]) => sql`${sql.ref(c)} = ${DATE_FIELDS.has(f) ? sql`${key[f]}::date` : key[f]}`)],
    sql` AND `,
  );
}

/** Inserts or replaces rows by key; the number that were new. */
async function upsert(tx: Executor, tenantId: string, table: SisTable, rows: Record<string, unknown>[]): Promise<number> {
  const cols = Object.entries(COLUMNS[table]);
  const values = rows.map(
    (r) => sql`(${sql.join([sql`${tenantId}`, ...cols.map(([f]) => (DATE_FIELDS.has(f) ? sql`${r[f] ?? null}::date` : sql`${r[f] ?? null}`))])})`,
  );
  const keys = KEY_COLUMNS[table];
  const updates = cols.map(([, c]) => c).filter((c) => !keys.includes(c));
  const hasUpdatedAt = !['calendarDays', 'termTypeMappings', 'syncYears'].includes(table);
  const set = [...updates.map((c) => sql`${sql.ref(c)} = EXCLUDED.${sql.ref(c)}`), ...(hasUpdatedAt ? [sql`updated_at = now()`] : [])];
  // xmax is 0 on a row version this statement inserted, and the locker's id on one it updated:
  // the row lock ON CONFLICT takes makes two concurrent upserts of one key one insert and one update.
  const r = await sql<{ inserted: boolean }>`INSERT INTO ${sql.table(TABLE_NAME[table])} (tenant_id, ${sql.join(cols.map(([, c]) => sql.ref(c)))})
    VALUES ${sql.join(values)}
    ON CONFLICT (tenant_id, ${sql.join(keys.map((k) => sql.ref(k)))}) DO ${set.length ? sql`UPDATE SET ${sql.join(set)}` : sql`NOTHING`}
    RETURNING (xmax = 0) AS inserted`.execute(tx);
  return r.rows.filter((x) => x.inserted).length;
}

async function existing(tx: Executor, tenantId: string, table: string, column: string, wanted: string[]): Promise<Set<string>> {
  if (wanted.length === 0) return new Set();
  const r = await sql<{ v: string }>`SELECT ${sql.ref(column)}::text AS v FROM ${sql.table(table)} WHERE tenant_id = ${tenantId} AND ${sql.ref(column)}::text = ANY(${wanted}::text[])`.execute(tx);
  return new Set(r.rows.map((x) => x.v));
}

/** Every reference resolves to a row in this upload or already stored; else a problem per row. */
async function checkReferences(tx: Executor, tenantId: string, d: SisDataset): Promise<SisProblem[]> {
  const problems: SisProblem[] = [];
  const schoolRefs = [...d.calendars.map((c) => String(c.schoolId)), ...d.gradingPeriods.map((g) => String(g.schoolId))];
  const schools = new Set([...d.schools.map((s) => String(s.schoolId)), ...(await existing(tx, tenantId, 'sis_schools', 'school_id', [...new Set(schoolRefs)]))]);
  const calendarRefs = [...d.terms.map((t) => t.calendarId), ...d.calendarDays.map((x) => x.calendarId)];
  const calendars = new Set([...d.calendars.map((c) => c.calendarId), ...(await existing(tx, tenantId, 'sis_calendars', 'calendar_id', [...new Set(calendarRefs)]))]);
  const terms = new Set([...d.terms.map((t) => t.termId), ...(await existing(tx, tenantId, 'sis_terms', 'term_id', [...new Set(d.courseSections.map((c) => c.termId))]))]);
  d.calendars.forEach((c, i) => {
    if (!schools.has(String(c.schoolId))) problems.push({ path: `$.calendars[${i}].schoolId`, message: `school ${c.schoolId} does not exist; add it to schools first` });
  });
  d.gradingPeriods.forEach((g, i) => {
    if (!schools.has(String(g.schoolId))) problems.push({ path: `$.gradingPeriods[${i}].schoolId`, message: `school ${g.schoolId} does not exist; add it to schools first` });
  });
  d.terms.forEach((t, i) => {
    if (!calendars.has(t.calendarId)) problems.push({ path: `$.terms[${i}].calendarId`, message: `calendar '${t.calendarId}' does not exist; add it to calendars first` });
  });
  let missingDays = 0;
  d.calendarDays.forEach((x, i) => {
    if (!calendars.has(x.calendarId) && missingDays++ < 20)
      problems.push({ path: `$.calendarDays[${i}].calendarId`, message: `calendar '${x.calendarId}' does not exist; add it to calendars first` });
  });
  d.courseSections.forEach((c, i) => {
    if (!terms.has(c.termId)) problems.push({ path: `$.courseSections[${i}].termId`, message: `term '${c.termId}' does not exist; add it to terms first` });
  });
  return problems;
}

async function allSchools(db: Executor, tenantId: string): Promise<number[]> {
  const r = await sql<{ school_id: string }>`SELECT school_id FROM sis_schools WHERE tenant_id = ${tenantId} ORDER BY school_id`.execute(db);
  return r.rows.map((x) => Number(x.school_id));
}

/** The schools whose derivation depends on the rows named in the dataset, as stored now. */
async function schoolsTouched(tx: Executor, tenantId: string, d: SisDataset): Promise<number[]> {
  if (d.termTypeMappings.length || d.syncYears.length) return allSchools(tx, tenantId);
  const out = new Set<number>();
  for (const s of d.schools) out.add(Number(s.schoolId));
  for (const g of d.gradingPeriods) if (g.schoolId !== undefined) out.add(Number(g.schoolId));
  for (const c of d.calendars) if (c.schoolId !== undefined) out.add(Number(c.schoolId));
  const calendarIds = [...new Set([...d.calendars.map((c) => c.calendarId), ...d.terms.map((t) => t.calendarId), ...d.calendarDays.map((x) => x.calendarId)].filter(Boolean))];
  const termIds = [...new Set([...d.terms.map((t) => t.termId), ...d.courseSections.map((c) => c.termId)].filter(Boolean))];
  const sectionKeys = d.courseSections.map((c) => `${c.courseId}|${c.sectionId}`);
  const gpIds = d.gradingPeriods.map((g) => g.gradingPeriodId);
  const r = await sql<{ school_id: string }>`
    SELECT school_id FROM sis_calendars WHERE tenant_id = ${tenantId} AND calendar_id = ANY(${calendarIds}::text[])
    UNION SELECT c.school_id FROM sis_terms t JOIN sis_calendars c ON c.tenant_id = t.tenant_id AND c.calendar_id = t.calendar_id
      WHERE t.tenant_id = ${tenantId} AND t.term_id = ANY(${termIds}::text[])
    UNION SELECT c.school_id FROM sis_course_sections s JOIN sis_terms t ON t.tenant_id = s.tenant_id AND t.term_id = s.term_id
      JOIN sis_calendars c ON c.tenant_id = t.tenant_id AND c.calendar_id = t.calendar_id
      WHERE s.tenant_id = ${tenantId} AND (s.course_id || '|' || s.section_id) = ANY(${sectionKeys}::text[])
    UNION SELECT school_id FROM sis_grading_periods WHERE tenant_id = ${tenantId} AND grading_period_id = ANY(${gpIds}::text[])`.execute(tx);
  for (const x of r.rows) out.add(Number(x.school_id));
  return [...out];
}

export async function markDirty(db: Executor, tenantId: string, schoolIds: number[]): Promise<void> {
  if (schoolIds.length === 0) return;
  await sql`INSERT INTO sync_dirty_schools (tenant_id, school_id)
    SELECT ${tenantId}, unnest(${schoolIds.map(String)}::bigint[])
    ON CONFLICT (tenant_id, school_id) DO UPDATE SET marked_at = now()`.execute(db);
}
