// The sessions a console page shows, read through the same repositories the APIs use, grouped
// by school and school year, with each group's warnings.
import type { Session, SessionType } from '../domain/session.ts';
import type { Db } from '../store/database.ts';
import { SessionRepository } from '../store/session-repository.ts';
import { TenantRepository, type Org } from '../store/tenant-repository.ts';
import { and, eq } from '../query/ast.ts';
import { calendarWarnings, type CalendarSession, type CalendarWarning } from './calendar-warnings.ts';

export interface CalendarCell {
  counts: Partial<Record<SessionType, number>>;
  warnings: number;
}

export interface Overview {
  schools: Org[];
  years: number[];
  /** `${schoolId}|${year}` → cell; absent when the school has no session that year. */
  cells: Map<string, CalendarCell>;
  /** District-wide sessions (Canvas terms with no school). */
  districtWide: number;
}

export const cellKey = (schoolId: number | null, year: number) => `${schoolId ?? 'district'}|${year}`;

async function activeSessions(db: Db, tenantId: string, where?: Parameters<typeof and>[0]): Promise<Session[]> {
  const r = await new SessionRepository(db).find(tenantId, {
    where: and(eq('status', 'active'), where),
    sort: [{ field: 'beginDate', direction: 'asc', nulls: 'last' }, { field: 'name', direction: 'asc' }],
    page: { kind: 'all' },
  });
  return r.rows;
}

type OverviewSession = CalendarSession & Pick<Session, 'schoolOrgId' | 'schoolYear'>;

/**
 * The few columns the grid needs of every active session of the tenant: a district of 2,000
 * schools has some 26,000, and the full rows (identifiers, properties, joins) would cost seconds.
 */
async function overviewSessions(db: Db, tenantId: string): Promise<OverviewSession[]> {
  const rows = await db
    .selectFrom('sessions')
    .select(['id', 'name', 'type', 'begin_date', 'end_date', 'total_instructional_days', 'school_org_id', 'school_year'])
    .where('tenant_id', '=', tenantId)
    .where('status', '=', 'active')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    type: r.type as SessionType,
    beginDate: r.begin_date,
    endDate: r.end_date,
    totalInstructionalDays: r.total_instructional_days,
    schoolOrgId: r.school_org_id,
    schoolYear: r.school_year,
  }));
}

export async function loadOverview(db: Db, tenantId: string): Promise<Overview> {
  const tenants = new TenantRepository(db);
  const [orgs, schoolYears, sessions] = await Promise.all([tenants.orgs(tenantId, 'school'), tenants.schoolYears(tenantId), overviewSessions(db, tenantId)]);
  const schools = orgs.filter((o) => o.status === 'active').sort((a, b) => a.name.localeCompare(b.name) || (a.schoolId ?? 0) - (b.schoolId ?? 0));
  const bySchool = new Map(schools.map((s) => [s.id, s]));
  const groups = new Map<string, { year: number; sessions: OverviewSession[] }>();
  let districtWide = 0;
  const years = new Set(schoolYears.map((y) => y.schoolYear));
  for (const s of sessions) {
    const school = s.schoolOrgId ? bySchool.get(s.schoolOrgId) : undefined;
    if (!school || s.schoolYear === null) {
      districtWide++;
      continue;
    }
    years.add(s.schoolYear);
    const key = cellKey(school.schoolId, s.schoolYear);
    const g = groups.get(key) ?? { year: s.schoolYear, sessions: [] };
    g.sessions.push(s);
    groups.set(key, g);
  }
  const cells = new Map<string, CalendarCell>();
  for (const [key, g] of groups) {
    const counts: Partial<Record<SessionType, number>> = {};
    for (const s of g.sessions) counts[s.type] = (counts[s.type] ?? 0) + 1;
    cells.set(key, { counts, warnings: calendarWarnings(g.year, g.sessions).length });
  }
  return { schools, years: [...years].sort((a, b) => b - a), cells, districtWide };
}

export interface SchoolCalendar {
  school: Org;
  year: number;
  sessions: Session[];
  warnings: CalendarWarning[];
}

export async function loadCalendar(db: Db, tenantId: string, schoolId: number, year: number): Promise<SchoolCalendar | null> {
  const school = await new TenantRepository(db).orgBySchoolId(tenantId, schoolId);
  if (!school || school.status !== 'active') return null;
  const sessions = await activeSessions(db, tenantId, and(eq('schoolOrgId', school.id), eq('schoolYear', year)));
  return { school, year, sessions, warnings: calendarWarnings(year, sessions) };
}
