// The sync page (target, outbox, error log), the plan table, and the resync preview.
import type { SyncError } from '../../sync/error-log.ts';
import { html, type SafeHtml } from '../html.ts';
import type { Job } from '../jobs.ts';
import type { PlanPreview, PlanRow, SyncStatus } from '../sync-console.ts';
import type { ConsoleUser } from '../console-sessions.ts';
import { canWrite } from '../console-scopes.ts';
import { csrfField } from './layout.ts';

/** `sessions:{"schoolId":1,…}` → `schoolId 1, schoolYear 2026, sessionName …`. */
export function describeKeyText(keyText: string | null): string {
  if (!keyText) return '—';
  const colon = keyText.indexOf(':');
  try {
    const key = JSON.parse(keyText.slice(colon + 1)) as Record<string, unknown>;
    return Object.entries(key)
      .map(([k, v]) => `${k} ${String(v).replace(/^uri:\/\/ed-fi\.org\/\w+#/, '')}`)
      .join(', ');
  } catch {
    return keyText;
  }
}

/** A derivation problem has no natural key yet: it names the SIS records it comes from. */
function sisSources(body: unknown): string {
  const sources = (body as { sources?: unknown } | null)?.sources;
  return Array.isArray(sources) && sources.length ? `from the SIS: ${sources.join(', ')}` : '—';
}

const json = (v: unknown) => (v === null || v === undefined ? '—' : JSON.stringify(v, null, 2));

function postButton(user: ConsoleUser, action: string, label: string, kind: 'primary' | 'secondary' | 'danger' = 'primary', hidden: SafeHtml | string = ''): SafeHtml {
  return html`<form class="inline" method="post" action="${action}">${csrfField(user)}${hidden}<button type="submit"${kind === 'primary' ? '' : html` class="${kind}"`}>${label}</button></form>`;
}

function jobsList(jobs: Job[]): SafeHtml {
  if (jobs.length === 0) return html``;
  return html`<h2>Recent runs</h2><ul>${jobs.slice(0, 5).map((j) => html`<li><a href="/console/jobs/${j.id}">${j.title}</a> — ${j.state}, ${j.startedAt}</li>`)}</ul>`;
}

