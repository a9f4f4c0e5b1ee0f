// The same sessions through Ed-Fi and OneRoster: written in one, read in the other with the same
// names, the same days (OneRoster's endDate one later, being exclusive) and the same hierarchy.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EDFI_READ, EDFI_WRITE } from '../../../src/dialects/edfi/edfi-route.ts';
import { createTenant, drivers, startApp, type TestApp } from '../../harness.ts';
import { ALL_SCOPES, P, put } from './fixtures.ts';

type Json = Record<string, any>;
const ED = '/data/v3/ed-fi';
const GP_NS = 'uri://ed-fi.org/GradingPeriodDescriptor';

describe.each(drivers())('Ed-Fi ↔ OneRoster round trip on %s', (driver) => {
  let t: TestApp;
  beforeAll(async () => { t = await startApp(driver); });
  afterAll(async () => t?.close());

  it('a session and its grading periods written through Ed-Fi read back through OneRoster', async () => {
    const tenant = await createTenant(t, { schools: 1, schoolYears: [2026] });
    const h = await tenant.auth([...ALL_SCOPES, EDFI_READ, EDFI_WRITE]);
    const schoolId = tenant.schools[0]!.schoolId!;
    const gp = (name: string, code: string, begin: string, end: string) =>
      t.app.inject({ method: 'POST', url: `${ED}/gradingPeriods`, headers: h, payload: {
        gradingPeriodDescriptor: `${GP_NS}#${code}`, gradingPeriodName: name, schoolReference: { schoolId }, schoolYearTypeReference: { schoolYear: 2026 },
        beginDate: begin, endDate: end, totalInstructionalDays: 30, periodSequence: 1 } });
    expect((await gp('Six Weeks 1', 'First Six Weeks', '2025-08-18', '2025-09-26')).statusCode).toBe(201);
    expect((await gp('Six Weeks 2', 'Second Six Weeks', '2025-09-29', '2025-11-07')).statusCode).toBe(201);
    const ref = (name: string, code: string) => ({ gradingPeriodReference: { gradingPeriodDescriptor: `${GP_NS}#${code}`, gradingPeriodName: name, schoolId, schoolYear: 2026 } });
    const session = await t.app.inject({ method: 'POST', url: `${ED}/sessions`, headers: h, payload: {
      sessionName: '2025-2026 Fall Semester', schoolReference: { schoolId }, schoolYearTypeReference: { schoolYear: 2026 },
      beginDate: '2025-08-18', endDate: '2025-12-19', termDescriptor: 'uri://ed-fi.org/TermDescriptor#Fall Semester', totalInstructionalDays: 82,
      gradingPeriods: [ref('Six Weeks 1', 'First Six Weeks'), ref('Six Weeks 2', 'Second Six Weeks')] } });
    expect(session.statusCode, session.body).toBe(201);

    const list = (await t.app.inject({ url: `${P}/academicSessions?sort=startDate`, headers: h })).json().academicSessions as Json[];
    const fall = list.find((s) => s.title === '2025-2026 Fall Semester')!;
    expect(fall).toMatchObject({ type: 'semester', startDate: '2025-08-18', endDate: '2025-12-20', schoolYear: '2026', org: { sourcedId: tenant.schools[0]!.id } });
    expect(fall.metadata).toMatchObject({ termDescriptor: 'uri://ed-fi.org/TermDescriptor#Fall Semester', totalInstructionalDays: 82 });
    const gps = list.filter((s) => s.type === 'gradingPeriod');
    expect(gps.map((g) => [g.title, g.startDate, g.endDate, g.parent?.sourcedId])).toEqual([
      ['Six Weeks 1', '2025-08-18', '2025-09-27', fall.sourcedId],
      ['Six Weeks 2', '2025-09-29', '2025-11-08', fall.sourcedId],
    ]);
    expect(fall.children.map((c: Json) => c.sourcedId).sort()).toEqual(gps.map((g) => g.sourcedId).sort());
    const byParent = await t.app.inject({ url: `${P}/academicSessions?filter=${encodeURIComponent(`parent.sourcedId='${fall.sourcedId}'`)}`, headers: h });
    expect(byParent.json().academicSessions.map((s: Json) => s.title).sort()).toEqual(['Six Weeks 1', 'Six Weeks 2']);
  });

  it('a term and its grading period written through OneRoster read back through Ed-Fi', async () => {
    const tenant = await createTenant(t, { schools: 1, schoolYears: [2026] });
    const h = await tenant.auth([...ALL_SCOPES, EDFI_READ, EDFI_WRITE]);
    const org = { sourcedId: tenant.schools[0]!.id };
    expect((await put(t, h, 'spring', { title: 'Spring 2026', type: 'semester', startDate: '2026-01-05', endDate: '2026-05-30', schoolYear: '2026', org, metadata: { totalInstructionalDays: 90 } })).statusCode).toBe(201);
    expect((await put(t, h, 'q3', { title: 'Quarter 3', type: 'gradingPeriod', startDate: '2026-01-05', endDate: '2026-03-14', schoolYear: '2026', org, parent: { sourcedId: 'spring' },
      metadata: { gradingPeriodDescriptor: `${GP_NS}#Third Quarter`, periodSequence: 3, totalInstructionalDays: 45 } })).statusCode).toBe(201);

    const sessions = (await t.app.inject({ url: `${ED}/sessions?schoolId=${tenant.schools[0]!.schoolId}`, headers: h })).json() as Json[];
    expect(sessions).toHaveLength(1);
    expect(sessions[0]).toMatchObject({ sessionName: 'Spring 2026', beginDate: '2026-01-05', endDate: '2026-05-29', schoolYearTypeReference: { schoolYear: 2026 }, totalInstructionalDays: 90 });
    expect(sessions[0]!.gradingPeriods.map((g: Json) => g.gradingPeriodReference.gradingPeriodName)).toEqual(['Quarter 3']);
    const gradingPeriods = (await t.app.inject({ url: `${ED}/gradingPeriods?schoolId=${tenant.schools[0]!.schoolId}`, headers: h })).json() as Json[];
    expect(gradingPeriods).toHaveLength(1);
    expect(gradingPeriods[0]).toMatchObject({ gradingPeriodName: 'Quarter 3', beginDate: '2026-01-05', endDate: '2026-03-13', periodSequence: 3, gradingPeriodDescriptor: `${GP_NS}#Third Quarter` });

    // And back: the OneRoster view is unchanged by the trip.
    const q3 = (await t.app.inject({ url: `${P}/gradingPeriods/q3`, headers: h })).json().academicSession;
    expect(q3).toMatchObject({ title: 'Quarter 3', startDate: '2026-01-05', endDate: '2026-03-14', parent: { sourcedId: 'spring' } });
    const spring = (await t.app.inject({ url: `${P}/academicSessions/spring`, headers: h })).json().academicSession;
    expect(spring.children.map((c: Json) => c.sourcedId)).toEqual(['q3']);
  });
});
