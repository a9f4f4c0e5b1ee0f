// The calendar warnings and the timeline's row stacking: pure, no I/O.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays, daysBetween } from '../../src/domain/calendar-date.ts';
import type { SessionType } from '../../src/domain/session.ts';
import { calendarWarnings, weekdaysBetween, type CalendarSession } from '../../src/console/calendar-warnings.ts';
import { renderTimeline, stackRows } from '../../src/console/timeline-svg.ts';
import { countOf } from '../../src/console/pages/calendar-pages.ts';

let n = 0;
function s(type: SessionType, name: string, beginDate: string | null, endDate: string | null, totalInstructionalDays: number | null = null): CalendarSession {
  return { id: `s${++n}`, name, type, beginDate, endDate, totalInstructionalDays };
}

/** A well-formed 2025–2026 calendar: no warning at all. */
function clean(): CalendarSession[] {
  return [
    s('schoolYear', 'Year', '2025-08-13', '2026-05-21', weekdaysBetween('2025-08-13', '2026-05-21')),
    s('semester', 'S1', '2025-08-13', '2025-12-19'),
    s('semester', 'S2', '2026-01-06', '2026-05-21'),
    s('quarter', 'Q1', '2025-08-13', '2025-10-10'),
    s('quarter', 'Q2', '2025-10-13', '2025-12-19'),
    s('quarter', 'Q3', '2026-01-06', '2026-03-13'),
    s('quarter', 'Q4', '2026-03-23', '2026-05-21'),
    s('gradingPeriod', 'GP1', '2025-08-13', '2025-09-19'),
    s('gradingPeriod', 'GP2', '2025-09-22', '2025-10-31'),
    s('summer', 'Summer', '2026-06-01', '2026-06-30'),
  ];
}

const kinds = (list: CalendarSession[]) => calendarWarnings(2026, list).map((w) => w.kind);

describe('calendar warnings', () => {
  it('finds nothing in a well-formed calendar (winter and spring break are not gaps, summer is in the reporting year)', () => {
    expect(calendarWarnings(2026, clean())).toEqual([]);
  });

  it('finds a term outside its school year, with the days outside', () => {
    const late = s('quarter', 'Late', '2026-05-01', '2026-06-05');
    const [w] = calendarWarnings(2026, [...clean().filter((x) => x.name !== 'Q4'), late]).filter((x) => x.kind === 'outsideSchoolYear');
    expect(w).toMatchObject({ sessionIds: [late.id], range: { begin: '2026-05-22', end: '2026-06-05' } });
    expect(w!.message).toContain('runs outside the school year (2025-08-13 – 2026-05-21)');
  });

  it('uses July to June when there is no school-year session', () => {
    const list = [s('semester', 'S1', '2025-06-20', '2025-12-19')];
    expect(calendarWarnings(2026, list)[0]).toMatchObject({ kind: 'outsideSchoolYear', range: { begin: '2025-06-20', end: '2025-06-30' } });
  });

  it('finds overlapping sessions of one type, with the overlapping days', () => {
    const list = clean().map((x) => (x.name === 'Q2' ? { ...x, beginDate: '2025-10-06' } : x));
    const overlaps = calendarWarnings(2026, list).filter((w) => w.kind === 'overlap');
    expect(overlaps).toHaveLength(1);
    expect(overlaps[0]).toMatchObject({ range: { begin: '2025-10-06', end: '2025-10-10' } });
    expect(overlaps[0]!.message).toContain("'Q1' and 'Q2' overlap for 5 days");
  });

  it('finds a gap longer than three weeks between consecutive terms, and not a shorter one', () => {
    const list = clean().map((x) => (x.name === 'Q3' ? { ...x, endDate: '2026-02-27' } : x));
    const gaps = calendarWarnings(2026, list).filter((w) => w.kind === 'gap');
    expect(gaps).toHaveLength(1);
    expect(gaps[0]).toMatchObject({ range: { begin: '2026-02-28', end: '2026-03-22' } });
    expect(gaps[0]!.message).toContain('23 days pass between');
    const short = clean().map((x) => (x.name === 'Q3' ? { ...x, endDate: '2026-03-01' } : x));
    expect(kinds(short)).not.toContain('gap');
  });

  it('finds a grading period no session covers', () => {
    const stray = s('gradingPeriod', 'Stray', '2026-05-25', '2026-06-10');
    const list = [...clean().filter((x) => x.type !== 'summer'), stray];
    expect(calendarWarnings(2026, list).filter((w) => w.kind === 'gradingPeriodNotCovered').map((w) => w.sessionIds)).toEqual([[stray.id]]);
  });

  it('finds instructional-day counts the dates cannot hold or that are far from the weekdays', () => {
    const impossible = s('quarter', 'Q1', '2025-08-13', '2025-10-10', 90);
    const far = s('semester', 'S1', '2025-08-13', '2025-12-19', 40);
    const near = s('semester', 'S2', '2026-01-06', '2026-05-21', weekdaysBetween('2026-01-06', '2026-05-21') - 5);
    const found = calendarWarnings(2026, [impossible, far, near]).filter((w) => w.kind === 'instructionalDays');
    expect(found.map((w) => w.sessionIds[0])).toEqual([impossible.id, far.id]);
    expect(found[0]!.message).toContain('its dates span only 59 days');
  });

  it('finds a session missing a date, and leaves it out of the date checks', () => {
    const open = s('quarter', 'Q4', '2026-03-23', null);
    const w = calendarWarnings(2026, [...clean().filter((x) => x.name !== 'Q4'), open]);
    expect(w.map((x) => x.kind)).toEqual(['missingDates']);
    expect(w[0]!.message).toContain('has no end date');
  });

  const date = fc.integer({ min: 0, max: 400 }).map((d) => addDays('2025-07-01', d));
  const session = fc
    .tuple(fc.constantFrom<SessionType>('semester', 'quarter', 'gradingPeriod', 'term'), date, fc.integer({ min: 0, max: 120 }))
    .map(([type, begin, length]) => s(type, `${type} ${begin}`, begin, addDays(begin, length)));

  it('reports each overlapping pair of one type exactly once (property)', () => {
    fc.assert(
      fc.property(fc.array(session, { maxLength: 12 }), (list) => {
        const expected = new Set<string>();
        for (const a of list)
          for (const b of list)
            if (a.id < b.id && a.type === b.type && a.beginDate! <= b.endDate! && b.beginDate! <= a.endDate!) expected.add([a.id, b.id].sort().join('|'));
        const found = calendarWarnings(2026, list).filter((w) => w.kind === 'overlap').map((w) => [...w.sessionIds].sort().join('|'));
        expect(found.sort()).toEqual([...expected].sort());
      }),
    );
  });

  it('draws a gap warning only where consecutive terms leave more than the allowed days uncovered (property)', () => {
    fc.assert(
      fc.property(fc.array(session, { maxLength: 10 }), (list) => {
        for (const w of calendarWarnings(2026, list).filter((x) => x.kind === 'gap')) {
          expect(daysBetween(w.range!.begin, w.range!.end) + 1).toBeGreaterThan(21);
          // no session of the type covers any day of the gap
          const type = list.find((x) => x.id === w.sessionIds[0])!.type;
          for (const x of list.filter((y) => y.type === type)) expect(x.endDate! < w.range!.begin || x.beginDate! > w.range!.end).toBe(true);
        }
      }),
    );
  });

  it('counts weekdays as a day-by-day walk does (property)', () => {
    fc.assert(
      fc.property(date, fc.integer({ min: -3, max: 200 }), (begin, length) => {
        const end = addDays(begin, length);
        let walk = 0;
        for (let d = begin; d <= end; d = addDays(d, 1)) if (![0, 6].includes(new Date(`${d}T00:00:00Z`).getUTCDay())) walk++;
        expect(weekdaysBetween(begin, end)).toBe(walk);
      }),
    );
  });
});