export function syncBody(user: ConsoleUser, s: SyncStatus, errors: SyncError[], state: string, jobs: Job[]): SafeHtml {
  const write = canWrite(user);
  const targets = [...(s.targets.default ? [['every school year', s.targets.default] as const] : []), ...[...s.targets.byYear].sort(([a], [b]) => a - b).map(([y, t]) => [`school year ${y}`, t] as const)];
  return html`
<h2>Target</h2>
${
  targets.length === 0
    ? html`<p>No Ed-Fi target is set for this tenant. An operator sets one with <code>termbridge sync target set --tenant ${user.tenantId} --url URL --key KEY --secret SECRET</code>.</p>`
    : html`<ul>${targets.map(([scope, t]) => html`<li>${scope}: <code>${t.baseUrl}</code> (key <code>${t.key}</code>)</li>`)}</ul>`
}
${
  s.lastCheck
    ? html`<p>Last check ${s.lastCheck.checkedAt}: <strong class="${s.lastCheck.ok ? 'ok' : 'warn'}">${s.lastCheck.ok ? 'passed' : 'FAILED'}</strong></p><ul>${s.lastCheck.lines.map((l) => html`<li><code>${l}</code></li>`)}</ul>`
    : html`<p class="muted">The target has not been checked from the console yet.</p>`
}
${!s.hasSis ? html`<p class="muted">No SIS data is loaded for this tenant (<code>termbridge sis load</code> or the SIS API at <code>/sis/v1</code>), so there is nothing to sync.</p>` : ''}
${
  write && targets.length
    ? html`<div class="actions">${postButton(user, '/console/sync/check', 'Check the target now', 'secondary')}${postButton(user, '/console/sync/run', 'Send changes now')}<a class="button secondary" href="/console/sync/plan">Plan (dry run)</a><a class="button secondary" href="/console/sync/resync">Resync…</a></div>`
    : html`<p><a href="/console/sync/plan">Plan (dry run)</a></p>`
}
<h2>Outbox</h2>
<dl class="facts">
<dt>Queued</dt><dd>${s.counts.pending}${s.counts.nextInSeconds ? ` (next try in ${Math.ceil(s.counts.nextInSeconds)} s)` : ''}</dd>
<dt>Sending</dt><dd>${s.counts.inFlight}</dd>
<dt>Held (a parent failed)</dt><dd>${s.counts.blocked}</dd>
<dt>Failed</dt><dd>${s.counts.failed}</dd>
<dt>Sent today</dt><dd>${s.sentToday}</dd>
</dl>
${jobsList(jobs)}
<h2 id="errors">Error log</h2>
<form method="get" action="/console/sync" class="actions">
<label for="state">Show</label>
<select id="state" name="state">${['open', 'archived', 'retried', 'resolved', 'all'].map((o) => html`<option value="${o}"${o === state ? html` selected` : ''}>${o}</option>`)}</select>
<button type="submit" class="secondary">Show</button>
</form>
${write && errors.some((e) => e.state === 'open' || e.state === 'archived') ? html`<div class="actions">${postButton(user, '/console/sync/errors/retry', 'Retry all')}</div>` : ''}
${
  errors.length === 0
    ? html`<p>No ${state === 'all' ? '' : `${state} `}errors.</p>`
    : html`<div class="scroll" tabindex="0" role="region" aria-label="Error log table"><table><thead><tr><th scope="col">#</th><th scope="col">Resource and natural key</th><th scope="col">School, year</th><th scope="col">The target's message</th>${write ? html`<th scope="col">Actions</th>` : ''}</tr></thead>
<tbody>${errors.map(
        (e) => html`<tr id="error-${e.errorId}"><td>${e.errorId}<br><span class="tag">${e.state}</span><span class="tag">${e.kind}</span></td>
<td>${e.action ? html`<strong>${e.action.toUpperCase()}</strong> ` : ''}${e.resource}<br><span class="muted">${e.keyText ? describeKeyText(e.keyText) : sisSources(e.requestBody)}</span></td>
<td>${e.schoolId ?? '—'}, ${e.schoolYear ?? '—'}</td>
<td>${e.responseStatus ? html`<strong>HTTP ${e.responseStatus}</strong> ` : ''}${e.message}
${
  e.kind === 'derive'
    ? html`<details><summary>Where it comes from</summary><p>Not sent: termbridge found this before sending, in these SIS records; the target would refuse it.</p><pre tabindex="0">${json(e.requestBody)}</pre></details>`
    : html`<details><summary>Request body and response</summary><p>Request</p><pre tabindex="0">${json(e.requestBody)}</pre><p>Response</p><pre tabindex="0">${json(e.responseBody)}</pre></details>`
}</td>
${
  write
    ? html`<td>${e.state === 'open' || e.state === 'archived' ? postButton(user, `/console/sync/errors/${e.errorId}/retry`, `Retry #${e.errorId}`) : ''} ${e.state === 'open' ? postButton(user, `/console/sync/errors/${e.errorId}/archive`, `Archive #${e.errorId}`, 'secondary') : ''}</td>`
    : ''
}</tr>`,
      )}</tbody></table></div>`
}`;
}

const HIDDEN_FIELDS = new Set(['id', '_etag', '_lastModifiedDate', 'link']);

/**
 * A value as the target compares it: without the fields the target adds on read (a reference's
 * `link`, `id`, `_etag`) and with arrays in a fixed order (an Ed-Fi collection such as a
 * session's gradingPeriods is a set) — otherwise every PUT would show a reference as changed.
 */
export function comparable(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(comparable).sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : JSON.stringify(a) > JSON.stringify(b) ? 1 : 0));
  if (v !== null && typeof v === 'object')
    return Object.fromEntries(
      Object.entries(v)
        .filter(([k]) => !HIDDEN_FIELDS.has(k))
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([k, x]) => [k, comparable(x)]),
    );
  return v;
}

