// The sync worker inside `serve --sync-worker`: an embedded (PGlite) server is one process, so
// the worker must live in it to keep every tenant's Ed-Fi target in step while it serves.
import { sql } from 'kysely';
import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../store/database.ts';
import { pruneOutbox } from './outbox.ts';
import { enqueueDirty } from './sync-planning.ts';
import { getTargets } from './target-repository.ts';
import { hasAnyTarget, routeTargets, type TargetFor } from './target-router.ts';
import { drainOutbox, type WorkerOptions } from './worker.ts';

export interface BackgroundSync {
  /** Finishes the round under way, then stops. */
  stop(): Promise<void>;
}

export interface BackgroundSyncOptions extends Pick<WorkerOptions, 'concurrency' | 'backoffBaseMs' | 'backoffCapMs'> {
  intervalMs: number;
}

/** Tenants with an Ed-Fi target set. */
async function tenantsWithTargets(db: Db): Promise<string[]> {
  const r = await sql<{ tenant_id: string }>`SELECT tenant_id FROM sync_targets UNION SELECT tenant_id FROM sync_year_targets ORDER BY 1`.execute(db);
  return r.rows.map((x) => x.tenant_id);
}

export function startBackgroundSync(db: Db, log: FastifyBaseLogger, options: BackgroundSyncOptions): BackgroundSync {
  // One client set per tenant and target configuration, so tokens are reused between rounds.
  const clients = new Map<string, { config: string; target: TargetFor }>();
  let stopped = false;
  let wake: (() => void) | null = null;

  async function round(n: number): Promise<void> {
    for (const tenantId of await tenantsWithTargets(db)) {
      if (stopped) return;
      try {
        const targets = await getTargets(db, tenantId);
        if (!hasAnyTarget(targets)) continue;
        const config = JSON.stringify([targets.default, [...targets.byYear]]);
        let entry = clients.get(tenantId);
        if (!entry || entry.config !== config) clients.set(tenantId, (entry = { config, target: routeTargets(tenantId, targets) }));
        // The outbox keeps a week of sent operations for inspection.
        if (n % 1000 === 0) await pruneOutbox(db, tenantId, 7);
        const planned = await enqueueDirty(db, tenantId);
        const stats = await drainOutbox(db, tenantId, entry.target, { ...options, deadlineMs: options.intervalMs });
        if (planned.ops || stats.sent || stats.failed || stats.blocked)
          log.info({ tenantId, planned: planned.ops, ...stats }, 'sync round');
      } catch (err) {
        log.error({ err, tenantId }, 'sync round failed; retrying next round');
      }
    }
  }

  const loop = (async () => {
    for (let n = 0; !stopped; n++) {
      await round(n);
      if (stopped) break;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, options.intervalMs);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  })();

  return {
    async stop() {
      stopped = true;
      wake?.();
      await loop;
    },
  };
}