describe('the timeline', () => {
  it('puts overlapping bars on separate rows and reuses a row once it is free', () => {
    expect(stackRows([
      { begin: '2025-08-01', end: '2025-10-10' },
      { begin: '2025-10-06', end: '2025-12-19' },
      { begin: '2025-10-13', end: '2025-12-01' },
      { begin: '2026-01-06', end: '2026-03-13' },
    ])).toEqual([0, 1, 0, 0]);
  });

  it('draws every kind of warning with dates on the timeline, each hatched and numbered as the list numbers it', () => {
    const list = [
      ...clean().filter((x) => x.name !== 'Q3'),
      s('quarter', 'Q3', '2026-02-02', '2026-03-13'), // a gap after Q2
      s('quarter', 'Q4b', '2026-03-10', '2026-05-21'), // overlaps Q3
      s('term', 'Summer School', '2026-06-01', '2026-07-10'), // past the school year
      s('gradingPeriod', 'GP0', '2025-07-01', '2025-07-20'), // before it: inside no session
      s('semester', 'S1 days', '2025-08-13', '2025-12-19', 200), // more days than the dates hold
    ];
    const warnings = calendarWarnings(2026, list);
    expect(new Set(warnings.map((w) => w.kind))).toEqual(new Set(['outsideSchoolYear', 'overlap', 'gap', 'gradingPeriodNotCovered', 'instructionalDays']));
    const svg = renderTimeline({ begin: '2025-07-01', end: '2026-07-10', sessions: list, warnings, href: (id) => `/console/sessions/${id}`, title: 'T' });
    warnings.forEach((w, i) => {
      expect(svg, w.kind).toContain(`<title>Warning ${i + 1}: ${w.message.replace(/'/g, '&#39;')}</title>`);
      expect(svg, w.kind).toContain(`>!${i + 1}</text>`);
    });
    expect(svg.match(/fill="url\(#warn-hatch\)"/g)).toHaveLength(warnings.length);
  });

  it('labels each bar with name and dates, links it, escapes names, and marks warnings with text', () => {
    const list = [s('quarter', 'Q1 <b>&', '2025-08-13', '2025-10-10'), s('quarter', 'Q2', '2025-10-06', '2025-12-19')];
    const svg = renderTimeline({ begin: '2025-08-01', end: '2026-06-30', sessions: list, warnings: calendarWarnings(2026, list), href: (id) => `/console/sessions/${id}`, title: 'T' });
    expect(svg).toContain(`<a href="/console/sessions/${list[0]!.id}" aria-label="! Q1 &lt;b&gt;&amp; 2025-08-13 – 2025-10-10 (has a warning)">`);
    expect(svg).toContain('2025-10-06 – 2025-12-19');
    expect(svg).toContain('>!1</text>');
    expect(svg).not.toContain('<b>');
  });
});

describe("the overview's counts", () => {
  it('says one in the singular and more in the plural', () => {
    expect([countOf('term', 1), countOf('term', 2), countOf('schoolYear', 1), countOf('schoolYear', 2), countOf('summer', 1)]).toEqual(['1 term', '2 terms', '1 school year', '2 school years', '1 summer session']);
  });
});