function compact(v: unknown): string {
  if (v === undefined) return '(none)';
  const c = comparable(v);
  const text = typeof c === 'string' ? c : JSON.stringify(c);
  return text.replace(/uri:\/\/ed-fi\.org\/\w+#/g, '');
}

/** Field by field: what changes (put), what is created (post), what goes (delete). */
export interface FieldChange {
  field: string;
  before: string;
  after: string;
  /** For a collection both sides hold (a session's gradingPeriods): only the members that differ. */
  removed?: string[];
  added?: string[];
}

/** Members of one collection not in the other, each shown compactly. */
function membersNotIn(a: unknown[], b: unknown[]): string[] {
  const other = new Set(b.map((m) => compact(m)));
  return a.map((m) => compact(m)).filter((m) => !other.has(m));
}

export function changes(row: PlanRow): FieldChange[] {
  const after = row.op.body ?? {};
  const before = row.before ?? {};
  const fields = [...new Set([...Object.keys(after), ...(row.op.action === 'delete' ? Object.keys(before) : [])])].filter((f) => !HIDDEN_FIELDS.has(f)).sort();
  return fields
    .map((f): FieldChange => {
      const change = { field: f, before: row.op.action === 'post' ? '' : row.before ? compact(before[f]) : '?', after: row.op.action === 'delete' ? '' : compact(after[f]) };
      const [was, is] = [before[f], after[f]];
      // A long list that changed by a member or two reads as that member or two, not as both lists.
      if (row.op.action === 'put' && Array.isArray(was) && Array.isArray(is) && change.before !== change.after)
        return { ...change, removed: membersNotIn(was, is), added: membersNotIn(is, was) };
      return change;
    })
    .filter((c) => row.op.action !== 'put' || c.before !== c.after);
}

function changeText(action: string, c: FieldChange): SafeHtml | string {
  if (action === 'post') return c.after;
  if (action === 'delete') return html`<del>${c.before}</del>`;
  if (c.removed || c.added)
    return html`${(c.removed ?? []).map((m) => html`<br>removed <del>${m}</del>`)}${(c.added ?? []).map((m) => html`<br>added <ins>${m}</ins>`)}`;
  return `${c.before} → ${c.after}`;
}

export function planTable(p: PlanPreview): SafeHtml {
  return html`${p.beforeProblem ? html`<p class="problem">Current values are not shown: ${p.beforeProblem}.</p>` : ''}
${
  p.rows.length === 0
    ? html`<p>Nothing to send: the target already has what the SIS says.</p>`
    : html`<div class="scroll" tabindex="0" role="region" aria-label="Plan table"><table><caption class="muted">${p.rows.length} operation(s), in the order they would be sent</caption>
<thead><tr><th scope="col">Action</th><th scope="col">Resource and natural key</th><th scope="col">School, year</th><th scope="col">Why</th><th scope="col">Before → after</th></tr></thead>
<tbody>${p.rows.map(
        (r) => html`<tr><td><strong>${r.op.action.toUpperCase()}</strong></td><td>${r.op.resource}<br><span class="muted">${describeKeyText(r.op.keyText)}</span></td>
<td>${r.op.schoolId ?? '—'}, ${r.op.schoolYear}</td><td>${r.op.reason}${r.op.previousKeyText && r.op.previousKeyText !== r.op.keyText ? html`<br><span class="muted">was ${describeKeyText(r.op.previousKeyText)}</span>` : ''}</td>
<td><ul>${changes(r).map((c) => html`<li><code>${c.field}</code>: ${changeText(r.op.action, c)}</li>`)}</ul></td></tr>`,
      )}</tbody></table></div>`
}
${p.issues.length ? html`<h2>Held back by errors (${p.issues.length})</h2><ul>${p.issues.map((i) => html`<li>school ${i.schoolId ?? '—'}, ${i.schoolYear}: ${i.message}</li>`)}</ul>` : ''}`;
}

export function schoolPicker(action: string, schools: { schoolId: number; name: string }[], chosen: number | null, legend: string): SafeHtml {
  return html`<form method="get" action="${action}" class="actions">
<label for="school">${legend}</label>
<select id="school" name="school"><option value="">The whole district</option>${schools.map((s) => html`<option value="${s.schoolId}"${s.schoolId === chosen ? html` selected` : ''}>${s.name} (${s.schoolId})</option>`)}</select>
<button type="submit" class="secondary">Preview</button></form>`;
}

export function resyncBody(user: ConsoleUser, schools: { schoolId: number; name: string }[], chosen: number | null, preview: PlanPreview): SafeHtml {
  return html`<p>A resync compares the target with the SIS: identity-map rows whose item is gone from the target are forgotten, target items with no SIS source are deleted, and everything the SIS derives is sent again — including deletes of excluded and toggled-off data.</p>
${schoolPicker('/console/sync/resync', schools, chosen, 'Resync')}
<h2>Preview</h2>
<p class="muted">What the SIS says against what termbridge last sent; the resync also reads the target itself and may find more to delete.</p>
${planTable(preview)}
${
  canWrite(user)
    ? html`<form method="post" action="/console/sync/resync">${csrfField(user)}<input type="hidden" name="school" value="${chosen ?? ''}">
<div class="actions"><button type="submit" class="danger">Confirm: resync ${chosen ? `school ${chosen}` : 'the whole district'}</button><a class="button secondary" href="/console/sync">Cancel</a></div></form>`
    : ''
}`;
}
