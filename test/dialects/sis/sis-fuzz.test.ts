// Whatever a SIS sends, the answer is a 2xx or a 4xx in the SIS envelope, never a 500; a refused
// upload writes nothing, and the server answers /healthz after every request. Values include
// what PostgreSQL refuses (NUL characters, lone surrogates, integers past its range), prototype
// keys and deep nesting; raw bodies include broken JSON, bytes that are not UTF-8 and bodies past
// the limit. A fixed seed and a random one (printed; FUZZ_SEED=… replays it).
import fc from 'fast-check';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { TABLE_ROUTES } from '../../../src/dialects/sis/table-routes.ts';
import { createTenant, drivers, startApp, type TestApp } from '../../harness.ts';
import { tenantFingerprint } from '../../tenant-fingerprint.ts';

const FIXED_SEED = 16_017;
const RANDOM_SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : Math.floor(Math.random() * 2 ** 31);
const RUNS = { pglite: { put: 300, upload: 200, raw: 100 }, postgres: { put: 100, upload: 60, raw: 40 } } as const;
/** The tables a SIS write touches, fingerprinted after every refused upload. */
const SIS_TABLES = ['sis_schools', 'sis_calendars', 'sis_terms', 'sis_calendar_days', 'sis_course_sections', 'sis_grading_periods', 'sis_term_type_mappings', 'sis_sync_years', 'sync_dirty_schools'];

const segment = fc.oneof(fc.constantFrom('1', 'c', '2026', 'S1', '2025-08-20', 'x y', '%00', 'a%00b', '-1', '99999999999999999999', 'é'), fc.string({ maxLength: 8 }));
const hostile = fc.constantFrom('\u0000', 'a\u0000b', '\ud800', 'x\udfff', 2 ** 31, 2 ** 53, -(2 ** 31), 1e300, '2147483648', '99999999999999999999', 'x'.repeat(5000), '__proto__', { __proto__: { polluted: true } });
const value = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer(),
  fc.double(),
  fc.string({ maxLength: 12 }),
  fc.constantFrom('2025-08-20', '2026-02-30', 'c', '1', 'S1', 'uri://x/D#y', 'uri://x/D#\u0000'),
  fc.array(fc.integer(), { maxLength: 2 }),
  hostile,
);
const FIELDS = ['schoolId', 'calendarId', 'schoolYear', 'name', 'termId', 'termTypeCode', 'startDate', 'endDate', 'date', 'instructional', 'exclude', 'courseId', 'sectionId', 'gradingPeriodId', 'periodSequence', 'descriptor', 'beginDate', 'stateCode', 'termDescriptor', '__proto__', 'constructor', 'other'];
const row = fc.dictionary(fc.constantFrom(...FIELDS), value);
/** A row that passes validation more often than not, with one field swapped for something hostile. */
const nearlyValidRow = fc.record({ field: fc.constantFrom('name', 'termId', 'calendarId', 'termTypeCode', 'periodSequence', 'descriptor'), value: hostile }).map(({ field, value: v }) => ({
  gradingPeriodId: 'gp',
  schoolId: 1,
  schoolYear: 2026,
  name: 'GP 1',
  descriptor: 'uri://ed-fi.org/GradingPeriodDescriptor#First Six Weeks',
  periodSequence: 1,
  beginDate: '2025-08-20',
  endDate: '2025-10-01',
  [field]: v,
}));
/** Nesting thousands deep: built as text when sent (fast-check would recurse printing it). */
const deep = fc.integer({ min: 100, max: 5000 }).map((depth) => ({ deep: depth }));
const upload = fc.oneof(
  fc.dictionary(fc.constantFrom('schools', 'calendars', 'terms', 'calendarDays', 'courseSections', 'gradingPeriods', 'termTypeMappings', 'syncYears', 'other', '__proto__'), fc.oneof(fc.array(row, { maxLength: 3 }), value)),
  fc.record({ gradingPeriods: fc.array(nearlyValidRow, { minLength: 1, maxLength: 2 }) }),
  deep,
  fc.jsonValue(),
);
const bodyOf = (payload: unknown): string => {
  const depth = (payload as { deep?: unknown } | null)?.deep;
  return typeof depth === 'number' ? `{"terms":${'['.repeat(depth)}1${']'.repeat(depth)}}` : JSON.stringify(payload);
};
/** Raw bodies: broken JSON, bytes that are not UTF-8, a NUL byte, a body past the 1 MiB limit. */
const rawBody = fc.oneof(
  fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.from(b)),
  fc.constantFrom(
    Buffer.from('{"schools":[{"schoolId":1,"name":"S'),
    Buffer.concat([Buffer.from('{"schools":[{"schoolId":1,"name":"Caf'), Buffer.from([0xe9]), Buffer.from('"}]}')]),
    Buffer.from('{"schools":[{"schoolId":1,"name":"a\u0000b"}]}'),
    Buffer.from('{"schools":[{"schoolId":1,"name":"a\\u0000b"}]}'),
    Buffer.from('{"schools":[{"schoolId":1,"name":"a\\ud800b"}]}'),
    Buffer.from(`{"schools":[${'{"schoolId":1,"name":"x"},'.repeat(60_000)}{"schoolId":2,"name":"y"}]}`),
    Buffer.from(`${'['.repeat(100_000)}${']'.repeat(100_000)}`),
  ),
);

