// The district overview (school × school year grid) and one school's calendar for one year.
import { SESSION_TYPES, type SessionType } from '../../domain/session.ts';
import { cellKey, type Overview, type SchoolCalendar } from '../calendar-data.ts';
import { schoolYearBounds, type WarningKind } from '../calendar-warnings.ts';
import { html, trusted, type SafeHtml } from '../html.ts';
import { renderTimeline, TYPE_LABEL } from '../timeline-svg.ts';

export const calendarHref = (schoolId: number | null, year: number) => `/console/calendars/${schoolId}/${year}`;
export const sessionHref = (id: string) => `/console/sessions/${id}`;

/** "1 term", "2 terms": TYPE_LABEL names lanes (plural) and would say "1 terms" or "2 school year". */
const COUNTED: Record<SessionType, [one: string, many: string]> = {
  schoolYear: ['school year', 'school years'],
  semester: ['semester', 'semesters'],
  trimester: ['trimester', 'trimesters'],
  quarter: ['quarter', 'quarters'],
  term: ['term', 'terms'],
  gradingPeriod: ['grading period', 'grading periods'],
  summer: ['summer session', 'summer sessions'],
  other: ['other session', 'other sessions'],
};

export const countOf = (type: SessionType, n: number) => `${n} ${COUNTED[type][n === 1 ? 0 : 1]}`;

export function overviewBody(o: Overview): SafeHtml {
  if (o.schools.length === 0) return html`<p>This tenant has no schools yet. Load a SIS, pull a connection or write sessions through an API, and they appear here.</p>`;
  return html`<p class="muted">Each cell counts the school's sessions of that school year by type, and the calendar warnings found in them. Choose a cell to see its calendar.</p>
<div class="scroll" tabindex="0" role="region" aria-label="Schools by school year"><table class="grid">
<caption class="muted">${o.schools.length} school${o.schools.length === 1 ? '' : 's'} × ${o.years.length} school year${o.years.length === 1 ? '' : 's'}${o.districtWide ? html`; ${o.districtWide} district-wide session(s) (no school) are not shown` : ''}</caption>
<thead><tr><th scope="col">School</th>${o.years.map((y) => html`<th scope="col">${y - 1}–${y}</th>`)}</tr></thead>
<tbody>${o.schools.map(
    (s) => html`<tr><th scope="row">${s.name}<br><span class="muted">${s.schoolId ?? 'no schoolId'}</span></th>${o.years.map((y) => {
      const cell = o.cells.get(cellKey(s.schoolId, y));
      if (!cell || s.schoolId === null) return html`<td class="muted">no sessions</td>`;
      const counts = SESSION_TYPES.filter((t) => cell.counts[t]).map((t) => countOf(t, cell.counts[t]!));
      return html`<td class="cell"><a href="${calendarHref(s.schoolId, y)}"><span class="sr-only">${s.name}, ${y - 1}–${y}: </span>
<span class="counts">${counts.join(' · ')}</span><br>${cell.warnings ? html`<span class="warn">! ${cell.warnings} warning${cell.warnings === 1 ? '' : 's'}</span>` : html`<span class="ok">no warnings</span>`}</a></td>`;
    })}</tr>`,
  )}</tbody></table></div>`;
}

const KIND_LABEL: Record<WarningKind, string> = {
  outsideSchoolYear: 'Outside the school year',
  overlap: 'Overlap',
  gap: 'Gap',
  gradingPeriodNotCovered: 'Grading period not covered',
  instructionalDays: 'Instructional days',
  missingDates: 'Missing dates',
};

export function calendarBody(c: SchoolCalendar): SafeHtml {
  const bounds = schoolYearBounds(c.year, c.sessions.filter((s) => s.beginDate && s.endDate));
  // The timeline spans the school year, stretched to whatever falls outside it.
  const dated = c.sessions.filter((s) => s.beginDate && s.endDate);
  const begin = [bounds.begin, ...dated.map((s) => s.beginDate!)].sort()[0]!;
  const end = [bounds.end, ...dated.map((s) => s.endDate!)].sort().at(-1)!;
  const svg = renderTimeline({
    begin,
    end,
    sessions: c.sessions,
    warnings: c.warnings,
    href: sessionHref,
    title: `Timeline of ${c.school.name}, ${c.year - 1}–${c.year}: one lane per session type`,
  });
  return html`<p><a href="/console/overview">← District overview</a></p>
${c.sessions.length === 0 ? html`<p>No sessions for this school and year.</p>` : html`<div class="scroll" tabindex="0" role="region" aria-label="Timeline">${trusted(svg)}</div>`}
<h2 id="warnings">Warnings (${c.warnings.length})</h2>
${
  c.warnings.length === 0
    ? html`<p class="ok">No warnings: no term outside the school year, no overlaps, no long gaps, every grading period covered, instructional days agree with the dates.</p>`
    : html`<ol class="warnings">${c.warnings.map((w) => html`<li><strong>${KIND_LABEL[w.kind]}</strong> (!): ${w.message} ${w.sessionIds.map((id) => html`<a href="${sessionHref(id)}">${c.sessions.find((s) => s.id === id)?.name ?? id}</a> `)}</li>`)}</ol>`
}
<h2>Sessions</h2>
<div class="scroll" tabindex="0" role="region" aria-label="Sessions table"><table>
<thead><tr><th scope="col">Name</th><th scope="col">Type</th><th scope="col">Begins</th><th scope="col">Ends</th><th scope="col">Instructional days</th></tr></thead>
<tbody>${c.sessions.map(
    (s) => html`<tr><td><a href="${sessionHref(s.id)}">${s.name}</a>${c.warnings.some((w) => w.sessionIds.includes(s.id)) ? html` <span class="warn">(! warning)</span>` : ''}</td><td>${TYPE_LABEL[s.type]}</td><td>${s.beginDate ?? '—'}</td><td>${s.endDate ?? '—'}</td><td>${s.totalInstructionalDays ?? '—'}</td></tr>`,
  )}</tbody></table></div>`;
}
