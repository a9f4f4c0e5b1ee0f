// POST, PUT and DELETE …/terms over HTTP, in both body encodings: every Canvas rule and error.
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import qs from 'qs';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALL_CANVAS_SCOPES } from '../../../src/dialects/canvas/scopes.ts';
import { markSetByImport } from '../../../src/dialects/canvas/sis-stickiness.ts';
import { canvasPropertiesOf } from '../../../src/dialects/canvas/term-properties.ts';
import type { SessionInput } from '../../../src/domain/session.ts';
import { SessionRepository } from '../../../src/store/session-repository.ts';
import { createTenant, drivers, startApp, type TestApp, type TestTenant } from '../../harness.ts';
import { attributeError, canvasClient, type Encoding } from './canvas-client.ts';

const NOT_FOUND = { errors: [{ message: 'The specified resource does not exist.' }] };
const END_BEFORE_START = attributeError('base', 'End dates cannot be before start dates');
const ENCODINGS: Encoding[] = ['form', 'json'];

describe.each(drivers())('Canvas enrollment terms, writing, on %s', (driver) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp(driver);
  });
  afterAll(() => t.close());

  async function setup() {
    const tenant = await createTenant(t, { schools: 1 });
    return { tenant, api: canvasClient(t.app, await tenant.auth(ALL_CANVAS_SCOPES)) };
  }
  const repo = () => new SessionRepository(t.store.db);
  const stored = async (tenant: TestTenant, canvasId: number) => (await repo().getByCanvasId(tenant.tenantId, canvasId))!;
  const termCount = async (tenant: TestTenant) =>
    (await repo().find(tenant.tenantId, { where: { field: 'type', op: 'ne', value: 'gradingPeriod' }, sort: [], page: { kind: 'all' } })).rows.length;

  describe.each(ENCODINGS)('with a %s body', (encoding) => {
    it('creates a term (200, as Canvas) that echoes what was written, overrides included', async () => {
      const { tenant, api } = await setup();
      const r = await api.create(
        {
          name: 'Fall 2025',
          start_at: '2025-08-13T13:30:00Z',
          end_at: '2025-12-20T03:00:00Z',
          sis_term_id: 'FA25',
          overrides: {
            StudentEnrollment: { start_at: '2025-08-15T13:00:00Z', end_at: '2025-12-19T22:00:00Z' },
            teacher_enrollment: { end_at: '2025-12-30T20:00:00Z' },
          },
        },
        encoding,
      );
      expect(r.status).toBe(200);
      expect(r.body).toEqual({
        id: 2,
        name: 'Fall 2025',
        start_at: '2025-08-13T13:30:00Z',
        end_at: '2025-12-20T03:00:00Z',
        created_at: expect.stringMatching(/Z$/),
        workflow_state: 'active',
        grading_period_group_id: null,
        sis_term_id: 'FA25',
        sis_import_id: null,
        overrides: {
          StudentEnrollment: { start_at: '2025-08-15T13:00:00Z', end_at: '2025-12-19T22:00:00Z' },
          TeacherEnrollment: { start_at: null, end_at: '2025-12-30T20:00:00Z' },
        },
      });
      // Canonically: a district-wide term whose days are the Chicago calendar days (Dec 20 03:00Z is Dec 19 21:00 CST).
      const s = await stored(tenant, 2);
      expect(s).toMatchObject({ schoolOrgId: null, schoolYear: null, type: 'term', beginDate: '2025-08-13', endDate: '2025-12-19', identifiers: { sis: 'FA25' } });
      expect((await api.show('sis:FA25')).body).toMatchObject({ id: 2, start_at: '2025-08-13T13:30:00Z', end_at: '2025-12-20T03:00:00Z', course_count: 0 });
    });

    it('updates name, dates, SIS id and overrides; a sent override sets both its dates', async () => {
      const { tenant, api } = await setup();
      const { body: created } = await api.create({ name: 'Spring', start_at: '2026-01-06T06:00:00Z', end_at: '2026-05-22T04:59:59Z', overrides: { StudentEnrollment: { start_at: '2026-01-07T06:00:00Z', end_at: '2026-05-20T00:00:00Z' } } }, encoding);
      const r = await api.update(created.id, { name: 'Spring 2026', end_at: '2026-05-29T04:59:59Z', sis_term_id: 2026, overrides: { StudentEnrollment: { end_at: '2026-05-21T00:00:00Z' }, DesignerEnrollment: { start_at: '2025-12-01T00:00:00Z' } } }, encoding);
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({
        id: created.id,
        name: 'Spring 2026',
        start_at: '2026-01-06T06:00:00Z',
        end_at: '2026-05-29T04:59:59Z',
        sis_term_id: '2026',
        overrides: { StudentEnrollment: { start_at: null, end_at: '2026-05-21T00:00:00Z' }, DesignerEnrollment: { start_at: '2025-12-01T00:00:00Z', end_at: null } },
      });
      expect(r.body).not.toHaveProperty('course_count');
      expect((await stored(tenant, created.id)).endDate).toBe('2026-05-28');
      // An override sent with both dates blank disappears.
      const cleared = await api.update(created.id, { overrides: { StudentEnrollment: { start_at: '', end_at: '' } } }, encoding);
      expect(cleared.body.overrides).toEqual({ DesignerEnrollment: { start_at: '2025-12-01T00:00:00Z', end_at: null } });
    });

    it('rejects an end before its start, in the term and in an override, and stores nothing', async () => {
      const { tenant, api } = await setup();
      const before = await termCount(tenant);
      expect(await api.create({ name: 'x', start_at: '2025-02-01T00:00:00Z', end_at: '2025-01-31T23:59:59Z' }, encoding)).toMatchObject({ status: 400, body: END_BEFORE_START });
      expect(await api.create({ name: 'x', overrides: { TaEnrollment: { start_at: '2025-02-01T00:00:00Z', end_at: '2025-01-01T00:00:00Z' } } }, encoding)).toMatchObject({ status: 400, body: END_BEFORE_START });
      expect(await termCount(tenant)).toBe(before);
      const { body: term } = await api.create({ name: 'ok', start_at: '2025-02-01T00:00:00Z', end_at: '2025-02-01T00:00:00Z' }, encoding);
      expect(term.end_at).toBe('2025-02-01T00:00:00Z');
      expect(await api.update(term.id, { start_at: '2025-03-01T00:00:00Z', end_at: '2025-02-01T00:00:00Z' }, encoding)).toMatchObject({ status: 400, body: END_BEFORE_START });
      expect((await api.show(term.id)).body.start_at).toBe('2025-02-01T00:00:00Z');
    });

    it('accepts only the four enrollment types in overrides and stores nothing otherwise', async () => {
      const { tenant, api } = await setup();
      const { body: term } = await api.create({ name: 'T' }, encoding);
      const bad = { status: 400, body: { message: 'Invalid enrollment type in overrides' } };
      expect(await api.update(term.id, { name: 'renamed', overrides: { ObserverEnrollment: { start_at: '2025-01-01T00:00:00Z' } } }, encoding)).toMatchObject(bad);
      expect(await api.create({ name: 'T2', overrides: { StudentEnrollment: { start_at: '2025-01-01T00:00:00Z' }, Foo: { start_at: '2025-01-01T00:00:00Z' } } }, encoding)).toMatchObject(bad);
      const after = await api.show(term.id);
      expect(after.body).toMatchObject({ name: 'T', overrides: {} });
      expect(await termCount(tenant)).toBe(2);
    });

    it('keeps SIS ids unique in the account, clears one with "", and rejects one that is not a string or number', async () => {
      const { api } = await setup();
      const { body: a } = await api.create({ name: 'A', sis_term_id: 'sis1' }, encoding);
      const inUse = { status: 400, body: attributeError('sis_source_id', 'SIS ID "sis1" is already in use') };
      expect(await api.create({ name: 'B', sis_term_id: 'sis1' }, encoding)).toMatchObject(inUse);
      const { body: b } = await api.create({ name: 'B' }, encoding);
      expect(await api.update(b.id, { sis_term_id: 'sis1' }, encoding)).toMatchObject(inUse);
      // Re-sending its own SIS id is fine.
      expect((await api.update(a.id, { sis_term_id: 'sis1', name: 'A2' }, encoding)).status).toBe(200);
      const cleared = await api.update(a.id, { sis_term_id: '' }, encoding);
      expect(cleared.status).toBe(200);
      expect(cleared.body).toHaveProperty('sis_term_id', null);
      expect((await api.update(b.id, { sis_term_id: 'sis1' }, encoding)).body.sis_term_id).toBe('sis1');
      expect(await api.create({ name: 'C', sis_term_id: { nested: 'x' } }, encoding)).toMatchObject({ status: 400, body: { message: 'Invalid SIS ID' } });
      expect(await api.show('sis:sis1')).toMatchObject({ status: 200, body: { id: b.id } });
    });
  });

  it('treats a JSON number as a SIS id and JSON true as invalid', async () => {
    const { api } = await setup();
    expect((await api.create({ name: 'N', sis_term_id: 2025 })).body.sis_term_id).toBe('2025');
    expect(await api.create({ name: 'B', sis_term_id: true })).toMatchObject({ status: 400, body: { message: 'Invalid SIS ID' } });
  });

  it('wants enrollment_term, a name, and ISO 8601 dates', async () => {
    const { tenant, api } = await setup();
    const missing = { status: 400, body: { errors: [{ message: 'enrollment_term is missing' }] } };
    expect(await api.call('POST', api.base)).toMatchObject(missing);
    expect(await api.call('POST', api.base, { name: 'no wrapper' })).toMatchObject(missing);
    expect(await api.call('POST', api.base, { enrollment_term: {} })).toMatchObject(missing);
    expect(await api.call('PUT', `${api.base}/1`, {}, 'form')).toMatchObject(missing);
    expect(await api.create({ start_at: '2025-01-01T00:00:00Z' })).toMatchObject({ status: 400, body: attributeError('name', 'Name is required.') });
    expect(await api.create({ name: ' padded ' })).toMatchObject({ status: 400, body: { errors: { name: [{ attribute: 'name' }] } } });
    const bad = await api.create({ name: 'x', start_at: 'next monday' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.start_at[0].message).toContain('ISO 8601');
    expect(await termCount(tenant)).toBe(1);
    const raw = await t.app.inject({ method: 'POST', url: api.base, headers: { ...(await tenant.auth(ALL_CANVAS_SCOPES)), 'content-type': 'application/json' }, payload: '{"enrollment_term":' });
    expect(raw.statusCode).toBe(400);
    expect(JSON.parse(raw.body)).toEqual({ errors: [{ message: expect.stringContaining('not valid JSON') }] });
  });

  it('takes an end_at at local midnight as "until that day": the day before is the last', async () => {
    const { tenant, api } = await setup();
    const { body: term } = await api.create({ name: 'Until Dec 20', start_at: '2025-08-13T05:00:00Z', end_at: '2025-12-20T06:00:00Z' });
    expect(term.end_at).toBe('2025-12-20T06:00:00Z');
    expect(await stored(tenant, term.id)).toMatchObject({ beginDate: '2025-08-13', endDate: '2025-12-19' });
    const { body: instant } = await api.create({ name: 'One midnight', start_at: '2025-02-01T06:00:00Z', end_at: '2025-02-01T06:00:00Z' });
    expect(instant).toMatchObject({ start_at: '2025-02-01T06:00:00Z', end_at: '2025-02-01T06:00:00Z' });
    expect(await stored(tenant, instant.id)).toMatchObject({ beginDate: '2025-02-01', endDate: '2025-02-01' });
  });

  it('reads literal bracketed form keys and day-only dates as district midnight', async () => {
    const { tenant } = await setup();
    const r = await t.app.inject({
      method: 'POST',
      url: '/api/v1/accounts/self/terms',
      headers: { ...(await tenant.auth(ALL_CANVAS_SCOPES)), 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'enrollment_term[name]=Winter+Session&enrollment_term[start_at]=2026-01-05&enrollment_term[end_at]=2026-01-09T23:59:59&enrollment_term[overrides][StudentEnrollment][start_at]=2026-01-06T08:00:00-06:00',
    });
    expect(r.statusCode).toBe(200);
    expect(JSON.parse(r.body)).toMatchObject({
      name: 'Winter Session',
      start_at: '2026-01-05T06:00:00Z',
      end_at: '2026-01-10T05:59:59Z',
      overrides: { StudentEnrollment: { start_at: '2026-01-06T14:00:00Z', end_at: null } },
    });
  });

  it('updates only active terms', async () => {
    const { api } = await setup();
    const { body: term } = await api.create({ name: 'Doomed' });
    expect((await api.remove(term.id)).status).toBe(200);
    expect(await api.update(term.id, { name: 'Back?' })).toMatchObject({ status: 404, body: NOT_FOUND });
    expect(await api.update(999, { name: 'x' })).toMatchObject({ status: 404, body: NOT_FOUND });
  });

  it('never renames or deletes the Default Term, but lets its dates change', async () => {
    const { api } = await setup();
    expect(await api.update(1, { name: 'Not Default' })).toMatchObject({ status: 400, body: attributeError('name', 'Cannot change the default term name') });
    expect(await api.update('default', { name: 'Default Term', start_at: '2020-01-01T06:00:00Z' })).toMatchObject({ status: 200, body: { id: 1, name: 'Default Term', start_at: '2020-01-01T06:00:00Z' } });
    expect(await api.remove(1)).toMatchObject({ status: 400, body: attributeError('workflow_state', 'Cannot delete the default term') });
    expect((await api.show(1)).body.workflow_state).toBe('active');
  });

  it('soft-deletes a term: 200 with the term without overrides, still shown, listed as deleted', async () => {
    const { tenant, api } = await setup();
    const { body: term } = await api.create({ name: 'Old', start_at: '2024-01-01T06:00:00Z', overrides: { StudentEnrollment: { start_at: '2024-01-02T06:00:00Z' } } });
    const r = await api.remove(`sis:${'x'}`);
    expect(r).toMatchObject({ status: 404, body: NOT_FOUND });
    const d = await api.remove(term.id);
    expect(d.status).toBe(200);
    expect(d.body).toMatchObject({ id: term.id, name: 'Old', workflow_state: 'deleted' });
    expect(d.body).not.toHaveProperty('overrides');
    expect((await stored(tenant, term.id)).status).toBe('deleted');
    expect((await api.show(term.id)).body).toMatchObject({ workflow_state: 'deleted', overrides: { StudentEnrollment: { start_at: '2024-01-02T06:00:00Z', end_at: null } } });
    expect((await api.list('workflow_state[]=deleted')).body.enrollment_terms.map((x: { id: number }) => x.id)).toEqual([term.id]);
    expect((await api.remove(term.id)).status).toBe(200);
  });

  it('refuses to delete a term with active courses, and deletes it once they are gone', async () => {
    const { tenant, api } = await setup();
    const { body: term } = await api.create({ name: 'Busy' });
    const session = await stored(tenant, term.id);
    const courseId = randomUUID();
    await sql`INSERT INTO course_sections (tenant_id, id, session_id, name) VALUES (${tenant.tenantId}, ${courseId}, ${session.id}, 'Biology')`.execute(t.store.db);
    expect(await api.remove(term.id)).toMatchObject({ status: 400, body: attributeError('workflow_state', 'Cannot delete a term with active courses') });
    expect((await api.show(term.id)).body).toMatchObject({ workflow_state: 'active', course_count: 1 });
    await sql`UPDATE course_sections SET status = 'deleted' WHERE tenant_id = ${tenant.tenantId} AND id = ${courseId}`.execute(t.store.db);
    expect((await api.remove(term.id)).body.workflow_state).toBe('deleted');
  });

  it('with override_sis_stickiness=false leaves the fields an SIS import set; by default overwrites them', async () => {
    const { tenant, api } = await setup();
    const { body: term } = await api.create({ name: 'From SIS', start_at: '2025-08-13T05:00:00Z', end_at: '2025-12-20T05:59:59Z' });
    const s = await stored(tenant, term.id);
    // An SIS import wrote name and end_at (the Canvas connector / SIS sync call markSetByImport).
    const input: SessionInput = { ...s, properties: markSetByImport(s.properties, canvasPropertiesOf(s), ['name', 'end_at'], 77) };
    await repo().update(tenant.tenantId, s.id, input);
    expect((await api.show(term.id)).body.sis_import_id).toBe(77);

    for (const encoding of ENCODINGS) {
      const kept = await api.update(term.id, { name: 'Hand edit', start_at: '2025-08-14T05:00:00Z', end_at: '2025-12-21T05:59:59Z' }, encoding, { override_sis_stickiness: 'false' });
      expect(kept.status).toBe(200);
      expect(kept.body).toMatchObject({ name: 'From SIS', start_at: '2025-08-14T05:00:00Z', end_at: '2025-12-20T05:59:59Z' });
    }
    // Default (true): the edit wins and the fields are no longer "set by an import".
    const edited = await api.update(term.id, { name: 'Hand edit' }, 'json', { override_sis_stickiness: true });
    expect(edited.body.name).toBe('Hand edit');
    expect(canvasPropertiesOf(await stored(tenant, term.id)).stickyFields).toEqual(['end_at']);
    expect((await api.update(term.id, { name: 'Again' }, 'json', { override_sis_stickiness: 'f' })).body.name).toBe('Again');
    expect(await api.update(term.id, { name: 'x' }, 'json', { override_sis_stickiness: 'perhaps' })).toMatchObject({ status: 400 });
  });

  it('keeps school sessions inside their parent and unique by Ed-Fi key when edited through Canvas', async () => {
    const { tenant, api } = await setup();
    const school = tenant.schools[0]!;
    const base = { schoolOrgId: school.id, schoolYear: 2026, termDescriptor: null, gradingPeriodDescriptor: null, periodSequence: null, totalInstructionalDays: null };
    const year = await repo().insert(tenant.tenantId, { ...base, name: '2026 School Year', type: 'schoolYear', beginDate: '2025-08-13', endDate: '2026-05-21', parentId: null });
    const fall = await repo().insert(tenant.tenantId, { ...base, name: 'Fall', type: 'semester', beginDate: '2025-08-13', endDate: '2025-12-19', parentId: year.id });
    await repo().insert(tenant.tenantId, { ...base, name: 'Spring', type: 'semester', beginDate: '2026-01-06', endDate: '2026-05-21', parentId: year.id });
    expect(await api.update(fall.canvasId, { name: 'Spring' })).toMatchObject({ status: 400, body: { errors: { name: [{ attribute: 'name' }] } } });
    const outside = await api.update(fall.canvasId, { start_at: '2025-08-01T05:00:00Z' });
    expect(outside.status).toBe(400);
    expect(outside.body.errors.start_at[0].message).toContain('2026 School Year');
    const ok = await api.update(fall.canvasId, { name: 'Fall Semester', end_at: '2025-12-18T23:00:00Z' });
    expect(ok.body).toMatchObject({ name: 'Fall Semester', start_at: '2025-08-13T05:00:00Z', end_at: '2025-12-18T23:00:00Z' });
    expect(await stored(tenant, fall.canvasId)).toMatchObject({ schoolOrgId: school.id, schoolYear: 2026, type: 'semester', endDate: '2025-12-18' });
    // A school year with live semesters in it cannot be deleted through Canvas.
    expect(await api.remove(year.canvasId)).toMatchObject({ status: 400, body: { errors: { workflow_state: [{ attribute: 'workflow_state' }] } } });
  });

  it('lets one of several simultaneous writers of a SIS id win and gives the others Canvas\'s in-use error, never a 500', async () => {
    const { tenant, api } = await setup();
    const results = await Promise.all([0, 1, 2, 3, 4].map((i) => api.create({ name: `Race ${i}`, sis_term_id: 'race' })));
    expect(results.map((r) => r.status).sort()).toEqual([200, 400, 400, 400, 400]);
    for (const r of results.filter((x) => x.status === 400)) expect(r.body).toEqual(attributeError('sis_source_id', 'SIS ID "race" is already in use'));
    expect(await termCount(tenant)).toBe(2);
    // Updates take no lock on the tenant, so these meet at the identifier's unique index.
    const terms = await Promise.all([0, 1, 2, 3].map(async (i) => (await api.create({ name: `Other ${i}` })).body.id as number));
    const updates = await Promise.all(terms.map((id) => api.update(id, { sis_term_id: 'race 2' })));
    expect(updates.map((r) => r.status).sort()).toEqual([200, 400, 400, 400]);
    for (const r of updates.filter((x) => x.status === 400)) expect(r.body).toEqual(attributeError('sis_source_id', 'SIS ID "race 2" is already in use'));
  });

  it('answers any create or update body with 200 or a Canvas 400, never a 500', async () => {
    const { api } = await setup();
    const { body: term } = await api.create({ name: 'Target', sis_term_id: 'fuzz-target' });
    const value = fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('2025-08-13T05:00:00Z', '2025-08-13', '', '2025-13-40'), fc.integer(), fc.boolean(), fc.constant(null));
    const term_ = fc.record(
      {
        name: value,
        start_at: value,
        end_at: value,
        sis_term_id: fc.oneof(value, fc.dictionary(fc.string({ maxLength: 3 }), value, { maxKeys: 2 })),
        overrides: fc.dictionary(fc.constantFrom('StudentEnrollment', 'ta_enrollment', 'ObserverEnrollment'), fc.oneof(value, fc.record({ start_at: value, end_at: value }, { requiredKeys: [] })), { maxKeys: 2 }),
      },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(fc.oneof(term_, fc.jsonValue({ maxDepth: 2 })), fc.constantFrom<Encoding>('form', 'json'), fc.boolean(), async (et, encoding, update) => {
        const body = { enrollment_term: et, override_sis_stickiness: 'false' };
        const r = update ? await api.call('PUT', `${api.base}/${term.id}`, body, encoding) : await api.call('POST', api.base, body, encoding);
        expect([200, 400], JSON.stringify({ encoding, body: encoding === 'form' ? qs.stringify(body) : body, answer: r.body })).toContain(r.status);
        if (r.status === 400) expect(r.body).toSatisfy((b: Record<string, unknown>) => typeof b.message === 'string' || b.errors !== undefined);
      }),
      { numRuns: 60 },
    );
  });

  it('gives each write a newer change version, and a refused write none (the sequence is shared: compare per session)', async () => {
    const { tenant, api } = await setup();
    const before = await repo().newestChangeVersion(tenant.tenantId);
    const { body: term } = await api.create({ name: 'CV', sis_term_id: 'cv1' });
    const v1 = (await stored(tenant, term.id)).changeVersion;
    expect(v1).toBeGreaterThan(before);
    await api.update(term.id, { name: 'CV2', sis_term_id: 'cv2' });
    const v2 = (await stored(tenant, term.id)).changeVersion;
    expect(v2).toBeGreaterThan(v1);
    // Refused: the session keeps its version and nothing new appears in the tenant.
    expect((await api.update(term.id, { start_at: '2025-02-01T00:00:00Z', end_at: '2025-01-01T00:00:00Z' })).status).toBe(400);
    expect((await api.create({ name: 'dup', sis_term_id: 'cv2' })).status).toBe(400);
    expect((await stored(tenant, term.id)).changeVersion).toBe(v2);
    expect(await termCount(tenant)).toBe(2);
    await api.remove(term.id);
    expect((await stored(tenant, term.id)).changeVersion).toBeGreaterThan(v2);
    // A district-wide term has no Ed-Fi key: no key-change or tombstone rows in the log.
    const log = await t.store.db.selectFrom('change_log').selectAll().where('tenant_id', '=', tenant.tenantId).execute();
    expect(log).toEqual([]);
  });
});
