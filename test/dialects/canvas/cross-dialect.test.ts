// One session, several APIs: a term written through Canvas reads back through OneRoster and
// Edlink with the same name and days; a school session written through Ed-Fi reads back
// through Canvas, and Canvas-only data (exact instants, overrides) never leaks out.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALL_CANVAS_SCOPES } from '../../../src/dialects/canvas/scopes.ts';
import { SessionRepository } from '../../../src/store/session-repository.ts';
import { createTenant, drivers, startApp, type TestApp } from '../../harness.ts';
import { canvasClient } from './canvas-client.ts';

const ONEROSTER = '/ims/oneroster/rostering/v1p2';
const ONEROSTER_READ = 'https://purl.imsglobal.org/spec/or/v1p2/scope/roster-core.readonly';
const ONEROSTER_WRITE = 'https://purl.imsglobal.org/spec/or/v1p2/scope/roster.createput';
const EDLINK = '/api/v2/graph';
const EDFI = '/data/v3/ed-fi';
// Canvas-only data: overrides, the exact instants (an override start, a 05:59:59Z end), stickiness.
const CANVAS_ONLY = /StudentEnrollment|overrides|stickyFields|startAt|T05:59:59|T04:59:59|2026-01-07T06/;

describe.each(drivers())('Canvas terms across the other APIs on %s', (driver) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp(driver);
  });
  afterAll(() => t.close());

  async function setup() {
    const tenant = await createTenant(t, { schools: 1 });
    const headers = await tenant.auth([...ALL_CANVAS_SCOPES, ONEROSTER_READ, ONEROSTER_WRITE, 'edlink:read', 'edfi:read', 'edfi:write']);
    return { tenant, headers, api: canvasClient(t.app, headers) };
  }
  const get = async (url: string, headers: Record<string, string>) => {
    const r = await t.app.inject({ url, headers });
    return { status: r.statusCode, body: r.body ? JSON.parse(r.body) : undefined, raw: r.body };
  };
  const served = (path: string) => t.app.ctx.registry.forPath(path) !== undefined;

  it('a term written through Canvas reads the same in OneRoster and Edlink, and stays out of Ed-Fi', async () => {
    expect(served(`${ONEROSTER}/academicSessions`), 'OneRoster has not landed in src/dialects/index.ts').toBe(true);
    expect(served(`${EDLINK}/sessions`), 'Edlink has not landed in src/dialects/index.ts').toBe(true);
    const { tenant, headers, api } = await setup();
    // 00:00 CDT on Aug 13 to 23:59:59 CST on Dec 19, as a Chicago district writes them.
    const created = await api.create(
      {
        name: 'Fall 2025',
        start_at: '2025-08-13T05:00:00Z',
        end_at: '2025-12-20T05:59:59Z',
        sis_term_id: 'FA25',
        overrides: { StudentEnrollment: { start_at: '2025-08-15T05:00:00Z', end_at: '2025-12-18T05:59:59Z' } },
      },
      'form',
    );
    expect(created.status).toBe(200);
    const uuid = (await new SessionRepository(t.store.db).getByCanvasId(tenant.tenantId, created.body.id))!.id;

    const or = await get(`${ONEROSTER}/academicSessions/${uuid}`, headers);
    expect(or.status).toBe(200);
    expect(or.body.academicSession).toMatchObject({ sourcedId: uuid, title: 'Fall 2025', startDate: '2025-08-13', endDate: '2025-12-20', status: 'active' });
    expect(or.body.academicSession.org.sourcedId).toBe(tenant.districtId);
    expect(or.raw).not.toMatch(CANVAS_ONLY);

    const el = await get(`${EDLINK}/sessions/${uuid}`, headers);
    expect(el.status).toBe(200);
    expect(el.body.$data).toMatchObject({ id: uuid, name: 'Fall 2025', start_date: '2025-08-13T00:00:00.000Z', end_date: '2025-12-20T00:00:00.000Z', school_id: null });
    expect(el.raw).not.toMatch(CANVAS_ONLY);

    const edfi = await get(`${EDFI}/sessions`, headers);
    expect(edfi.status).toBe(200);
    expect(edfi.body.map((s: { sessionName: string }) => s.sessionName)).not.toContain('Fall 2025');

    // A Canvas edit shows through both at once.
    await api.update(created.body.id, { name: 'Fall Semester 2025', end_at: '2025-12-13T05:59:59Z' });
    expect((await get(`${ONEROSTER}/academicSessions/${uuid}`, headers)).body.academicSession).toMatchObject({ title: 'Fall Semester 2025', endDate: '2025-12-13' });
    expect((await get(`${EDLINK}/sessions/${uuid}`, headers)).body.$data).toMatchObject({ name: 'Fall Semester 2025', end_date: '2025-12-13T00:00:00.000Z' });
    // And Canvas still reads back exactly what it wrote.
    expect((await api.show('sis:FA25')).body).toMatchObject({ start_at: '2025-08-13T05:00:00Z', end_at: '2025-12-13T05:59:59Z' });
  });

  it('a Canvas term whose days OneRoster moves keeps its overrides and shows the new days\' bounds', async () => {
    expect(served(`${ONEROSTER}/academicSessions`), 'OneRoster has not landed in src/dialects/index.ts').toBe(true);
    const { tenant, headers, api } = await setup();
    const { body: term } = await api.create({
      name: 'Winter',
      start_at: '2026-01-05T14:00:00Z',
      end_at: '2026-03-13T22:00:00Z',
      overrides: { TeacherEnrollment: { start_at: '2026-01-02T14:00:00Z', end_at: null } },
    });
    const uuid = (await new SessionRepository(t.store.db).getByCanvasId(tenant.tenantId, term.id))!.id;
    const { academicSession } = (await get(`${ONEROSTER}/academicSessions/${uuid}`, headers)).body;
    expect(academicSession).toMatchObject({ title: 'Winter', startDate: '2026-01-05', endDate: '2026-03-14' });
    const put = await t.app.inject({
      method: 'PUT',
      url: `${ONEROSTER}/academicSessions/${uuid}`,
      headers: { ...headers, 'content-type': 'application/json' },
      payload: { academicSession: { ...academicSession, title: 'Winter Term', startDate: '2026-01-06' } },
    });
    expect(put.statusCode, put.body).toBeLessThan(300);
    // The start moved: Canvas shows 00:00 CST of the new day; the untouched end keeps its instant.
    expect((await api.show(term.id)).body).toMatchObject({
      name: 'Winter Term',
      start_at: '2026-01-06T06:00:00Z',
      end_at: '2026-03-13T22:00:00Z',
      overrides: { TeacherEnrollment: { start_at: '2026-01-02T14:00:00Z', end_at: null } },
    });
  });

  it('a school session written through Ed-Fi reads through Canvas; Canvas overrides stay Canvas-only', async () => {
    const { tenant, headers, api } = await setup();
    const schoolId = tenant.schools[0]!.schoolId!;
    const body = {
      schoolReference: { schoolId },
      schoolYearTypeReference: { schoolYear: 2026 },
      sessionName: 'Spring Semester',
      beginDate: '2026-01-06',
      endDate: '2026-05-21',
      termDescriptor: 'uri://ed-fi.org/TermDescriptor#Spring Semester',
      totalInstructionalDays: 90,
    };
    const posted = await t.app.inject({ method: 'POST', url: `${EDFI}/sessions`, headers: { ...headers, 'content-type': 'application/json' }, payload: body });
    expect(posted.statusCode).toBe(201);
    const location = String(posted.headers.location).replace(/^https?:\/\/[^/]+/, '');

    const list = await api.list('term_name=spring');
    expect(list.status).toBe(200);
    expect(list.body.enrollment_terms).toHaveLength(1);
    const term = list.body.enrollment_terms[0];
    // CST: 00:00 local is 06:00Z; 23:59:59 CDT on May 21 is 04:59:59Z on May 22.
    expect(term).toMatchObject({ name: 'Spring Semester', start_at: '2026-01-06T06:00:00Z', end_at: '2026-05-22T04:59:59Z', workflow_state: 'active', sis_term_id: null });

    const updated = await api.update(term.id, { overrides: { StudentEnrollment: { start_at: '2026-01-07T06:00:00Z', end_at: '2026-05-20T04:59:59Z' } } }, 'form');
    expect(updated.status).toBe(200);
    expect(updated.body.overrides).toEqual({ StudentEnrollment: { start_at: '2026-01-07T06:00:00Z', end_at: '2026-05-20T04:59:59Z' } });

    const edfi = await get(location, headers);
    expect(edfi.status).toBe(200);
    expect(edfi.body).toMatchObject({ sessionName: 'Spring Semester', beginDate: '2026-01-06', endDate: '2026-05-21', schoolReference: { schoolId }, totalInstructionalDays: 90 });
    expect(edfi.raw).not.toMatch(CANVAS_ONLY);
    if (served(`${EDLINK}/sessions`)) {
      const uuid = (await new SessionRepository(t.store.db).getByCanvasId(tenant.tenantId, term.id))!.id;
      const el = await get(`${EDLINK}/sessions/${uuid}`, headers);
      expect(el.body.$data).toMatchObject({ name: 'Spring Semester', start_date: '2026-01-06T00:00:00.000Z', end_date: '2026-05-22T00:00:00.000Z', school_id: tenant.schools[0]!.id });
      expect(el.raw).not.toMatch(CANVAS_ONLY);
    }

    // Moving the days in Ed-Fi moves Canvas's instants to the new days' 00:00 / 23:59:59.
    const moved = await t.app.inject({ method: 'POST', url: `${EDFI}/sessions`, headers: { ...headers, 'content-type': 'application/json' }, payload: { ...body, endDate: '2026-05-28' } });
    expect(moved.statusCode).toBe(200);
    expect((await api.show(term.id)).body).toMatchObject({ start_at: '2026-01-06T06:00:00Z', end_at: '2026-05-29T04:59:59Z', overrides: { StudentEnrollment: { start_at: '2026-01-07T06:00:00Z' } } });
  });
});
