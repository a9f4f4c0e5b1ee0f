// The request's account, checked: the tenant comes from the token, and the path's account must
// be its root account. Hands back the tenant's clock (time zone, now) and a resolver for other
// account ids of the same tenant (subaccount_id).
import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../../app-context.ts';
import { TenantRepository } from '../../store/tenant-repository.ts';
import { resolveAccount, type AccountRef } from './account.ts';
import { messageOnly, notFound } from './errors.ts';
import type { TermLookup } from './find-terms.ts';
import { isKnownTimeZone } from '../../domain/zoned-time.ts';

export interface RootAccount extends TermLookup {
  /** Resolves another account id of this tenant. */
  account(accountId: string): AccountRef;
}

export async function rootAccountOf(ctx: AppContext, request: FastifyRequest): Promise<RootAccount> {
  const tenantId = request.principal.tenantId;
  const accountId = (request.params as { account_id: string }).account_id;
  const tenants = new TenantRepository(ctx.store.db);
  const tenant = await tenants.get(tenantId);
  if (!tenant) throw notFound();
  const orgs = await tenants.orgs(tenantId);
  const district = orgs.find((o) => o.id === tenant.districtId) ?? null;
  const schools = orgs.filter((o) => o.kind === 'school');
  const account = (id: string) => resolveAccount(id, district, schools);
  const path = account(accountId);
  if (path.kind === 'subAccount') throw messageOnly(400, 'Terms only belong to root_accounts.');
  if (path.kind === 'unknown') throw notFound();
  return { tenantId, timeZone: isKnownTimeZone(tenant.timeZone) ? tenant.timeZone : 'UTC', now: ctx.now(), account };
}
