// The planner: derivation vs acknowledged identity map -> operations, in dependency order.
import { describe, expect, it } from 'vitest';
import { deriveEdfiSessions } from '../../src/sync/derive/derive-edfi-sessions.ts';
import { planSync, type SentRecord } from '../../src/sync/plan.ts';
import { loadStateRuleBook } from '../../src/sync/state-rule-book.ts';
import type { SisDataset } from '../../src/sync/sis-model.ts';
import { kansasDistrict } from './sis-fixture.ts';

const book = loadStateRuleBook();

/** What the identity map would hold after everything derived from sis was acknowledged. */
function acknowledged(sis: SisDataset): SentRecord[] {
  return deriveEdfiSessions(sis, book).records.map((r, i) => ({
    resource: r.resource,
    keyText: r.keyText,
    naturalKey: r.naturalKey,
    edfiId: `id${i}`,
    hash: r.hash,
    sources: r.sources,
    schoolId: r.schoolId,
    schoolYear: r.schoolYear,
    dependsOn: r.dependsOn,
  }));
}
const plan = (sis: SisDataset, sent: SentRecord[], mode: 'incremental' | 'resync' = 'incremental', refused?: Set<string>) =>
  planSync(deriveEdfiSessions(sis, book), sent, { mode, refused });
const summary = (p: ReturnType<typeof plan>) => p.ops.map((o) => `${o.action} ${o.resource} ${o.naturalKey.sessionName ?? o.naturalKey.gradingPeriodName ?? o.naturalKey.schoolYear}`);

describe('planSync', () => {
  it('initial sync posts everything, parents first: school years, grading periods, sessions', () => {
    const p = plan(kansasDistrict(), []);
    expect(summary(p)).toEqual([
      'post schoolYearTypes 2026',
      'post gradingPeriods First Six Weeks',
      'post gradingPeriods Second Six Weeks',
      'post sessions 2026 First Semester',
      'post sessions 2026 Second Semester',
      'post sessions 2026 School Year',
    ]);
    expect(p.ops.map((o) => o.rank)).toEqual([0, 1, 1, 2, 2, 2]);
  });

  it('plans nothing when everything was acknowledged and nothing changed', () => {
    expect(plan(kansasDistrict(), acknowledged(kansasDistrict())).ops).toEqual([]);
  });

  it('a term date change is one PUT of that session', () => {
    const sis = kansasDistrict();
    const sent = acknowledged(sis);
    sis.terms[1]!.endDate = '2026-05-29';
    const p = plan(sis, sent);
    expect(summary(p)).toEqual(['put sessions 2026 Second Semester']);
    expect(p.ops[0]!.previousKeyText).toBe(p.ops[0]!.keyText);
  });

  it('a new session name is a key-change PUT of the item already sent (sessions are key-updatable)', () => {
    const sis = kansasDistrict();
    const sent = acknowledged(sis);
    sis.terms[0]!.termTypeCode = 'Q1';
    const p = plan(sis, sent);
    expect(summary(p)).toEqual(['put sessions 2026 Quarter 1']);
    expect(p.ops[0]!.reason).toBe('key change');
    expect(p.ops[0]!.previousKeyText).toContain('2026 First Semester');
  });

  it('a grading period rename posts the new one, re-puts the sessions that reference it, then deletes the old one', () => {
    const sis = kansasDistrict();
    const sent = acknowledged(sis);
    sis.gradingPeriods[0]!.name = 'Six Weeks One';
    expect(summary(plan(sis, sent))).toEqual([
      'post gradingPeriods Six Weeks One',
      'put sessions 2026 First Semester',
      'delete gradingPeriods First Six Weeks',
    ]);
  });

  it('a deleted term deletes its session', () => {
    const sis = kansasDistrict();
    const sent = acknowledged(sis);
    sis.terms = sis.terms.filter((t) => t.termId !== 'hs-s2');
    const p = plan(sis, sent);
    expect(summary(p)).toEqual(['delete sessions 2026 Second Semester']);
    expect(p.ops[0]!.rank).toBeGreaterThan(2);
  });

  it('a removed term-type mapping deletes the session', () => {
    const sis = kansasDistrict();
    const sent = acknowledged(sis);
    sis.termTypeMappings = sis.termTypeMappings.filter((m) => m.termTypeCode !== 'YR');
    expect(summary(plan(sis, sent))).toEqual(['delete sessions 2026 School Year']);
  });

  it('an exclusion after sending deletes nothing until a resync', () => {
    const sis = kansasDistrict();
    const sent = acknowledged(sis);
    sis.calendars[1]!.exclude = true;
    expect(plan(sis, sent).ops).toEqual([]);
    expect(summary(plan(sis, sent, 'resync'))).toEqual(['delete sessions 2026 School Year']);
  });

  it('a Sessions toggle turned off sends nothing new and deletes nothing until a resync', () => {
    const sis = kansasDistrict();
    const sent = acknowledged(sis);
    sis.syncYears[0]!.sessionsEnabled = false;
    sis.terms[0]!.endDate = '2025-12-20';
    sis.terms = sis.terms.filter((t) => t.termId !== 'hs-s2');
    expect(plan(sis, sent).ops).toEqual([]);
    expect(summary(plan(sis, sent, 'resync'))).toEqual(['delete sessions 2026 Second Semester']);
  });

  it('a session held back by an error is neither sent nor deleted', () => {
    const sis = kansasDistrict();
    const sent = acknowledged(sis);
    sis.terms[0]!.startDate = null;
    expect(plan(sis, sent, 'resync').ops).toEqual([]);
  });

  it('does not resend a payload the target already refused, but sends a changed one', () => {
    const sis = kansasDistrict();
    const sent = acknowledged(sis);
    sis.terms[1]!.endDate = '2026-05-29';
    const op = plan(sis, sent).ops[0]!;
    expect(plan(sis, sent, 'incremental', new Set([`${op.keyText}|${op.hash}`])).ops).toEqual([]);
    sis.terms[1]!.endDate = '2026-05-28';
    expect(plan(sis, sent, 'incremental', new Set([`${op.keyText}|${op.hash}`])).ops).toHaveLength(1);
  });

  it('refreshes identity-map members without sending when a term joins an unchanged session', () => {
    const sis = kansasDistrict();
    const sent = acknowledged(sis);
    sis.terms.push({ ...sis.terms[0]!, termId: 'hs-s1-copy' });
    const p = plan(sis, sent);
    expect(p.ops).toEqual([]);
    expect(p.remaps).toEqual([{ keyText: expect.stringContaining('First Semester'), sources: ['Term:hs-s1', 'Term:hs-s1-copy'] }]);
  });

  it('does not delete a grading period that a session kept in the target still references', () => {
    const sis = kansasDistrict();
    const sent = acknowledged(sis);
    sis.calendars[0]!.exclude = true; // the high school's sessions stay (no resync yet) ...
    sis.gradingPeriods = []; // ... so their grading periods must stay too
    expect(plan(sis, sent).ops).toEqual([]);
    expect(summary(plan(sis, sent, 'resync'))).toEqual([
      'delete sessions 2026 First Semester',
      'delete sessions 2026 Second Semester',
      'delete gradingPeriods First Six Weeks',
      'delete gradingPeriods Second Six Weeks',
    ]);
  });

  it('never deletes school years', () => {
    expect(plan({ ...kansasDistrict(), terms: [], gradingPeriods: [] }, acknowledged(kansasDistrict()), 'resync').ops.map((o) => o.resource)).not.toContain('schoolYearTypes');
  });
});
