import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SessionRepository } from '../../src/store/session-repository.ts';
import { createTenant, drivers, startApp, type TestApp } from '../harness.ts';

describe.each(drivers())('session store on %s', (driver) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp(driver);
  });
  afterAll(() => t.close());

  const base = (schoolOrgId: string) => ({
    schoolOrgId,
    schoolYear: 2026,
    name: 'Fall',
    type: 'semester' as const,
    beginDate: '2025-08-13',
    endDate: '2025-12-19',
    parentId: null,
    termDescriptor: 'uri://ed-fi.org/TermDescriptor#Fall Semester',
    gradingPeriodDescriptor: null,
    periodSequence: null,
    totalInstructionalDays: 85,
  });

  it('takes a new change version on every write and logs key changes and deletes', async () => {
    const tenant = await createTenant(t);
    const repo = new SessionRepository(t.store.db);
    const created = await repo.insert(tenant.tenantId, base(tenant.schools[0]!.id));
    expect(created.canvasId).toBe(2); // 1 is the tenant's Default Term
    expect(created.schoolId).toBe(tenant.schools[0]!.schoolId);
    const renamed = await repo.update(tenant.tenantId, created.id, { ...base(tenant.schools[0]!.id), name: 'Autumn' });
    if (renamed === null || renamed === 'conflict') throw new Error('update failed');
    expect(renamed.changeVersion).toBeGreaterThan(created.changeVersion);
    const stale = await repo.update(tenant.tenantId, created.id, base(tenant.schools[0]!.id), { expectedChangeVersion: created.changeVersion });
    expect(stale).toBe('conflict');
    await repo.markDeleted(tenant.tenantId, created.id);
    const log = await t.store.db.selectFrom('change_log').selectAll().where('tenant_id', '=', tenant.tenantId).orderBy('change_version').execute();
    expect(log.map((r) => r.kind)).toEqual(['keyChange', 'delete']);
    expect(log[0]!.old_key).toMatchObject({ sessionName: 'Fall' });
    expect(log[0]!.new_key).toMatchObject({ sessionName: 'Autumn' });
  });

  it('never returns another tenant\'s session', async () => {
    const a = await createTenant(t);
    const b = await createTenant(t);
    const repo = new SessionRepository(t.store.db);
    const s = await repo.insert(a.tenantId, base(a.schools[0]!.id));
    expect(await repo.get(b.tenantId, s.id)).toBeNull();
    const found = await repo.find(b.tenantId, { sort: [], page: { kind: 'all' }, where: { field: 'name', op: 'eq', value: 'Fall' } });
    expect(found.rows).toEqual([]);
  });

  it('answers /healthz without a token and unknown routes with 404', async () => {
    expect((await t.app.inject({ url: '/healthz' })).statusCode).toBe(200);
    expect((await t.app.inject({ url: '/nowhere' })).statusCode).toBe(404);
  });
});
