// A deleted item's natural key can be used again, as in ODS (whose deleted rows are gone): the
// store's unique indexes hold among live rows only (migration 011). Create → delete → create
// answers 201 for every resource with tombstones, over HTTP on both drivers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTenant, drivers, startApp, type TestApp } from '../../harness.ts';
import { DATA, edfiClient, gradingPeriodBody, schoolBody, sessionBody, type EdfiClient } from './edfi-fixtures.ts';

describe.each(drivers())('Ed-Fi natural keys after a delete on %s', (driver) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp(driver);
  });
  afterAll(() => t.close());

  async function cycle(c: EdfiClient, resource: string, body: Record<string, unknown>): Promise<{ first: string; second: string }> {
    const first = await c.create(`${DATA}/${resource}`, body);
    expect((await c.del(`${DATA}/${resource}/${first.id}`)).statusCode).toBe(204);
    const again = await c.post(`${DATA}/${resource}`, body);
    expect(again.statusCode, `${resource}: ${again.body}`).toBe(201);
    const second = String(again.headers.location).split('/').pop()!;
    expect(second).not.toBe(first.id);
    expect((await c.get(`${DATA}/${resource}/${second}`)).statusCode).toBe(200);
    expect((await c.get(`${DATA}/${resource}/${first.id}`)).statusCode).toBe(404);
    return { first: first.id, second };
  }

  it('schools: a deleted schoolId can be created again, and takes sessions', async () => {
    const tenant = await createTenant(t);
    const c = await edfiClient(t.app, tenant);
    const { first } = await cycle(c, 'schools', schoolBody(880001));
    expect(((await c.get(`${DATA}/schools?schoolId=880001`)).json() as unknown[]).length).toBe(1);
    expect((await c.post(`${DATA}/sessions`, sessionBody(880001))).statusCode).toBe(201);
    // The delete stays in /deletes.
    expect(((await c.get(`${DATA}/schools/deletes`)).json() as { id: string }[]).map((d) => d.id)).toContain(first);
  });

  it('school years: a deleted year can be created again', async () => {
    const c = await edfiClient(t.app, await createTenant(t));
    await cycle(c, 'schoolYearTypes', { schoolYear: 2031, currentSchoolYear: false, schoolYearDescription: '2030-2031' });
    expect(((await c.get(`${DATA}/schoolYearTypes?schoolYear=2031`)).json() as unknown[]).length).toBe(1);
  });

  it('descriptors: a deleted namespace#codeValue can be created again, and its delete is in /deletes', async () => {
    const c = await edfiClient(t.app, await createTenant(t));
    for (const resource of ['termDescriptors', 'gradingPeriodDescriptors']) {
      const body = { namespace: `uri://ks.gov/${resource}`, codeValue: 'Block 9', shortDescription: 'Block 9' };
      const { first } = await cycle(c, resource, body);
      const deletes = (await c.get(`${DATA}/${resource}/deletes`)).json() as { id: string; keyValues: unknown }[];
      expect(deletes).toContainEqual({ id: first, changeVersion: expect.any(Number), keyValues: { codeValue: 'Block 9', namespace: `uri://ks.gov/${resource}` } });
    }
    // A descriptor in use cannot be deleted.
    const tenant = await createTenant(t);
    const d = await edfiClient(t.app, tenant);
    await d.create(`${DATA}/sessions`, sessionBody(tenant.schools[0]!.schoolId!));
    const fall = ((await d.get(`${DATA}/termDescriptors?codeValue=Fall%20Semester`)).json() as { id: string }[])[0]!;
    const refused = await d.del(`${DATA}/termDescriptors/${fall.id}`);
    expect(refused.statusCode).toBe(409);
    expect(refused.json().detail).toBe("The requested action cannot be performed because this item is referenced by an existing 'Session' item.");
  });

  it('sessions and grading periods: a deleted natural key can be created again', async () => {
    const tenant = await createTenant(t);
    const c = await edfiClient(t.app, tenant);
    const schoolId = tenant.schools[0]!.schoolId!;
    await cycle(c, 'gradingPeriods', gradingPeriodBody(schoolId));
    await cycle(c, 'sessions', sessionBody(schoolId));
  });
});
