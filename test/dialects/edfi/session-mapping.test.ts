// The pure Ed-Fi ↔ canonical mapping: body reading, type from descriptor, wire shape, filters.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sessionInputOf, type Session } from '../../../src/domain/session.ts';
import { parseSessionBody, sessionFilterConditions, sessionInputFromWire, sessionToWire, termDescriptorCondition, unchanged } from '../../../src/dialects/edfi/session-mapping.ts';
import { FALL, sessionBody } from './edfi-fixtures.ts';

const stored: Session = {
  id: 'cc91fb95-1b0c-4cb7-ae0e-d56ac0691fb6',
  tenantId: 't',
  schoolOrgId: '11111111-2222-3333-4444-555555555555',
  schoolId: 255901001,
  schoolYear: 2026,
  name: 'Fall Semester',
  type: 'semester',
  beginDate: '2025-08-13',
  endDate: '2025-12-19',
  parentId: '99999999-2222-3333-4444-555555555555',
  status: 'active',
  termDescriptor: FALL,
  gradingPeriodDescriptor: null,
  periodSequence: null,
  totalInstructionalDays: 80,
  identifiers: { oneroster: 'fall-2025' },
  properties: {},
  canvasId: 7,
  createdAt: '2025-01-01T00:00:00.000Z',
  updatedAt: '2025-01-02T03:04:05.678Z',
  changeVersion: 4242,
};

describe('Ed-Fi session mapping', () => {
  it('writes the canonical session as an Ed-Fi Session with links and a bare _etag', () => {
    const wire = sessionToWire(stored, [], { schoolYearIds: new Map([[2026, 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee']]) });
    expect(wire).toEqual({
      id: 'cc91fb951b0c4cb7ae0ed56ac0691fb6',
      schoolReference: { schoolId: 255901001, link: { rel: 'School', href: '/ed-fi/schools/11111111222233334444555555555555' } },
      schoolYearTypeReference: { schoolYear: 2026, link: { rel: 'SchoolYearType', href: '/ed-fi/schoolYearTypes/aaaaaaaabbbbccccddddeeeeeeeeeeee' } },
      sessionName: 'Fall Semester',
      beginDate: '2025-08-13',
      endDate: '2025-12-19',
      termDescriptor: FALL,
      totalInstructionalDays: 80,
      academicWeeks: [],
      gradingPeriods: [],
      _etag: '4242',
      _lastModifiedDate: '2025-01-02T03:04:05.678Z',
    });
    expect(sessionToWire({ ...stored, termDescriptor: null, type: 'quarter' }, [], { schoolYearIds: new Map() }).termDescriptor).toBe('uri://ed-fi.org/TermDescriptor#Quarter');
  });

  it('reads a body, ignoring unknown properties such as periodSequence in a reference', () => {
    const body = sessionBody(255901001, {
      gradingPeriods: [{ gradingPeriodReference: { gradingPeriodDescriptor: 'uri://x/GradingPeriodDescriptor#A', gradingPeriodName: 'A', schoolId: 255901001, schoolYear: 2026, periodSequence: 1 } }],
      unknown: true,
    });
    const parsed = parseSessionBody(body);
    expect(parsed.ok && parsed.value).toMatchObject({ sessionName: 'Fall Semester', schoolId: 255901001, gradingPeriods: [{ gradingPeriodName: 'A' }] });
  });

  it('never throws on arbitrary JSON bodies', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom('sessionName', 'schoolReference', 'schoolYearTypeReference', 'beginDate', 'endDate', 'termDescriptor', 'totalInstructionalDays', 'gradingPeriods'), fc.jsonValue()), (body) => {
        const r = parseSessionBody(body);
        if (!r.ok) expect(Object.keys(r.errors).length).toBeGreaterThan(0);
      }),
    );
  });

  it('takes the type from the descriptor mapping and keeps what Ed-Fi does not carry', () => {
    const parsed = parseSessionBody(sessionBody(255901001, { sessionName: 'Renamed' }));
    if (!parsed.ok) throw new Error('parse failed');
    const input = sessionInputFromWire(parsed.value, { schoolOrgId: stored.schoolOrgId!, termDescriptor: FALL, descriptorType: 'quarter' }, stored);
    expect(input).toMatchObject({ id: stored.id, name: 'Renamed', type: 'quarter', parentId: stored.parentId });
    const unmapped = sessionInputFromWire(parsed.value, { schoolOrgId: stored.schoolOrgId!, termDescriptor: FALL, descriptorType: null }, stored);
    expect(unmapped.type).toBe('semester');
    expect(sessionInputFromWire(parsed.value, { schoolOrgId: 'x', termDescriptor: FALL, descriptorType: null }, null).type).toBe('other');
    expect(unchanged(stored, sessionInputOf(stored), ['a'], ['a'])).toBe(true);
    expect(unchanged(stored, sessionInputOf(stored), ['a'], [])).toBe(false);
    expect(unchanged(stored, input, [], [])).toBe(false);
  });

  it('matches a default term descriptor against sessions that store none', () => {
    expect(termDescriptorCondition('uri://ed-fi.org/TermDescriptor#Other')).toEqual({
      op: 'or',
      args: [
        { field: 'termDescriptor', op: 'eq', value: 'uri://ed-fi.org/TermDescriptor#Other' },
        { op: 'and', args: [{ field: 'termDescriptor', op: 'isNull' }, { field: 'type', op: 'in', values: ['term', 'gradingPeriod', 'other'] }] },
      ],
    });
    expect(termDescriptorCondition(FALL)).toEqual({ field: 'termDescriptor', op: 'eq', value: FALL });
    expect(sessionFilterConditions({ sessionName: 'Fall', schoolId: 1 })).toEqual([
      { field: 'name', op: 'eq', value: 'Fall' },
      { field: 'schoolId', op: 'eq', value: 1 },
    ]);
  });
});
