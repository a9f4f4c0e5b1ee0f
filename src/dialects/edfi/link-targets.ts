// The row ids reference links point at that are not on the rows read: the school years' ids
// (`schoolYearTypeReference.link`). They are cached per store and tenant and re-read when a year
// is missing or when the tenant's data version (read with the bearer token, src/cache) has moved
// since: a school year can be deleted and created again under a new id, by any process.
import type { Kysely, Transaction } from 'kysely';
import type { FastifyRequest } from 'fastify';
import type { Tables } from '../../store/schema.ts';
import { TenantRepository } from '../../store/tenant-repository.ts';
import type { LinkTargets } from './session-mapping.ts';

type Executor = Kysely<Tables> | Transaction<Tables>;

interface Cached {
  ids: Map<number, string>;
  version: string | undefined;
}

const cache = new WeakMap<object, Map<string, Cached>>();

/** The version link ids were read under: the tenant's data version, when the request carries it. */
export function dataVersionOf(request: FastifyRequest): string | undefined {
  return request.principal?.dataVersion?.version;
}

export async function linkTargets(db: Executor, tenantId: string, years: (number | null)[] = [], version?: string): Promise<LinkTargets> {
  const byTenant = cache.get(db) ?? new Map<string, Cached>();
  cache.set(db, byTenant);
  const cached = byTenant.get(tenantId);
  if (cached && version !== undefined && cached.version === version && years.every((y) => y === null || cached.ids.has(y))) return { schoolYearIds: cached.ids };
  const rows = await new TenantRepository(db).schoolYears(tenantId);
  const ids = new Map(rows.map((y) => [y.schoolYear, y.id]));
  byTenant.set(tenantId, { ids, version });
  return { schoolYearIds: ids };
}
