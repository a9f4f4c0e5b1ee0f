import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from '../../../src/domain/calendar-date.ts';
import { SESSION_TYPES, type SessionInput } from '../../../src/domain/session.ts';
import { SessionRepository } from '../../../src/store/session-repository.ts';
import { createTenant, drivers, startApp, type TestApp, type TestTenant } from '../../harness.ts';
import { matches, type EdlinkFilter } from './filter-oracle.ts';
import { sessionInput } from './fixtures.ts';

const NAMES = ['Fall 2025', 'fall 2025', 'FALL', 'Spring 2026', 'Q1', 'Q1_%', 'Semester, One', 'Sum\\mer', 'Year', 'a', 'A B C'];

describe.each(drivers())('Edlink $filter agrees with an in-memory evaluation on %s', (driver) => {
  let t: TestApp;
  let tenant: TestTenant;
  let headers: { authorization: string };
  let wire: Record<string, unknown>[] = [];

  beforeAll(async () => {
    t = await startApp(driver, { now: () => new Date('2025-10-01T12:00:00Z') });
    tenant = await createTenant(t, { schools: 2 });
    headers = await tenant.auth(['edlink:read']);
    const repo = new SessionRepository(t.store.db);
    const rows = fc.sample(
      fc.record({
        name: fc.constantFrom(...NAMES),
        type: fc.constantFrom(...SESSION_TYPES),
        school: fc.constantFrom(null, 0, 1),
        begin: fc.option(fc.integer({ min: 0, max: 700 }), { freq: 6 }),
        length: fc.option(fc.integer({ min: 0, max: 200 }), { freq: 6 }),
        deleted: fc.boolean(),
      }),
      { numRuns: 40, seed: 42 },
    );
    for (const [i, r] of rows.entries()) {
      const begin = r.begin === null ? null : addDays('2024-08-01', r.begin);
      const input: SessionInput = sessionInput({
        name: r.name,
        type: r.type,
        schoolOrgId: r.school === null ? null : tenant.schools[r.school]!.id,
        schoolYear: 2000 + i,
        beginDate: begin,
        endDate: begin === null || r.length === null ? null : addDays(begin, r.length),
      });
      const s = await repo.insert(tenant.tenantId, input);
      if (r.deleted && i % 3 === 0) await repo.markDeleted(tenant.tenantId, s.id);
    }
    const res = await t.app.inject({ method: 'GET', url: '/api/v2/graph/sessions?$first=10000', headers });
    wire = res.json().$data;
  });
  afterAll(() => t.close());

  const dateValue = () =>
    fc.oneof(
      fc.constantFrom(...wire.flatMap((w) => [w.start_date, w.end_date, w.updated_date].filter((v): v is string => typeof v === 'string'))).chain((v) =>
        fc.constantFrom(v, v.slice(0, 10), new Date(Date.parse(v) + 1).toISOString(), new Date(Date.parse(v) - 1).toISOString(), new Date(Date.parse(v) + 86_400_000).toISOString()),
      ),
      fc.date({ min: new Date('2024-01-01T00:00:00Z'), max: new Date('2027-01-01T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString()),
      fc.integer({ min: 0, max: 900 }).map((n) => `${addDays('2024-07-01', n)}T00:00:00+05:00`),
    );
  const ids = () => fc.constantFrom(...wire.map((w) => w.id as string), '00000000-0000-4000-8000-000000000000', wire[0]!.id!.toString().toUpperCase());
  const text = () => fc.oneof(fc.constantFrom(...NAMES), fc.constantFrom(...NAMES).map((n) => n.slice(0, 3).toUpperCase()), fc.constantFrom('%', '_', ',', 'all', ''));

  const clause = (field: string): fc.Arbitrary<{ operator: string; value?: string }> => {
    switch (field) {
      case 'id':
        return fc.oneof(
          ids().map((value) => ({ operator: 'equals', value })),
          fc.array(ids(), { minLength: 1, maxLength: 3 }).chain((vs) => fc.constantFrom('in', 'not in').map((operator) => ({ operator, value: vs.join(',') }))),
        );
      case 'name':
        return fc.oneof(
          fc.constantFrom('equals', 'starts with', 'contains').chain((operator) => text().map((value) => ({ operator, value }))),
          fc.array(text(), { minLength: 1, maxLength: 3 }).chain((vs) => fc.constantFrom('in', 'not in').map((operator) => ({ operator, value: vs.join(',') }))),
          fc.constantFrom({ operator: 'is known' }, { operator: 'is unknown' }),
        );
      default:
        return fc.constantFrom('equals', 'gt', 'gte', 'lt', 'lte').chain((operator) => dateValue().map((value) => ({ operator, value })));
    }
  };
  const filter = (): fc.Arbitrary<EdlinkFilter> =>
    fc
      .uniqueArray(fc.constantFrom('id', 'name', 'updated_date', 'start_date', 'end_date'), { minLength: 1, maxLength: 3 })
      .chain((fields) => fc.tuple(...fields.map((f) => fc.array(clause(f), { minLength: 1, maxLength: 2 }).map((cs) => [f, cs] as const))))
      .map((entries) => Object.fromEntries(entries));

  it('returns exactly the rows the in-memory evaluation keeps', async () => {
    expect(wire.length).toBeGreaterThan(20);
    await fc.assert(
      fc.asyncProperty(filter(), async (f) => {
        const res = await t.app.inject({ method: 'GET', url: `/api/v2/graph/sessions?$first=10000&$filter=${encodeURIComponent(JSON.stringify(f))}`, headers });
        expect(res.statusCode).toBe(200);
        const got = (res.json().$data as { id: string }[]).map((s) => s.id);
        expect(got).toEqual(wire.filter((w) => matches(f, w)).map((w) => w.id));
      }),
      { numRuns: 150 },
    );
  });

  it('answers garbage with a 4xx in the Edlink envelope, never a 500', async () => {
    const garbage = fc.oneof(
      fc.string(),
      fc.json(),
      fc.jsonValue().map((v) => JSON.stringify({ name: v })),
      fc.jsonValue().map((v) => JSON.stringify({ start_date: [{ operator: 'gt', value: v }] })),
      fc.record({ f: fc.constantFrom('id', 'name', 'start_date', 'end_date', 'updated_date', 'state', '__proto__'), op: fc.string(), v: fc.string() }).map(({ f, op, v }) => JSON.stringify({ [f]: [{ operator: op, value: v }] })),
    );
    await fc.assert(
      fc.asyncProperty(garbage, async (g) => {
        const res = await t.app.inject({ method: 'GET', url: `/api/v2/graph/sessions?$filter=${encodeURIComponent(g)}`, headers });
        expect(res.statusCode).toBeLessThan(500);
        if (res.statusCode !== 200) expect(res.json().$errors[0].code).toMatch(/^[A-Z_]+$/);
      }),
      { numRuns: 200 },
    );
  });
});
