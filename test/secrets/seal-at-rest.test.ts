// Sync target secrets sealed at rest like connector secrets: sealed on write, the rows migration
// 014 marked sealed at start or on read, and `secrets rotate-key` re-sealing everything at once.
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomToken } from '../../src/auth/client-secret.ts';
import { ConnectionRepository } from '../../src/connectors/connection-repository.ts';
import { SecretKeyError } from '../../src/secrets/secret-box.ts';
import { rotateSecretKey, sealAtStart } from '../../src/secrets/seal-at-rest.ts';
import { migrate } from '../../src/store/migrate.ts';
import { getTargets, setTarget } from '../../src/sync/target-repository.ts';
import { createTenant, drivers, type Driver } from '../harness.ts';
import { openStore, type Store } from '../../src/store/database.ts';
import { isolatedSchema } from '../isolated-schema.ts';

/** A store of its own: these tests rotate every secret and re-run a migration. */
async function openIsolatedStore(driver: Driver): Promise<Store> {
  if (driver === 'pglite') return openStore({ dataDir: 'memory://' });
  const schema = await isolatedSchema();
  const store = await openStore({ databaseUrl: schema.url, poolSize: 2 });
  return {
    ...store,
    async close() {
      await store.close();
      await schema.drop();
    },
  };
}

const hex = () => randomBytes(32).toString('hex');

async function withKey<T>(key: string | undefined, f: () => Promise<T>): Promise<T> {
  const saved = process.env.TERMBRIDGE_SECRET_KEY;
  if (key === undefined) delete process.env.TERMBRIDGE_SECRET_KEY;
  else process.env.TERMBRIDGE_SECRET_KEY = key;
  try {
    return await f();
  } finally {
    if (saved === undefined) delete process.env.TERMBRIDGE_SECRET_KEY;
    else process.env.TERMBRIDGE_SECRET_KEY = saved;
  }
}

const stored = async (store: Store, tenantId: string) =>
  (
    await sql<{ client_secret: string }>`SELECT client_secret FROM sync_targets WHERE tenant_id = ${tenantId}
      UNION ALL SELECT client_secret FROM sync_year_targets WHERE tenant_id = ${tenantId}`.execute(store.db)
  ).rows.map((r) => r.client_secret);

