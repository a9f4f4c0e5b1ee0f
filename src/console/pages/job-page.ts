// A background job's progress: reloads itself each second while it runs.
import { html, type SafeHtml } from '../html.ts';
import type { Job } from '../jobs.ts';

export function jobBody(job: Job): SafeHtml {
  const counts = Object.entries(job.counts);
  return html`<p role="status"><strong>${job.state === 'running' ? 'Running…' : job.state === 'done' ? 'Finished' : 'Failed'}</strong>
 <span class="muted">started ${job.startedAt}${job.finishedAt ? `, finished ${job.finishedAt}` : ''}</span></p>
${counts.length ? html`<dl class="facts">${counts.map(([k, v]) => html`<dt>${k}</dt><dd>${v}</dd>`)}</dl>` : ''}
${job.lines.length ? html`<ol>${job.lines.map((l) => html`<li>${l}</li>`)}</ol>` : ''}
<p><a href="/console/sync">Sync</a> · <a href="/console/connections">Connections</a></p>`;
}
