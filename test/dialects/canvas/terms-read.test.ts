// GET …/terms and …/terms/:id over HTTP: accounts, ids, envelope, filters, order, paging, auth.
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALL_CANVAS_SCOPES, CANVAS_SCOPES } from '../../../src/dialects/canvas/scopes.ts';
import type { SessionInput } from '../../../src/domain/session.ts';
import { SessionRepository } from '../../../src/store/session-repository.ts';
import { createTenant, drivers, startApp, type TestApp, type TestTenant } from '../../harness.ts';
import { canvasClient, parseLinks } from './canvas-client.ts';

const NOT_FOUND = { errors: [{ message: 'The specified resource does not exist.' }] };

describe.each(drivers())('Canvas enrollment terms, reading, on %s', (driver) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp(driver);
  });
  afterAll(() => t.close());

  async function setup(scopes = ALL_CANVAS_SCOPES) {
    const tenant = await createTenant(t, { schools: 2 });
    const headers = await tenant.auth(scopes);
    return { tenant, api: canvasClient(t.app, headers), headers };
  }

  const session = (over: Partial<SessionInput>): SessionInput => ({
    schoolOrgId: null,
    schoolYear: null,
    name: 'Term',
    type: 'term',
    beginDate: null,
    endDate: null,
    parentId: null,
    termDescriptor: null,
    gradingPeriodDescriptor: null,
    periodSequence: null,
    totalInstructionalDays: null,
    ...over,
  });

  async function repoGet(tenant: TestTenant, canvasId: number) {
    return new SessionRepository(t.store.db).getByCanvasId(tenant.tenantId, canvasId);
  }

  async function insert(tenant: TestTenant, over: Partial<SessionInput>) {
    return new SessionRepository(t.store.db).insert(tenant.tenantId, session(over));
  }

  it('lists the Default Term of a new account in the enrollment_terms envelope', async () => {
    const { api } = await setup();
    const r = await api.list();
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(r.body).toEqual({
      enrollment_terms: [
        {
          id: 1,
          name: 'Default Term',
          start_at: null,
          end_at: null,
          created_at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/),
          workflow_state: 'active',
          grading_period_group_id: null,
          sis_term_id: null,
          sis_import_id: null,
        },
      ],
    });
    expect(Object.keys(r.body.enrollment_terms[0])).toEqual(['id', 'name', 'start_at', 'end_at', 'created_at', 'workflow_state', 'grading_period_group_id', 'sis_term_id', 'sis_import_id']);
  });

  it('shows days stored elsewhere as 00:00 and 23:59:59 in the district time zone', async () => {
    const { tenant, api } = await setup();
    const s = await insert(tenant, { name: 'Fall', beginDate: '2025-08-13', endDate: '2025-12-19', identifiers: { sis: 'F25' } });
    const r = await api.show(s.canvasId);
    expect(r.status).toBe(200);
    // America/Chicago: CDT (−5) in August, CST (−6) in December.
    expect(r.body).toMatchObject({ id: s.canvasId, name: 'Fall', start_at: '2025-08-13T05:00:00Z', end_at: '2025-12-20T05:59:59Z', sis_term_id: 'F25', overrides: {}, course_count: 0 });
  });

  it('uses the tenant\'s own time zone (UTC when it names no zone Intl knows)', async () => {
    const { tenant, api } = await setup();
    const s = await insert(tenant, { name: 'Kiwi term', beginDate: '2026-02-02', endDate: '2026-04-17' });
    await sql`UPDATE tenants SET time_zone = 'Pacific/Auckland' WHERE tenant_id = ${tenant.tenantId}`.execute(t.store.db);
    // NZDT (+13) in February and April (DST ends April 5: +12).
    expect((await api.show(s.canvasId)).body).toMatchObject({ start_at: '2026-02-01T11:00:00Z', end_at: '2026-04-17T11:59:59Z' });
    const { body: written } = await api.create({ name: 'Written in NZ', start_at: '2026-02-01T11:00:00Z', end_at: '2026-02-01T12:00:00Z' });
    expect(await repoGet(tenant, written.id)).toMatchObject({ beginDate: '2026-02-02', endDate: '2026-02-02' });
    await sql`UPDATE tenants SET time_zone = 'Mars/Olympus_Mons' WHERE tenant_id = ${tenant.tenantId}`.execute(t.store.db);
    expect((await api.show(s.canvasId)).body).toMatchObject({ start_at: '2026-02-02T00:00:00Z', end_at: '2026-04-17T23:59:59Z' });
  });

  it('addresses a term by id, sis_term_id:, sis:, hex:sis_term_id: and default, and nothing else', async () => {
    const { tenant, api } = await setup();
    const s = await insert(tenant, { name: 'Spring', beginDate: '2026-01-06', endDate: '2026-05-21', identifiers: { sis: 'SP 26/x' } });
    for (const ref of [String(s.canvasId), 'sis_term_id:SP 26/x', 'sis:SP 26/x', `hex:sis_term_id:${Buffer.from('SP 26/x').toString('hex')}`]) {
      const r = await api.show(encodeURIComponent(ref));
      expect(r.status, ref).toBe(200);
      expect(r.body.id).toBe(s.canvasId);
    }
    expect((await api.show('default')).body.name).toBe('Default Term');
    for (const ref of ['999', 'sis:nope', 'abc', 'sis_integration_id:x'])
      expect(await api.show(encodeURIComponent(ref))).toMatchObject({ status: 404, body: NOT_FOUND });
  });

  it('does not serve grading periods as terms, nor another tenant\'s terms', async () => {
    const { tenant, api } = await setup();
    const other = await setup();
    const school = tenant.schools[0]!;
    const semester = await insert(tenant, { name: 'S1', type: 'semester', schoolOrgId: school.id, schoolYear: 2026, beginDate: '2025-08-13', endDate: '2025-12-19' });
    const gp = await insert(tenant, {
      name: 'First Six Weeks',
      type: 'gradingPeriod',
      schoolOrgId: school.id,
      schoolYear: 2026,
      beginDate: '2025-08-13',
      endDate: '2025-09-19',
      parentId: semester.id,
      gradingPeriodDescriptor: 'uri://ed-fi.org/GradingPeriodDescriptor#First Six Weeks',
      periodSequence: 1,
      identifiers: { sis: 'GP1' },
    });
    await new SessionRepository(t.store.db).setGradingPeriods(tenant.tenantId, semester.id, [gp.id]);
    expect(await api.show(gp.canvasId)).toMatchObject({ status: 404, body: NOT_FOUND });
    expect((await api.show('sis:GP1')).status).toBe(404);
    const listed = await api.list('workflow_state[]=all');
    expect(listed.body.enrollment_terms.map((x: { name: string }) => x.name)).toEqual(['Default Term', 'S1']);
    // The semester groups grading periods: its group is named by its own id.
    expect((await api.show(semester.canvasId)).body.grading_period_group_id).toBe(semester.canvasId);
    expect(await other.api.show(semester.canvasId)).toMatchObject({ status: 404, body: NOT_FOUND });
  });

  it('answers on the root account only: self or 1; sub-accounts 400, unknown accounts 404', async () => {
    const { tenant, headers } = await setup();
    for (const account of ['self', '1']) expect((await canvasClient(t.app, headers, account).list()).status).toBe(200);
    const sub = { status: 400, body: { message: 'Terms only belong to root_accounts.' } };
    for (const account of ['2', '3', `sis_account_id:${tenant.schools[1]!.schoolId}`]) {
      const c = canvasClient(t.app, headers, account);
      expect(await c.list(), account).toMatchObject(sub);
      expect(await c.show(1), account).toMatchObject(sub);
      expect(await c.create({ name: 'x' }), account).toMatchObject(sub);
      expect(await c.update(1, { name: 'x' }), account).toMatchObject(sub);
      expect(await c.remove(1), account).toMatchObject(sub);
    }
    for (const account of ['4', '0', '999', 'sis_account_id:nope', 'site_admin'])
      expect(await canvasClient(t.app, headers, account).list(), account).toMatchObject({ status: 404, body: NOT_FOUND });
  });

  it('filters on workflow_state as Canvas does (active default, invalid → active, all)', async () => {
    const { tenant, api } = await setup();
    const live = await insert(tenant, { name: 'Live', beginDate: '2025-01-01', endDate: '2025-02-01' });
    const gone = await insert(tenant, { name: 'Gone', beginDate: '2025-03-01', endDate: '2025-04-01' });
    await new SessionRepository(t.store.db).markDeleted(tenant.tenantId, gone.id);
    const names = async (q: string) => (await api.list(q)).body.enrollment_terms.map((x: { name: string }) => x.name);
    expect(await names('')).toEqual(['Default Term', 'Live']);
    expect(await names('workflow_state[]=active')).toEqual(['Default Term', 'Live']);
    expect(await names('workflow_state[]=blall')).toEqual(['Default Term', 'Live']);
    expect(await names('workflow_state[]=deleted')).toEqual(['Gone']);
    expect(await names('workflow_state=deleted')).toEqual(['Gone']);
    expect(await names('workflow_state[]=all')).toEqual(['Default Term', 'Gone', 'Live']);
    expect(await names('workflow_state[]=active&workflow_state[]=deleted')).toEqual(['Default Term', 'Gone', 'Live']);
    expect((await api.show(gone.canvasId)).body.workflow_state).toBe('deleted');
    void live;
  });

  it('orders by start_at desc, end_at desc (NULLs first), then id', async () => {
    const { tenant, api } = await setup();
    const a = await insert(tenant, { name: 'a', beginDate: '2025-01-01', endDate: '2025-03-01' });
    const b = await insert(tenant, { name: 'b', beginDate: '2025-02-01', endDate: '2025-03-01' });
    const c = await insert(tenant, { name: 'c', beginDate: '2025-02-01', endDate: '2025-04-01' });
    const d = await insert(tenant, { name: 'd', beginDate: '2025-02-01', endDate: '2025-04-01' });
    const e = await insert(tenant, { name: 'e', beginDate: '2025-02-01', endDate: null });
    const f = await insert(tenant, { name: 'f', beginDate: null, endDate: '2025-01-01' });
    const ids = (await api.list('per_page=100')).body.enrollment_terms.map((x: { id: number }) => x.id);
    expect(ids).toEqual([1, f.canvasId, e.canvasId, c.canvasId, d.canvasId, b.canvasId, a.canvasId]);
  });

  it('filters on term_name case-insensitively, as a substring; no match is an empty list', async () => {
    const { tenant, api } = await setup();
    for (const n of ['term 0', 'term 1', 'Term 2', 'x_y', 'x%z']) await insert(tenant, { name: n, beginDate: '2025-01-01', endDate: '2025-01-02' });
    const names = async (q: string) => (await api.list(q)).body.enrollment_terms.map((x: { name: string }) => x.name).sort();
    expect(await names('term_name=term%202')).toEqual(['Term 2']);
    expect(await names('term_name=TERM')).toEqual(['Default Term', 'Term 2', 'term 0', 'term 1']);
    expect(await names('term_name=_')).toEqual(['x_y']);
    expect(await names('term_name=%25')).toEqual(['x%z']);
    expect(await names('term_name=%20%20')).toHaveLength(6);
    expect(await api.list('term_name=nothing')).toMatchObject({ status: 200, body: { enrollment_terms: [] } });
  });

  it('includes overrides and course_count only when asked', async () => {
    const { tenant, api } = await setup();
    const repo = new SessionRepository(t.store.db);
    const withCourses = await insert(tenant, {
      name: 'With courses',
      beginDate: '2025-02-01',
      endDate: '2025-03-01',
      properties: { canvas: { overrides: { StudentEnrollment: { start_at: null, end_at: '2017-01-20T00:00:00Z' } } } },
    });
    const empty = await insert(tenant, { name: 'Empty', beginDate: '2025-01-01', endDate: '2025-03-01' });
    for (const status of ['active', 'active', 'deleted'])
      await sql`INSERT INTO course_sections (tenant_id, id, session_id, name, status) VALUES (${tenant.tenantId}, ${randomUUID()}, ${withCourses.id}, 'Algebra', ${status})`.execute(t.store.db);
    const plain = (await api.list()).body.enrollment_terms;
    expect(plain.every((x: object) => !('overrides' in x) && !('course_count' in x))).toBe(true);
    const r = await api.list('include[]=overrides&include[]=course_count&include[]=bogus');
    const byName = Object.fromEntries(r.body.enrollment_terms.map((x: { name: string }) => [x.name, x]));
    expect(byName['With courses']).toMatchObject({ overrides: { StudentEnrollment: { start_at: null, end_at: '2017-01-20T00:00:00Z' } }, course_count: 2 });
    expect(byName.Empty).toMatchObject({ overrides: {}, course_count: 0 });
    expect((await api.list('include=course_count')).body.enrollment_terms.map((x: { course_count: number }) => x.course_count)).toEqual([0, 2, 0]);
    expect((await api.show(withCourses.canvasId)).body.course_count).toBe(2);
    void repo;
    void empty;
  });

  it('pages 10 by default with a Link header, and following next reaches every term once', async () => {
    const { tenant, api } = await setup();
    for (let i = 0; i < 15; i++) await insert(tenant, { name: `T${i}`, beginDate: `2025-01-${String(10 + i).padStart(2, '0')}`, endDate: '2025-06-30' });
    const first = await api.list();
    expect(first.body.enrollment_terms).toHaveLength(10);
    const links = parseLinks(first.headers.link);
    expect(Object.keys(links)).toEqual(['current', 'next', 'first', 'last']);
    expect(links.next).toBe('http://localhost:80/api/v1/accounts/self/terms?page=2&per_page=10');
    expect((await api.list('page=2')).body.enrollment_terms).toHaveLength(6);
    const all = (await api.list('per_page=100')).body.enrollment_terms.map((x: { id: number }) => x.id);
    expect(all).toHaveLength(16);

    // per_page=3 with filters: follow `next` to the end; each link keeps the query.
    const seen: number[] = [];
    let url: string | undefined = `${api.base}?include[]=overrides&per_page=3`;
    let pages = 0;
    while (url) {
      const u = new URL(url, 'http://localhost:80');
      const r = await api.call('GET', `${u.pathname}${u.search}`);
      expect(r.status).toBe(200);
      seen.push(...r.body.enrollment_terms.map((x: { id: number; overrides: unknown }) => (expect(x.overrides).toBeDefined(), x.id)));
      const l = parseLinks(r.headers.link);
      for (const href of Object.values(l)) expect(href).toMatch(/^http:\/\/localhost:80\/api\/v1\/accounts\/self\/terms\?include%5B%5D=overrides&page=\d+&per_page=3$/);
      expect(l.last).toContain('page=6&');
      if (pages > 0) expect(l.prev).toContain(`page=${pages}&`);
      url = l.next;
      pages++;
    }
    expect(pages).toBe(6);
    expect(seen).toEqual(all);
  });

  it('clamps per_page, answers [] past the end and 404 for a page that is not a positive number', async () => {
    const { api } = await setup();
    const r = await api.list('per_page=500');
    expect(parseLinks(r.headers.link).current).toContain('per_page=100');
    expect(parseLinks((await api.list('per_page=0')).headers.link).current).toContain('per_page=1');
    const past = await api.list('page=5');
    expect(past).toMatchObject({ status: 200, body: { enrollment_terms: [] } });
    expect(Object.keys(parseLinks(past.headers.link))).toEqual(['current', 'prev', 'first', 'last']);
    for (const page of ['0', '-1', 'abc']) expect(await api.list(`page=${page}`)).toMatchObject({ status: 404, body: NOT_FOUND });
  });

  it('finds `current`: the one active term running now, else 404', async () => {
    const { tenant, api } = await setup();
    // The app's clock is real: build terms around today.
    const now = Date.now();
    const day = (offset: number) => new Date(now + offset * 86_400_000).toISOString().slice(0, 10);
    expect(await api.show('current')).toMatchObject({ status: 404, body: NOT_FOUND });
    const running = await insert(tenant, { name: 'Running', beginDate: day(-10), endDate: day(10) });
    await insert(tenant, { name: 'Past', beginDate: day(-40), endDate: day(-20) });
    await insert(tenant, { name: 'Open-ended, future', beginDate: day(20), endDate: null });
    expect((await api.show('current')).body).toMatchObject({ id: running.canvasId, name: 'Running' });
    await insert(tenant, { name: 'Also running', beginDate: null, endDate: day(5) });
    expect(await api.show('current')).toMatchObject({ status: 404, body: NOT_FOUND });
  });

  it('adds used_in_subaccount for a subaccount_id: the school\'s terms and the Default Term', async () => {
    const { tenant, api } = await setup();
    const mine = await insert(tenant, { name: 'School 2 semester', type: 'semester', schoolOrgId: tenant.schools[1]!.id, schoolYear: 2026, beginDate: '2025-08-13', endDate: '2025-12-19' });
    const district = await insert(tenant, { name: 'District term', beginDate: '2025-08-01', endDate: '2025-12-19' });
    await sql`INSERT INTO course_sections (tenant_id, id, session_id, name) VALUES (${tenant.tenantId}, ${randomUUID()}, ${district.id}, 'Art')`.execute(t.store.db);
    const used = async (q: string) =>
      Object.fromEntries((await api.list(q)).body.enrollment_terms.map((x: { name: string; used_in_subaccount: boolean }) => [x.name, x.used_in_subaccount]));
    expect(await used('subaccount_id=3')).toEqual({ 'Default Term': true, 'School 2 semester': true, 'District term': false });
    expect(await used(`subaccount_id=sis_account_id:${tenant.schools[0]!.schoolId}`)).toEqual({ 'Default Term': true, 'School 2 semester': false, 'District term': false });
    expect(await used('subaccount_id=self')).toEqual({ 'Default Term': true, 'School 2 semester': false, 'District term': true });
    expect((await api.list()).body.enrollment_terms.every((x: object) => !('used_in_subaccount' in x))).toBe(true);
    expect(await api.list('subaccount_id=77')).toMatchObject({ status: 404, body: NOT_FOUND });
    void mine;
  });

  it('writes ids as strings for Accept: application/json+canvas-string-ids', async () => {
    const { headers } = await setup();
    const r = await t.app.inject({ url: '/api/v1/accounts/self/terms/1', headers: { ...headers, accept: 'application/json+canvas-string-ids' } });
    expect(JSON.parse(r.body)).toMatchObject({ id: '1', grading_period_group_id: null, sis_import_id: null });
    const plain = await t.app.inject({ url: '/api/v1/accounts/self/terms', headers });
    expect(JSON.parse(plain.body).enrollment_terms[0].id).toBe(1);
  });

  it('answers auth failures in Canvas\'s envelopes', async () => {
    const { tenant } = await setup();
    const anonymous = canvasClient(t.app, {});
    for (const r of [await anonymous.list(), await anonymous.show(1), await anonymous.create({ name: 'x' })]) {
      expect(r.status).toBe(401);
      expect(r.headers['www-authenticate']).toBe('Bearer realm="canvas-lms"');
      expect(r.body).toEqual({ status: 'unauthenticated', errors: [{ message: 'user authorization required' }] });
    }
    const forged = await canvasClient(t.app, { authorization: 'Bearer not-a-token' }).list();
    expect(forged).toMatchObject({ status: 401, body: { errors: [{ message: 'Invalid access token.' }] } });
    expect(forged.headers['www-authenticate']).toBe('Bearer realm="canvas-lms"');

    // A token for reading only: reads work, writes are 403.
    const reader = canvasClient(t.app, await tenant.auth(['url:GET|/api/v1/accounts/:account_id/terms', 'url:GET|/api/v1/accounts/:account_id/terms/:id']));
    expect((await reader.list()).status).toBe(200);
    expect((await reader.show(1)).status).toBe(200);
    const denied = { status: 403, body: { status: 'unauthorized', errors: [{ message: 'user not authorized to perform that action' }] } };
    expect(await reader.create({ name: 'x' })).toMatchObject(denied);
    expect(await reader.update(1, { name: 'x' })).toMatchObject(denied);
    expect(await reader.remove(1)).toMatchObject(denied);
    // Another API's scopes do not open Canvas.
    expect(await canvasClient(t.app, await tenant.auth(['edfi:read'])).list()).toMatchObject(denied);
  });

  it('writes each route\'s scope exactly as Canvas does', () => {
    expect(CANVAS_SCOPES).toEqual({
      'GET /api/v1/accounts/:account_id/terms': ['url:GET|/api/v1/accounts/:account_id/terms'],
      'POST /api/v1/accounts/:account_id/terms': ['url:POST|/api/v1/accounts/:account_id/terms'],
      'GET /api/v1/accounts/:account_id/terms/:id': ['url:GET|/api/v1/accounts/:account_id/terms/:id'],
      'PUT /api/v1/accounts/:account_id/terms/:id': ['url:PUT|/api/v1/accounts/:account_id/terms/:id'],
      'DELETE /api/v1/accounts/:account_id/terms/:id': ['url:DELETE|/api/v1/accounts/:account_id/terms/:id'],
    });
    for (const key of Object.keys(CANVAS_SCOPES)) expect(t.app.ctx.registry.scopesFor(key)).toEqual(CANVAS_SCOPES[key]);
  });

  it('documents the five routes at /docs with both body encodings', async () => {
    const doc = JSON.parse((await t.app.inject({ url: '/docs/json' })).body);
    const terms = doc.paths['/api/v1/accounts/{account_id}/terms'];
    const term = doc.paths['/api/v1/accounts/{account_id}/terms/{id}'];
    expect(Object.keys(terms).sort()).toEqual(['get', 'post']);
    expect(Object.keys(term).sort()).toEqual(['delete', 'get', 'put']);
    for (const op of [terms.post, term.put]) expect(Object.keys(op.requestBody.content).sort()).toEqual(['application/json', 'application/x-www-form-urlencoded']);
    expect(terms.get.security).toEqual([{ oauth2: ['url:GET|/api/v1/accounts/:account_id/terms'] }]);
  });

  it('answers unknown Canvas routes with Canvas\'s not-found body', async () => {
    const { headers } = await setup();
    const r = await t.app.inject({ url: '/api/v1/courses', headers });
    expect(r.statusCode).toBe(404);
    expect(JSON.parse(r.body)).toEqual(NOT_FOUND);
  });
});