describe.each(drivers())('sync target secrets at rest on %s', (driver) => {
  let store: Store;
  beforeAll(async () => {
    store = await openIsolatedStore(driver);
  });
  afterAll(() => store.close());

  it('stores a target secret sealed, opens it with the key, and refuses to store one without the key', async () => {
    const { tenantId } = await createTenant({ store });
    const key = hex();
    await withKey(key, async () => {
      await setTarget(store.db, tenantId, { baseUrl: 'https://ods.example.org/api', key: 'k', secret: 'target-secret-1' });
      await setTarget(store.db, tenantId, { baseUrl: 'https://ods.example.org/api25', key: 'k25', secret: 'target-secret-2' }, 2025);
      const rows = await stored(store, tenantId);
      expect(rows).toHaveLength(2);
      for (const r of rows) {
        expect(r).toMatch(/^v1:/);
        expect(r).not.toContain('target-secret');
      }
      const t = await getTargets(store.db, tenantId);
      expect(t.default?.secret).toBe('target-secret-1');
      expect(t.byYear.get(2025)?.secret).toBe('target-secret-2');
      // Shown without the secret, and without needing the key.
      expect((await withKey(undefined, () => getTargets(store.db, tenantId, { secrets: false }))).default).toMatchObject({ key: 'k', secret: '' });
    });
    await withKey(undefined, async () => {
      await expect(setTarget(store.db, tenantId, { baseUrl: 'https://ods.example.org/api', key: 'k', secret: 's' })).rejects.toThrow(SecretKeyError);
      await expect(getTargets(store.db, tenantId)).rejects.toThrow(/set TERMBRIDGE_SECRET_KEY/);
    });
  });

  it('rotate-key re-seals connector and target secrets under the new key in one transaction; a wrong old key changes nothing', async () => {
    const { tenantId } = await createTenant({ store });
    const oldKey = hex();
    const newKey = hex();
    await withKey(oldKey, async () => {
      await setTarget(store.db, tenantId, { baseUrl: 'https://ods.example.org/api', key: 'k', secret: 'rotated-target' });
      await new ConnectionRepository(store.db).add({ tenantId, id: `c-${tenantId}`, kind: 'edfi', url: 'https://src.example.org', clientId: 'c', secret: 'rotated-conn' }, Buffer.from(oldKey, 'hex'));
    });
    const before = await stored(store, tenantId);
    await expect(rotateSecretKey(store.db, randomBytes(32), Buffer.from(newKey, 'hex'))).rejects.toThrow(SecretKeyError);
    expect(await stored(store, tenantId)).toEqual(before);
    // The first test's secrets were sealed under another key: they would not open; this store holds only this test's.
    await sql`DELETE FROM sync_targets WHERE tenant_id <> ${tenantId}`.execute(store.db);
    await sql`DELETE FROM sync_year_targets WHERE tenant_id <> ${tenantId}`.execute(store.db);
    const r = await rotateSecretKey(store.db, Buffer.from(oldKey, 'hex'), Buffer.from(newKey, 'hex'));
    expect(r).toEqual({ connections: 1, targets: 1 });
    await withKey(newKey, async () => expect((await getTargets(store.db, tenantId)).default?.secret).toBe('rotated-target'));
    await withKey(oldKey, async () => expect(getTargets(store.db, tenantId)).rejects.toThrow(/cannot be decrypted/));
    const conns = new ConnectionRepository(store.db);
    const c = (await conns.get(tenantId, `c-${tenantId}`))!;
    expect(conns.secretOf(c, Buffer.from(newKey, 'hex'))).toBe('rotated-conn');
  });

  it('migration 014 marks the plain-text rows of before; they are sealed at start with the key, or on read', async () => {
    // Back to the schema before 014, with secrets stored the old way.
    await sql`DELETE FROM schema_migrations WHERE name LIKE '014_%'`.execute(store.db);
    await sql`DROP TABLE sync_school_changes`.execute(store.db);
    await sql`ALTER TABLE sync_records DROP COLUMN moved_to_school`.execute(store.db);
    await sql`DELETE FROM sync_targets`.execute(store.db);
    await sql`DELETE FROM sync_year_targets`.execute(store.db);
    const a = await createTenant({ store });
    const b = await createTenant({ store });
    await sql`INSERT INTO sync_targets (tenant_id, base_url, client_key, client_secret) VALUES (${a.tenantId}, 'https://o', 'k', 'old-plain-a'), (${b.tenantId}, 'https://o', 'k', 'old-plain-b')`.execute(store.db);
    await sql`INSERT INTO sync_year_targets (tenant_id, school_year, base_url, client_key, client_secret) VALUES (${a.tenantId}, 2025, 'https://o', 'k', 'old-plain-a25')`.execute(store.db);
    await migrate(store.db);
    expect((await stored(store, a.tenantId)).sort()).toEqual(['plain:old-plain-a', 'plain:old-plain-a25']);
    // Without a key: still usable as it was, counted for a warning, never sealed.
    await withKey(undefined, async () => {
      expect(await sealAtStart(store.db)).toEqual({ sealed: 0, unsealed: 3 });
      expect((await getTargets(store.db, b.tenantId)).default?.secret).toBe('old-plain-b');
    });
    const key = hex();
    // On read with the key: sealed there and then.
    await withKey(key, async () => {
      expect((await getTargets(store.db, b.tenantId)).default?.secret).toBe('old-plain-b');
      expect(await stored(store, b.tenantId)).toEqual([expect.stringMatching(/^v1:/)]);
      // At start with the key: whatever is left.
      expect(await sealAtStart(store.db)).toEqual({ sealed: 0, unsealed: 0 });
    });
    for (const r of [...(await stored(store, a.tenantId)), ...(await stored(store, b.tenantId))]) {
      expect(r).toMatch(/^v1:/);
      expect(r).not.toContain('old-plain');
    }
    await withKey(key, async () => {
      const t = await getTargets(store.db, a.tenantId);
      expect([t.default?.secret, t.byYear.get(2025)?.secret]).toEqual(['old-plain-a', 'old-plain-a25']);
    });
  });
});

describe('generated secrets', () => {
  it('never begin with "-" (nor "_"), over 20,000 draws', () => {
    for (let i = 0; i < 20_000; i++) {
      const t = randomToken(24);
      expect(t).toMatch(/^[A-Za-z0-9][A-Za-z0-9_-]{31}$/);
    }
  });
});
