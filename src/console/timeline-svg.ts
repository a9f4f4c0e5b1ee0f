// The calendar timeline, drawn on the server as SVG: one lane per session type, a bar per
// session labelled with its name and dates and linking to its detail, month ticks, and each
// warning drawn as a hatched band with a "!" mark (shape and text, never colour alone).
import { addDays, daysBetween } from '../domain/calendar-date.ts';
import { SESSION_TYPES, type SessionType } from '../domain/session.ts';
import type { CalendarSession, CalendarWarning } from './calendar-warnings.ts';
import { escapeHtml } from './html.ts';

export interface TimelineInput {
  begin: string;
  end: string;
  sessions: readonly CalendarSession[];
  warnings: readonly CalendarWarning[];
  href: (sessionId: string) => string;
  title: string;
}

export const TYPE_LABEL: Record<SessionType, string> = {
  schoolYear: 'School year',
  semester: 'Semesters',
  trimester: 'Trimesters',
  quarter: 'Quarters',
  term: 'Terms',
  gradingPeriod: 'Grading periods',
  summer: 'Summer',
  other: 'Other',
};

// Light fills: the dark label text keeps WCAG AA contrast on every one.
const FILL: Record<SessionType, string> = {
  schoolYear: '#dbe9f6',
  semester: '#d8efd9',
  trimester: '#e8e1f5',
  quarter: '#fdf0c8',
  term: '#e0f2f1',
  gradingPeriod: '#fbe3e8',
  summer: '#fff0d9',
  other: '#eeeeee',
};

const WIDTH = 1200;
const LABEL_WIDTH = 130;
const AXIS = 28;
const ROW = 40;
const LANE_GAP = 10;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

const e = escapeHtml;

/** Rows inside one lane so that bars that overlap sit on separate rows (greedy by begin date). */
export function stackRows(bars: readonly { begin: string; end: string }[]): number[] {
  const rowEnds: string[] = [];
  return bars.map((b) => {
    let row = rowEnds.findIndex((end) => end < b.begin);
    if (row < 0) row = rowEnds.length;
    rowEnds[row] = b.end;
    return row;
  });
}

