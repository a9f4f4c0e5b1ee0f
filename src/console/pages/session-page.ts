// One session: where it came from, and the same session as every API serves it, side by side.
import type { Session } from '../../domain/session.ts';
import type { Org } from '../../store/tenant-repository.ts';
import type { DialectView } from '../dialect-views.ts';
import { html, type SafeHtml } from '../html.ts';
import { TYPE_LABEL } from '../timeline-svg.ts';
import { calendarHref } from './calendar-pages.ts';

/** Which system an identifier came from: `oneroster@district-sis` was pulled by connection district-sis. */
export function identifierOrigin(system: string): string {
  const at = system.indexOf('@');
  if (at > 0) return `pulled by connection ${system.slice(at + 1)} (${system.slice(0, at)})`;
  if (system === 'sis') return 'the SIS';
  return `written through ${system}`;
}

export function sessionBody(s: Session, school: Org | null, parent: Session | null, views: DialectView[]): SafeHtml {
  const ids = Object.entries(s.identifiers).sort(([a], [b]) => a.localeCompare(b));
  return html`${school && s.schoolYear ? html`<p><a href="${calendarHref(school.schoolId, s.schoolYear)}">← ${school.name}, ${s.schoolYear - 1}–${s.schoolYear}</a></p>` : ''}
<h2>The session</h2>
<dl class="facts">
<dt>Type</dt><dd>${TYPE_LABEL[s.type]}</dd>
<dt>Dates</dt><dd>${s.beginDate ?? 'no begin date'} – ${s.endDate ?? 'no end date'}</dd>
<dt>School</dt><dd>${school ? `${school.name} (${school.schoolId ?? 'no schoolId'})` : 'district-wide'}</dd>
<dt>School year</dt><dd>${s.schoolYear ?? '—'}</dd>
<dt>Parent</dt><dd>${parent ? html`<a href="/console/sessions/${parent.id}">${parent.name}</a>` : '—'}</dd>
<dt>Term descriptor</dt><dd>${s.termDescriptor ?? '—'}</dd>
<dt>Grading period descriptor</dt><dd>${s.gradingPeriodDescriptor ?? '—'}</dd>
<dt>Instructional days</dt><dd>${s.totalInstructionalDays ?? '—'}</dd>
</dl>
<h2>Provenance</h2>
<dl class="facts">
<dt>termbridge id</dt><dd><code>${s.id}</code></dd>
<dt>Canvas term id</dt><dd>${s.canvasId}</dd>
${ids.length === 0 ? html`<dt>Identifiers</dt><dd>none from another system</dd>` : ids.map(([system, value]) => html`<dt>${system}</dt><dd><code>${value}</code> — ${identifierOrigin(system)}</dd>`)}
<dt>Last change version</dt><dd>${s.changeVersion}</dd>
<dt>Created</dt><dd>${s.createdAt}</dd>
<dt>Last modified</dt><dd>${s.updatedAt}</dd>
</dl>
<h2>As each API serves it</h2>
<p class="muted">Fetched just now through each API's own route, with a one-minute token carrying this client's scopes.</p>
<div class="side-by-side">${views.map(
    (v, i) => html`<section aria-labelledby="api-${i}"><h3 id="api-${i}">${v.api}</h3>
<p class="muted"><code>${v.method} ${v.url}</code> → <span class="${v.status === 200 ? 'ok' : 'warn'}">${v.status}</span></p>
<pre tabindex="0" aria-label="${v.api} JSON">${v.body}</pre></section>`,
  )}</div>`;
}
