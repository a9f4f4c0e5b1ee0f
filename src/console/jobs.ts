// Long console actions (a resync, a sync run, a pull) run in the background of the server
// process; their progress page reloads itself until they finish. Kept in memory, per tenant, the
// last few per tenant: a restart forgets them, not their effects (those are in the store).
import { randomUUID } from 'node:crypto';

export interface Job {
  id: string;
  tenantId: string;
  title: string;
  state: 'running' | 'done' | 'failed';
  /** What has happened so far, one line per step. */
  lines: string[];
  /** Live counters the page shows while it runs. */
  counts: Record<string, number>;
  /** Aborted when the server shuts down: a job stops at its next step, its finished work kept. */
  signal: AbortSignal;
  startedAt: string;
  finishedAt: string | null;
}

const KEPT_PER_TENANT = 20;

export class Jobs {
  private readonly byTenant = new Map<string, Job[]>();
  private readonly running = new Set<Promise<void>>();
  private readonly stopping = new AbortController();

  start(tenantId: string, title: string, work: (job: Job) => Promise<void>): Job {
    const job: Job = { id: randomUUID(), tenantId, title, state: 'running', lines: [], counts: {}, signal: this.stopping.signal, startedAt: new Date().toISOString(), finishedAt: null };
    const list = [job, ...(this.byTenant.get(tenantId) ?? [])].slice(0, KEPT_PER_TENANT);
    this.byTenant.set(tenantId, list);
    const run = (async () => {
      try {
        await work(job);
        job.state = 'done';
      } catch (err) {
        job.state = 'failed';
        job.lines.push(`failed: ${(err as Error).message}`);
      } finally {
        job.finishedAt = new Date().toISOString();
      }
    })();
    this.running.add(run);
    void run.finally(() => this.running.delete(run));
    return job;
  }

  get(tenantId: string, id: string): Job | null {
    return this.byTenant.get(tenantId)?.find((j) => j.id === id) ?? null;
  }

  recent(tenantId: string): Job[] {
    return this.byTenant.get(tenantId) ?? [];
  }

  /** Whether a job with this title is running for the tenant (one resync at a time). */
  busy(tenantId: string): Job | null {
    return this.recent(tenantId).find((j) => j.state === 'running') ?? null;
  }

  /** Asks every running job to stop at its next step (server shutdown). */
  abort(): void {
    this.stopping.abort();
  }

  /** Waits for every running job (server shutdown, tests). */
  async settle(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }
}
