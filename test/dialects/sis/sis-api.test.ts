// PUT/GET/DELETE /sis/v1/... and POST /sis/v1/uploads, black-box over HTTP, on both drivers.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTenant, drivers, startApp, type TestApp } from '../../harness.ts';

describe.each(drivers())('SIS API on %s', (driver) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp(driver);
  });
  afterAll(() => t.close());

  async function tenantWithWriter() {
    const tenant = await createTenant(t, { schools: 0 });
    const headers = await tenant.auth(['sis:write']);
    const put = (url: string, payload: unknown) => t.app.inject({ method: 'PUT', url, headers, payload: payload as object });
    return { tenant, headers, put };
  }

  it('creates rows (201), replaces them (200), reads them back and marks the school for the sync', async () => {
    const { tenant, headers, put } = await tenantWithWriter();
    expect((await put('/sis/v1/schools/255901001', { name: 'Grand Bend High School' })).statusCode).toBe(201);
    expect((await put('/sis/v1/calendars/hs-2026', { schoolId: 255901001, schoolYear: 2026, name: 'HS 25-26' })).statusCode).toBe(201);
    const created = await put('/sis/v1/terms/s1', { calendarId: 'hs-2026', name: 'Semester 1', termTypeCode: 'S1', startDate: '2025-08-20', endDate: '2025-12-19' });
    expect(created.statusCode).toBe(201);
    expect(created.json().schoolsToSync).toEqual([255901001]);
    const replaced = await put('/sis/v1/terms/s1', { calendarId: 'hs-2026', name: 'Semester 1', termTypeCode: 'S1', startDate: '2025-08-21', endDate: '2025-12-19' });
    expect(replaced.statusCode).toBe(200);
    const got = await t.app.inject({ method: 'GET', url: '/sis/v1/terms/s1', headers });
    expect(got.json()).toEqual({ termId: 's1', calendarId: 'hs-2026', scheduleStructure: 'main', name: 'Semester 1', termTypeCode: 'S1', startDate: '2025-08-21', endDate: '2025-12-19' });
    expect((await put('/sis/v1/calendars/hs-2026/days/2025-08-21', { instructional: true })).statusCode).toBe(201);
    expect((await put('/sis/v1/courses/ALG/sections/1', { termId: 's1', sectionTermTypeOverride: 'Q1' })).statusCode).toBe(201);
    expect((await put('/sis/v1/termTypeMappings/2026/S1', { termDescriptor: 'uri://ed-fi.org/TermDescriptor#Fall Semester' })).statusCode).toBe(201);
    expect((await put('/sis/v1/syncYears/2026', { stateCode: 'ks' })).json()).toMatchObject({ syncYears: { schoolYear: 2026, stateCode: 'KS', sessionsEnabled: true } });
    const dirty = await sql<{ school_id: string }>`SELECT school_id FROM sync_dirty_schools WHERE tenant_id = ${tenant.tenantId}`.execute(t.store.db);
    expect(dirty.rows.map((r) => Number(r.school_id))).toEqual([255901001]);
  });

  it('refuses bad rows with a 400 naming each field, and saves nothing', async () => {
    const { headers, put } = await tenantWithWriter();
    await put('/sis/v1/schools/1', { name: 'S' });
    await put('/sis/v1/calendars/c', { schoolId: 1, schoolYear: 2026, name: 'C' });
    const bad = await put('/sis/v1/terms/t', { calendarId: 'c', name: 'T', termTypeCode: 'S1', startDate: '2025-13-01', endDate: '2025-12-19', colour: 'red' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().problems).toEqual(
      expect.arrayContaining([
        { path: '$.startDate', message: "'2025-13-01' is not a date (YYYY-MM-DD)" },
        expect.objectContaining({ path: '$.colour', message: expect.stringContaining('unknown field') }),
      ]),
    );
    const reversed = await put('/sis/v1/terms/t', { calendarId: 'c', name: 'T', startDate: '2025-12-20', endDate: '2025-12-19' });
    expect(reversed.json().message).toContain('$.endDate 2025-12-19 is before startDate 2025-12-20');
    const orphan = await put('/sis/v1/terms/t', { calendarId: 'nope', name: 'T' });
    expect(orphan.statusCode).toBe(400);
    expect(orphan.json().message).toContain("calendar 'nope' does not exist");
    expect((await t.app.inject({ method: 'GET', url: '/sis/v1/terms/t', headers })).statusCode).toBe(404);
    const mismatch = await put('/sis/v1/terms/t', { termId: 'other', calendarId: 'c', name: 'T' });
    expect(mismatch.statusCode).toBe(400);
    expect(mismatch.json().message).toContain("does not match the URL's 't'");
    // A JSON object that carries its own toString made String() throw: a 500 before.
    const selfPrinting = await put('/sis/v1/terms/t', { termId: [{ toString: '' }], calendarId: 'c', name: 'T', startDate: { toString: '' } });
    expect(selfPrinting.statusCode).toBe(400);
    const badDate = await put('/sis/v1/terms/t', { calendarId: 'c', name: 'T', startDate: [{ toString: '' }] });
    expect(badDate.statusCode).toBe(400);
    expect(badDate.json().message).toContain('is not a date');
    expect((await put('/sis/v1/syncYears/2026', { stateCode: 'ZZ' })).json().message).toContain("no rules for state 'ZZ'");
    expect((await put('/sis/v1/schools/abc', { name: 'x' })).statusCode).toBe(400);
  });

  it('deletes a row and what depends on it', async () => {
    const { headers, put } = await tenantWithWriter();
    await put('/sis/v1/schools/1', { name: 'S' });
    await put('/sis/v1/calendars/c', { schoolId: 1, schoolYear: 2026, name: 'C' });
    await put('/sis/v1/terms/t', { calendarId: 'c', name: 'T' });
    expect((await t.app.inject({ method: 'DELETE', url: '/sis/v1/calendars/c', headers })).statusCode).toBe(204);
    expect((await t.app.inject({ method: 'GET', url: '/sis/v1/terms/t', headers })).statusCode).toBe(404);
    expect((await t.app.inject({ method: 'DELETE', url: '/sis/v1/calendars/c', headers })).statusCode).toBe(404);
  });

  it('takes a whole upload all or nothing', async () => {
    const { headers } = await tenantWithWriter();
    const upload = {
      schools: [{ schoolId: 7, name: 'Seven' }],
      calendars: [{ calendarId: 'c7', schoolId: 7, schoolYear: 2026, name: 'C7' }],
      terms: [
        { termId: 'a', calendarId: 'c7', name: 'A', termTypeCode: 'S1', startDate: '2025-08-20', endDate: '2025-12-19' },
        { termId: 'b', calendarId: 'missing', name: 'B' },
      ],
    };
    const refused = await t.app.inject({ method: 'POST', url: '/sis/v1/uploads', headers, payload: upload });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().problems).toEqual([{ path: '$.terms[1].calendarId', message: "calendar 'missing' does not exist; add it to calendars first" }]);
    expect((await t.app.inject({ method: 'GET', url: '/sis/v1/schools/7', headers })).statusCode).toBe(404);
    upload.terms.pop();
    const ok = await t.app.inject({ method: 'POST', url: '/sis/v1/uploads', headers, payload: upload });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toEqual({ counts: { schools: 1, calendars: 1, terms: 1 }, schoolsToSync: [7] });
  });

  it('needs a token with the sis scopes', async () => {
    const tenant = await createTenant(t, { schools: 0 });
    expect((await t.app.inject({ method: 'GET', url: '/sis/v1/sync/errors' })).statusCode).toBe(401);
    const reader = await tenant.auth(['sis:read']);
    expect((await t.app.inject({ method: 'GET', url: '/sis/v1/sync/errors', headers: reader })).json()).toEqual({ errors: [] });
    const denied = await t.app.inject({ method: 'PUT', url: '/sis/v1/schools/1', headers: reader, payload: { name: 'x' } });
    expect(denied.statusCode).toBe(403);
    expect(denied.json()).toMatchObject({ status: 403, error: 'forbidden' });
  });
});
