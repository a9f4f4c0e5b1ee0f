// Shared set-up for the OneRoster HTTP tests: scopes, a PUT helper and a small calendar.
import type { TestApp, TestTenant } from '../../harness.ts';
import { ROSTER_CORE_READONLY, ROSTER_CREATEPUT, ROSTER_DELETE, ROSTER_READONLY } from '../../../src/dialects/oneroster/scopes.ts';

export const P = '/ims/oneroster/rostering/v1p2';
export const ALL_SCOPES = [ROSTER_READONLY, ROSTER_CORE_READONLY, ROSTER_CREATEPUT, ROSTER_DELETE];

export interface SessionBody {
  sourcedId?: string;
  title: string;
  type: string;
  startDate: string;
  endDate: string;
  schoolYear: string;
  org?: { sourcedId: string };
  parent?: { sourcedId: string } | null;
  status?: string;
  metadata?: Record<string, unknown>;
}

export async function put(t: TestApp, headers: Record<string, string>, sourcedId: string, body: SessionBody) {
  return t.app.inject({ method: 'PUT', url: `${P}/academicSessions/${sourcedId}`, headers, payload: { academicSession: body } });
}

/** year 2026 → fall semester → two grading periods and a term; spring; all at school 0. */
export async function seedCalendar(t: TestApp, tenant: TestTenant, headers: Record<string, string>, prefix = '') {
  const org = { sourcedId: tenant.schools[0]!.id };
  const rows: [string, SessionBody][] = [
    [`${prefix}sy26`, { title: '2025-2026', type: 'schoolYear', startDate: '2025-08-01', endDate: '2026-07-01', schoolYear: '2026', org }],
    [`${prefix}fall`, { title: 'Fall', type: 'semester', startDate: '2025-08-15', endDate: '2025-12-20', schoolYear: '2026', org, parent: { sourcedId: `${prefix}sy26` } }],
    [`${prefix}spring`, { title: 'Spring', type: 'semester', startDate: '2026-01-05', endDate: '2026-06-01', schoolYear: '2026', org, parent: { sourcedId: `${prefix}sy26` } }],
    [`${prefix}t1`, { title: 'Term 1', type: 'term', startDate: '2025-08-15', endDate: '2025-12-20', schoolYear: '2026', org, parent: { sourcedId: `${prefix}fall` } }],
    [`${prefix}gp1`, { title: 'GP 1', type: 'gradingPeriod', startDate: '2025-08-15', endDate: '2025-10-15', schoolYear: '2026', org, parent: { sourcedId: `${prefix}t1` } }],
    [`${prefix}gp2`, { title: 'GP 2', type: 'gradingPeriod', startDate: '2025-10-15', endDate: '2025-12-20', schoolYear: '2026', org, parent: { sourcedId: `${prefix}t1` } }],
    [`${prefix}q3`, { title: 'Q3', type: 'ext:quarter', startDate: '2026-01-05', endDate: '2026-03-15', schoolYear: '2026', org, parent: { sourcedId: `${prefix}spring` } }],
  ];
  for (const [id, body] of rows) {
    const r = await put(t, headers, id, body);
    if (r.statusCode !== 201) throw new Error(`seeding ${id}: ${r.statusCode} ${r.body}`);
  }
  return rows.map(([id]) => id);
}