describe.each(drivers())('SIS API under random input on %s', (driver) => {
  let t: TestApp;
  let tenantId: string;
  let headers: { authorization: string };
  const counts = { sent: 0, ok: 0, refused: 0, serverErrors: 0 };

  beforeAll(async () => {
    vi.stubEnv('RATE_LIMIT_PER_MINUTE', '1000000');
    t = await startApp(driver);
    const tenant = await createTenant(t, { schools: 0 });
    tenantId = tenant.tenantId;
    headers = await tenant.auth(['sis:write']);
    await t.app.inject({ method: 'PUT', url: '/sis/v1/schools/1', headers, payload: { name: 'S' } });
    await t.app.inject({ method: 'PUT', url: '/sis/v1/calendars/c', headers, payload: { schoolId: 1, schoolYear: 2026, name: 'C' } });
  });
  afterAll(async () => {
    vi.unstubAllEnvs();
    console.log(`SIS fuzz on ${driver}: sent ${counts.sent}, 2xx ${counts.ok}, 4xx ${counts.refused}, 5xx ${counts.serverErrors}; random seed ${RANDOM_SEED}`);
    await t?.close();
  });

  /** Sends one request; checks the status, the envelope, the server's health and (refused) that nothing changed. */
  async function send(request: InjectOptions, label: string) {
    const before = await tenantFingerprint(t.store, tenantId, SIS_TABLES);
    const res = await t.app.inject(request);
    counts.sent++;
    if (res.statusCode >= 500) counts.serverErrors++;
    else if (res.statusCode >= 400) counts.refused++;
    else counts.ok++;
    expect(res.statusCode, `${label} -> ${res.body.slice(0, 400)}`).toBeLessThan(500);
    if (res.statusCode >= 400) {
      expect(res.json()).toMatchObject({ status: res.statusCode, error: expect.any(String), message: expect.any(String) });
      expect(await tenantFingerprint(t.store, tenantId, SIS_TABLES), `${label} was refused but changed the tenant`).toBe(before);
    }
    expect((await t.app.inject({ url: '/healthz' })).statusCode).toBe(200);
    return res;
  }

  const tableRequests = fc.asyncProperty(fc.constantFrom(...TABLE_ROUTES), fc.array(segment, { minLength: 2, maxLength: 2 }), fc.oneof(row, fc.jsonValue()), fc.constantFrom('PUT', 'DELETE', 'GET'), async (route, segs, payload, method) => {
    let i = 0;
    const url = `/sis/v1${route.path.replace(/:[A-Za-z]+/g, () => encodeURIComponent(segs[i++ % segs.length]!).replaceAll('%2500', '%00'))}`;
    await send({ method, url, headers: { ...headers, 'content-type': 'application/json' }, ...(method === 'PUT' ? { payload: JSON.stringify(payload) } : {}) }, `${method} ${url} ${JSON.stringify(payload)?.slice(0, 200)}`);
  });

  const uploads = fc.asyncProperty(upload, fc.boolean(), async (payload, replace) => {
    const body = bodyOf(payload);
    await send({ method: 'POST', url: `/sis/v1/uploads${replace ? '?replace=true' : ''}`, headers: { ...headers, 'content-type': 'application/json' }, payload: body }, body.slice(0, 300));
  });

  const rawUploads = fc.asyncProperty(rawBody, fc.constantFrom('application/json', 'application/json; charset=utf-8', 'text/csv', 'application/zip'), async (body, type) => {
    await send({ method: 'POST', url: '/sis/v1/uploads', headers: { ...headers, 'content-type': type }, payload: body }, `${type} ${body.subarray(0, 80).toString('hex')}`);
  });

  it('answers every PUT, GET and DELETE below 500 in the SIS envelope (fixed and random seed)', { timeout: 300_000 }, async () => {
    await fc.assert(tableRequests, { numRuns: RUNS[driver].put, seed: FIXED_SEED });
    await fc.assert(tableRequests, { numRuns: RUNS[driver].put, seed: RANDOM_SEED });
  });

  it('answers every upload below 500, writing nothing when it refuses (fixed and random seed)', { timeout: 300_000 }, async () => {
    await fc.assert(uploads, { numRuns: RUNS[driver].upload, seed: FIXED_SEED });
    await fc.assert(uploads, { numRuns: RUNS[driver].upload, seed: RANDOM_SEED });
  });

  it('answers raw upload bodies (broken JSON, not UTF-8, too large, another type) below 500', { timeout: 300_000 }, async () => {
    await fc.assert(rawUploads, { numRuns: RUNS[driver].raw, seed: FIXED_SEED });
    await fc.assert(rawUploads, { numRuns: RUNS[driver].raw, seed: RANDOM_SEED });
    expect(counts.serverErrors).toBe(0);
  });
});
