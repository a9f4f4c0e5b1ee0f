// Shared by the connector tests: a target store with a tenant, a stored connection, and a pull.
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { ConnectionRepository, type NewConnection } from '../../src/connectors/connection-repository.ts';
import { connectorFor, type ConnectorOptions } from '../../src/connectors/connector-for.ts';
import { runPull } from '../../src/connectors/pull.ts';
import { secretKey } from '../../src/secrets/secret-box.ts';
import { TenantRepository } from '../../src/store/tenant-repository.ts';
import type { TestApp } from '../harness.ts';

process.env.TERMBRIDGE_SECRET_KEY ??= randomBytes(32).toString('hex');

export async function addConnection(target: TestApp, input: NewConnection) {
  return new ConnectionRepository(target.store.db).add(input, secretKey());
}

export async function pull(target: TestApp, tenantId: string, id: string, options: ConnectorOptions = {}) {
  const repo = new ConnectionRepository(target.store.db);
  const connection = (await repo.get(tenantId, id))!;
  const tenant = await new TenantRepository(target.store.db).get(tenantId);
  const { connector, client } = connectorFor(connection, repo.secretOf(connection, secretKey()), {
    ...options,
    timeZone: tenant!.timeZone,
    client: { baseDelayMs: 1, maxDelayMs: 20, attempts: 3, ...options.client },
  });
  const result = await runPull(target.store, connection, connector);
  return { ...result, requests: client?.requests };
}

/** Everything about a tenant's sessions that a pull could change, to prove "nothing written". */
export async function sessionsFingerprint(target: TestApp, tenantId: string): Promise<string> {
  const r = await sql<{ f: string }>`SELECT coalesce(string_agg(id::text || ':' || change_version || ':' || status || ':' || name, ',' ORDER BY id), '') AS f
    FROM sessions WHERE tenant_id = ${tenantId}`.execute(target.store.db);
  return r.rows[0]!.f;
}
