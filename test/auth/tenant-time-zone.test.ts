// Issue #18: a tenant's time zone turns Canvas instants into school days; an unknown one would
// silently mean UTC, so creating a tenant with one is refused with a message naming it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdministrationError, StoreAdministration } from '../../src/auth/administration.ts';
import { TenantRepository } from '../../src/store/tenant-repository.ts';
import type { Store } from '../../src/store/database.ts';
import { drivers, openTestStore } from '../harness.ts';

describe.each(drivers())('tenant time zones on %s', (driver) => {
  let store: Store;
  beforeAll(async () => {
    store = await openTestStore(driver);
  });
  afterAll(() => store.close());

  it('refuses an unknown zone and creates nothing', async () => {
    const admin = new StoreAdministration(store.db, []);
    const id = `tz-${Date.now().toString(36)}`;
    const refused = admin.createTenant({ tenantId: id, name: 'Mars District', timeZone: 'Mars/Olympus_Mons' });
    await expect(refused).rejects.toBeInstanceOf(AdministrationError);
    await expect(refused).rejects.toThrow("time zone 'Mars/Olympus_Mons' is not an IANA time zone");
    expect(await new TenantRepository(store.db).get(id)).toBeNull();
    await expect(new TenantRepository(store.db).create({ tenantId: id, name: 'Mars', timeZone: 'Mars/Olympus_Mons' })).rejects.toThrow('unknown time zone');
  });

  it('accepts IANA zones', async () => {
    const admin = new StoreAdministration(store.db, []);
    const t = await admin.createTenant({ tenantId: `tz-ok-${Date.now().toString(36)}`, name: 'Kansas', timeZone: 'America/Chicago' });
    expect(t.timeZone).toBe('America/Chicago');
  });
});
