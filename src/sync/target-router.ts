// Which Ed-Fi client an operation goes to: its school year's target, else the tenant's
// default. One client (and so one token) per target, shared by every operation sent to it.
import { EdfiClient, type EdfiTarget } from './edfi-client.ts';
import type { TenantTargets } from './target-repository.ts';

/** A single client for everything, or a choice by school year. */
export type TargetFor = EdfiClient | ((schoolYear: number) => EdfiClient);

export class MissingTargetError extends Error {}

export function clientFor(target: TargetFor, schoolYear: number): EdfiClient {
  return typeof target === 'function' ? target(schoolYear) : target;
}

export function routeTargets(tenantId: string, targets: TenantTargets, options: { timeoutMs?: number } = {}): (schoolYear: number) => EdfiClient {
  const clients = new Map<string, EdfiClient>();
  const clientOf = (t: EdfiTarget) => {
    const id = `${t.baseUrl}\u0000${t.key}`;
    let c = clients.get(id);
    if (!c) clients.set(id, (c = new EdfiClient(t, options)));
    return c;
  };
  return (schoolYear: number) => {
    const t = targets.byYear.get(schoolYear) ?? targets.default;
    if (!t)
      throw new MissingTargetError(
        `no Ed-Fi target for tenant '${tenantId}' and school year ${schoolYear}; run: termbridge sync target set --tenant ${tenantId} [--year ${schoolYear}] --url URL --key KEY --secret-stdin`,
      );
    return clientOf(t);
  };
}

export function hasAnyTarget(targets: TenantTargets): boolean {
  return targets.default !== null || targets.byYear.size > 0;
}