export function renderTimeline(input: TimelineInput): string {
  const span = Math.max(1, daysBetween(input.begin, input.end) + 1);
  const plot = WIDTH - LABEL_WIDTH - 10;
  const x = (date: string) => LABEL_WIDTH + (Math.min(Math.max(daysBetween(input.begin, date), 0), span) / span) * plot;
  const xEnd = (date: string) => x(addDays(date, 1));
  const dated = input.sessions.filter((s) => s.beginDate && s.endDate);
  const types = SESSION_TYPES.filter((t) => dated.some((s) => s.type === t));

  const backgrounds: string[] = [];
  const parts: string[] = [];
  let y = AXIS;
  const laneOf = new Map<string, { y: number; height: number }>();
  const barY = new Map<string, number>();
  for (const type of types) {
    const bars = dated.filter((s) => s.type === type).sort((a, b) => (a.beginDate! < b.beginDate! ? -1 : a.beginDate! > b.beginDate! ? 1 : 0));
    const rows = stackRows(bars.map((b) => ({ begin: b.beginDate!, end: b.endDate! })));
    const height = (Math.max(...rows) + 1) * ROW;
    laneOf.set(type, { y, height });
    backgrounds.push(`<rect x="0" y="${y - 4}" width="${WIDTH}" height="${height + 8}" fill="${types.indexOf(type) % 2 ? '#fafafa' : '#ffffff'}"/>`);
    parts.push(`<text class="lane" x="8" y="${y + 22}">${e(TYPE_LABEL[type])}</text>`);
    bars.forEach((s, i) => {
      const by = y + rows[i]! * ROW;
      barY.set(s.id, by);
      const x0 = x(s.beginDate!);
      const w = Math.max(3, xEnd(s.endDate!) - x0);
      const warned = input.warnings.some((w) => w.sessionIds.includes(s.id));
      // The accessible name starts with the visible text (name, then dates), as WCAG 2.5.3 asks.
      const label = `${warned ? '! ' : ''}${s.name} ${s.beginDate} – ${s.endDate}${warned ? ' (has a warning)' : ''}`;
      parts.push(
        `<a href="${e(input.href(s.id))}" aria-label="${e(label)}"><title>${e(label)}</title>` +
          `<rect class="bar" x="${x0.toFixed(1)}" y="${by}" width="${w.toFixed(1)}" height="${ROW - 6}" rx="3" fill="${FILL[type]}" stroke="${warned ? '#8a1c00' : '#5f6b7a'}" stroke-width="${warned ? 2 : 1}"${warned ? ' stroke-dasharray="5 3"' : ''}/>` +
          `<svg x="${(x0 + 3).toFixed(1)}" y="${by}" width="${Math.max(0, w - 6).toFixed(1)}" height="${ROW - 6}"><text x="0" y="14">${warned ? '! ' : ''}${e(s.name)} </text>` +
          `<text class="small" x="0" y="28">${e(s.beginDate!)} – ${e(s.endDate!)}</text></svg></a>`,
      );
    });
    y += height + LANE_GAP;
  }
  const height = Math.max(y, AXIS + ROW);

  // Month ticks along the top, from the first of each month inside the span.
  const ticks: string[] = [];
  const [by, bm] = input.begin.split('-').map(Number) as [number, number];
  for (let m = 0; ; m++) {
    const month = ((bm - 1 + m) % 12) + 1;
    const year = by + Math.floor((bm - 1 + m) / 12);
    const first = `${year}-${String(month).padStart(2, '0')}-01`;
    if (first > input.end) break;
    if (first < input.begin) continue;
    const tx = x(first);
    ticks.push(`<line x1="${tx.toFixed(1)}" y1="${AXIS - 8}" x2="${tx.toFixed(1)}" y2="${height}" stroke="#d0d0d0"/>`);
    ticks.push(`<text class="small" x="${(tx + 3).toFixed(1)}" y="${AXIS - 12}">${MONTHS[month - 1]}${month === 1 ? ` ${year}` : ''}</text>`);
  }

  // Warnings over the lanes they concern: a hatched band over their days and a "!" mark.
  const marks: string[] = [];
  input.warnings.forEach((w, i) => {
    if (!w.range) return;
    const first = dated.find((s) => s.id === w.sessionIds[0]);
    if (!first) return;
    const lane = laneOf.get(first.type)!;
    const x0 = x(w.range.begin);
    const width = Math.max(4, xEnd(w.range.end) - x0);
    const label = `Warning ${i + 1}: ${w.message}`;
    marks.push(
      `<g><title>${e(label)}</title><rect x="${x0.toFixed(1)}" y="${lane.y - 4}" width="${width.toFixed(1)}" height="${lane.height + 8}" fill="url(#warn-hatch)" stroke="#8a1c00" stroke-width="1.5" pointer-events="none"/>` +
        `<text class="mark" pointer-events="none" x="${(x0 + 2).toFixed(1)}" y="${lane.y + lane.height + 2}">!${i + 1}</text></g>`,
    );
  });

  return (
    `<svg class="timeline" role="group" aria-label="${e(input.title)}" viewBox="0 0 ${WIDTH} ${height + 6}" xmlns="http://www.w3.org/2000/svg">` +
    `<defs><pattern id="warn-hatch" width="8" height="8" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="8" height="8" fill="#8a1c00" fill-opacity="0.06"/><line x1="0" y1="0" x2="0" y2="8" stroke="#8a1c00" stroke-width="2" stroke-opacity="0.45"/></pattern></defs>` +
    backgrounds.join('') +
    ticks.join('') +
    parts.join('') +
    marks.join('') +
    `</svg>`
  );
}
