// The plan's before → after columns: the target's copy of an item carries fields it adds on read
// (each reference's `link`, `id`, `_etag`) and returns collections in its own order; neither is a
// change, and a PUT must show only the fields that really change.
import { describe, expect, it } from 'vitest';
import { changes, comparable } from '../../src/console/pages/sync-pages.ts';
import type { PlanRow } from '../../src/console/sync-console.ts';
import type { PlannedOp } from '../../src/sync/plan.ts';

const ref = (name: string) => ({ gradingPeriodReference: { gradingPeriodDescriptor: `uri://ed-fi.org/GradingPeriodDescriptor#${name}`, gradingPeriodName: name, schoolId: 255901044, schoolYear: 2026 } });
const linked = (name: string) => ({ gradingPeriodReference: { ...ref(name).gradingPeriodReference, link: { rel: 'GradingPeriod', href: `/ed-fi/gradingPeriods/${name.length}` } } });

function row(action: PlannedOp['action'], body: Record<string, unknown> | null, before: Record<string, unknown> | null): PlanRow {
  const op = { resource: 'sessions', action, keyText: 'sessions:{}', previousKeyText: null, body, reason: 'changed', schoolId: 255901044, schoolYear: 2026 } as unknown as PlannedOp;
  return { op, before };
}

const after = {
  schoolReference: { schoolId: 255901044 },
  schoolYearTypeReference: { schoolYear: 2026 },
  sessionName: '2026 Quarter 3',
  endDate: '2026-03-20',
  gradingPeriods: [ref('Fifth Six Weeks'), ref('Fourth Six Weeks')],
};
const target = {
  id: 'abc',
  _etag: '5250',
  _lastModifiedDate: '2026-12-05T10:00:00Z',
  schoolReference: { schoolId: 255901044, link: { rel: 'School', href: '/ed-fi/schools/1' } },
  schoolYearTypeReference: { schoolYear: 2026, link: { rel: 'SchoolYearType', href: '/ed-fi/schoolYearTypes/1' } },
  sessionName: '2026 Quarter 3',
  endDate: '2026-03-13',
  gradingPeriods: [linked('Fourth Six Weeks'), linked('Fifth Six Weeks')],
};

describe('the plan table', () => {
  it("shows a PUT's real changes only: not the target's links, ids or the order of a collection", () => {
    expect(changes(row('put', after, target))).toEqual([{ field: 'endDate', before: '2026-03-13', after: '2026-03-20' }]);
  });

  it('shows a collection that changed as the members removed and added, not both whole lists', () => {
    const other = { ...after, gradingPeriods: [ref('Fourth Six Weeks'), ref('Sixth Six Weeks')] };
    const periods = changes(row('put', other, target)).find((c) => c.field === 'gradingPeriods')!;
    expect(periods.removed).toEqual(['{"gradingPeriodReference":{"gradingPeriodDescriptor":"Fifth Six Weeks","gradingPeriodName":"Fifth Six Weeks","schoolId":255901044,"schoolYear":2026}}']);
    expect(periods.added).toEqual(['{"gradingPeriodReference":{"gradingPeriodDescriptor":"Sixth Six Weeks","gradingPeriodName":"Sixth Six Weeks","schoolId":255901044,"schoolYear":2026}}']);
  });

  it('shows every field of a POST as new and of a DELETE as gone, without the target-added fields', () => {
    expect(changes(row('post', after, null)).map((c) => [c.field, c.before])).toEqual([
      ['endDate', ''],
      ['gradingPeriods', ''],
      ['schoolReference', ''],
      ['schoolYearTypeReference', ''],
      ['sessionName', ''],
    ]);
    const gone = changes(row('delete', null, target));
    expect(gone.map((c) => c.field)).toEqual(['endDate', 'gradingPeriods', 'schoolReference', 'schoolYearTypeReference', 'sessionName']);
    expect(gone.find((c) => c.field === 'schoolReference')).toEqual({ field: 'schoolReference', before: '{"schoolId":255901044}', after: '' });
  });

  it('says "?" for a PUT whose target copy could not be read', () => {
    expect(changes(row('put', { endDate: '2026-03-20' }, null))).toEqual([{ field: 'endDate', before: '?', after: '2026-03-20' }]);
  });

  it('keeps values that are not objects as they are', () => {
    expect(comparable('2026-03-20')).toBe('2026-03-20');
    expect(comparable([3, 1, 2])).toEqual([1, 2, 3]);
    expect(comparable(null)).toBeNull();
  });
});
