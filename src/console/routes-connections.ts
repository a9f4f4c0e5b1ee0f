// /console/connections: each connector of the tenant, its last pull's summary, and "pull now"
// with progress — the same runPull the `termbridge pull` command runs.
import { ConnectionRepository, type Connection } from '../connectors/connection-repository.ts';
import { connectorFor } from '../connectors/connector-for.ts';
import { runPull } from '../connectors/pull.ts';
import { secretKey } from '../secrets/secret-box.ts';
import type { Store } from '../store/database.ts';
import { TenantRepository } from '../store/tenant-repository.ts';
import type { Job } from './jobs.ts';
import { ConsoleRefusal, redirect, route, sendPage, type ConsoleApp } from './console-app.ts';
import { canWrite, CONSOLE_READ, CONSOLE_WRITE } from './console-scopes.ts';
import type { ConsoleUser } from './console-sessions.ts';
import { html, type SafeHtml } from './html.ts';
import { csrfField } from './pages/layout.ts';

interface Summary {
  created?: number;
  updated?: number;
  deleted?: number;
  unchanged?: number;
  failed?: number;
  failures?: { sourceId: string; message: string }[];
}

function connectionsBody(user: ConsoleUser, connections: Connection[]): SafeHtml {
  if (connections.length === 0)
    return html`<p>This tenant has no connections. An operator adds one with <code>termbridge connect add --tenant ${user.tenantId} --kind oneroster-rest|oneroster-csv|edfi|canvas --url …</code>.</p>`;
  return html`<div class="scroll" tabindex="0" role="region" aria-label="Connections table"><table><thead><tr><th scope="col">Connection</th><th scope="col">Source</th><th scope="col">Last pull</th><th scope="col">Created</th><th scope="col">Updated</th><th scope="col">Deleted</th><th scope="col">Unchanged</th><th scope="col">Failed</th>${canWrite(user) ? html`<th scope="col">Action</th>` : ''}</tr></thead>
<tbody>${connections.map((cn) => {
    const s = (cn.lastSummary ?? {}) as Summary;
    const n = (v: number | undefined) => (cn.lastPullAt ? String(v ?? 0) : '—');
    return html`<tr><th scope="row">${cn.id}<br><span class="muted">${cn.kind}</span></th><td><code>${cn.url}</code><br><span class="muted">identifiers under ${cn.identifierSystem}</span></td>
<td>${cn.lastPullAt ?? 'never'}</td><td>${n(s.created)}</td><td>${n(s.updated)}</td><td>${n(s.deleted)}</td><td>${n(s.unchanged)}</td>
<td>${n(s.failed)}${s.failures?.length ? html`<details><summary>Why</summary><ul>${s.failures.slice(0, 20).map((f) => html`<li>${f.sourceId}: ${f.message}</li>`)}</ul></details>` : ''}</td>
${canWrite(user) ? html`<td><form method="post" action="/console/connections/${cn.id}/pull">${csrfField(user)}<button type="submit">Pull ${cn.id} now</button></form></td>` : ''}</tr>`;
  })}</tbody></table></div>`;
}

/** One pull of a connection, its progress and summary on the job. */
export async function pullWithProgress(store: Store, connection: Connection, secret: string | null, timeZone: string | undefined, j: Job): Promise<void> {
  const { connector } = connectorFor(connection, secret, { timeZone });
  j.lines.push(`reading ${connection.kind} at ${connection.url}…`);
  const result = await runPull(store, connection, connector, (p) => {
    j.counts.pages = p.pages;
    j.counts.records = p.records;
  });
  const s = result.summary;
  Object.assign(j.counts, { created: s.created, updated: s.updated, deleted: s.deleted, unchanged: s.unchanged, failed: s.failed });
  j.lines.push(`${result.records} record(s) in ${result.pages} page(s)${result.resumed ? ' (resumed)' : ''}: created ${s.created}, updated ${s.updated}, deleted ${s.deleted}, unchanged ${s.unchanged}, failed ${s.failed}`);
  for (const f of s.failures.slice(0, 20)) j.lines.push(`failed ${f.sourceId}: ${f.message}`);
}

export function registerConnectionRoutes(c: ConsoleApp): void {
  const db = () => c.ctx.store.db;

  route(c, 'GET', '/console/connections', CONSOLE_READ, async (_request, reply, user) => {
    const connections = await new ConnectionRepository(db()).list(user.tenantId);
    return sendPage(reply, { title: 'Connections', user, section: 'connections', body: connectionsBody(user, connections) });
  });

  route(c, 'POST', '/console/connections/:id/pull', CONSOLE_WRITE, async (request, reply, user) => {
    const id = (request.params as { id: string }).id;
    const repo = new ConnectionRepository(db());
    const connection = await repo.get(user.tenantId, id);
    if (!connection) throw new ConsoleRefusal(404, `This tenant has no connection '${id}'.`);
    // Resolve the secret now, so a missing key is said on this page rather than in a job.
    let secret: string | null;
    try {
      secret = repo.secretOf(connection, connection.sealedSecret ? secretKey() : null);
    } catch (err) {
      throw new ConsoleRefusal(409, (err as Error).message);
    }
    const tenant = await new TenantRepository(db()).get(user.tenantId);
    const job = c.jobs.start(user.tenantId, `Pull of ${connection.id}`, (j) => pullWithProgress(c.ctx.store, connection, secret, tenant?.timeZone, j));
    return redirect(reply, `/console/jobs/${job.id}`);
  });
}
