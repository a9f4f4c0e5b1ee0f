// Whatever a SIS sends, the answer is a 2xx or a 4xx in the SIS envelope, never a 500.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TABLE_ROUTES } from '../../../src/dialects/sis/table-routes.ts';
import { createTenant, startApp, type TestApp } from '../../harness.ts';

describe('SIS API under random input', () => {
  let t: TestApp;
  let headers: { authorization: string };
  beforeAll(async () => {
    t = await startApp('pglite');
    const tenant = await createTenant(t, { schools: 0 });
    headers = await tenant.auth(['sis:write']);
    await t.app.inject({ method: 'PUT', url: '/sis/v1/schools/1', headers, payload: { name: 'S' } });
    await t.app.inject({ method: 'PUT', url: '/sis/v1/calendars/c', headers, payload: { schoolId: 1, schoolYear: 2026, name: 'C' } });
  });
  afterAll(() => t.close());

  const segment = fc.oneof(fc.constantFrom('1', 'c', '2026', 'S1', '2025-08-20', 'x y', '%00', '-1', '99999999999999999999', 'é'), fc.string({ maxLength: 8 }));
  const value = fc.oneof(fc.constant(null), fc.boolean(), fc.integer(), fc.double(), fc.string({ maxLength: 12 }), fc.constantFrom('2025-08-20', '2026-02-30', 'c', '1', 'S1', 'uri://x/D#y'), fc.array(fc.integer(), { maxLength: 2 }));
  const body = fc.oneof(
    fc.dictionary(fc.constantFrom('schoolId', 'calendarId', 'schoolYear', 'name', 'termId', 'termTypeCode', 'startDate', 'endDate', 'instructional', 'exclude', 'descriptor', 'beginDate', 'stateCode', 'other'), value),
    fc.jsonValue(),
  );

  it('answers every PUT and DELETE with a status below 500 and a SIS error body on 4xx', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...TABLE_ROUTES), fc.array(segment, { minLength: 2, maxLength: 2 }), body, fc.constantFrom('PUT', 'DELETE', 'GET'), async (route, segs, payload, method) => {
        let i = 0;
        const url = `/sis/v1${route.path.replace(/:[A-Za-z]+/g, () => encodeURIComponent(segs[i++ % segs.length]!))}`;
        const res = await t.app.inject({ method, url, headers: { ...headers, 'content-type': 'application/json' }, ...(method === 'PUT' ? { payload: JSON.stringify(payload) } : {}) });
        expect(res.statusCode, `${method} ${url} ${JSON.stringify(payload)} -> ${res.body}`).toBeLessThan(500);
        if (res.statusCode >= 400) expect(res.json()).toMatchObject({ status: res.statusCode, error: expect.any(String), message: expect.any(String) });
      }),
      { numRuns: 300 },
    );
  });

  it('answers every upload with a status below 500', async () => {
    const row = fc.dictionary(fc.constantFrom('schoolId', 'calendarId', 'schoolYear', 'name', 'termId', 'termTypeCode', 'startDate', 'endDate', 'date', 'instructional', 'courseId', 'sectionId', 'gradingPeriodId', 'descriptor', 'beginDate', 'stateCode'), value);
    const upload = fc.oneof(
      fc.dictionary(fc.constantFrom('schools', 'calendars', 'terms', 'calendarDays', 'courseSections', 'gradingPeriods', 'termTypeMappings', 'syncYears', 'other'), fc.oneof(fc.array(row, { maxLength: 3 }), value)),
      fc.jsonValue(),
    );
    await fc.assert(
      fc.asyncProperty(upload, fc.boolean(), async (payload, replace) => {
        const res = await t.app.inject({ method: 'POST', url: `/sis/v1/uploads${replace ? '?replace=true' : ''}`, headers: { ...headers, 'content-type': 'application/json' }, payload: JSON.stringify(payload) });
        expect(res.statusCode, `${JSON.stringify(payload)} -> ${res.body}`).toBeLessThan(500);
      }),
      { numRuns: 200 },
    );
  });
});
