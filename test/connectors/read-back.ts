// What a pull put in the store, read back the way clients see it: the session names each of the
// four APIs (Ed-Fi, OneRoster 1.2, Canvas, Edlink) shows a tenant.
import { expect } from 'vitest';
import { ROSTER_CORE_READONLY } from '../../src/dialects/oneroster/scopes.ts';
import type { TestApp, TestTenant } from '../harness.ts';

export const APIS = ['edfi', 'oneRoster', 'canvas', 'edlink'] as const;

/** Session names each API shows the tenant (Ed-Fi: the sessions of `schoolId`, by default its first school's). */
export async function namesThroughEveryApi(target: TestApp, tenant: TestTenant, schoolId = tenant.schools[0]!.schoolId): Promise<Record<(typeof APIS)[number], string[]>> {
  const get = async (url: string, scopes: string[]) => {
    const res = await target.app.inject({ method: 'GET', url, headers: await tenant.auth(scopes) });
    expect(res.statusCode, `${url}: ${res.body.slice(0, 300)}`).toBe(200);
    return res.json();
  };
  const edfi = (await get(`/data/v3/ed-fi/sessions?schoolId=${schoolId}&limit=100`, ['edfi:read'])) as { sessionName: string }[];
  const oneRoster = (await get('/ims/oneroster/rostering/v1p2/academicSessions?limit=100', [ROSTER_CORE_READONLY])) as { academicSessions: { title: string; status: string }[] };
  const canvas = (await get('/api/v1/accounts/self/terms?per_page=100', ['url:GET|/api/v1/accounts/:account_id/terms'])) as { enrollment_terms: { name: string }[] };
  const edlink = (await get('/api/v2/graph/sessions?$first=100', ['edlink:read'])) as { $data: { name: string }[] };
  return {
    edfi: edfi.map((s) => s.sessionName).sort(),
    // OneRoster keeps showing a deleted session, as tobedeleted.
    oneRoster: oneRoster.academicSessions.filter((s) => s.status === 'active').map((s) => s.title).sort(),
    canvas: canvas.enrollment_terms.map((t) => t.name).filter((n) => n !== 'Default Term').sort(),
    edlink: edlink.$data.map((s) => s.name).sort(),
  };
}

/** Every API shows each of `names`. */
export async function expectEveryApiShows(target: TestApp, tenant: TestTenant, names: string[], schoolId?: number | null): Promise<void> {
  const seen = await namesThroughEveryApi(target, tenant, schoolId ?? undefined);
  for (const api of APIS) expect(seen[api], api).toEqual(expect.arrayContaining(names));
}
