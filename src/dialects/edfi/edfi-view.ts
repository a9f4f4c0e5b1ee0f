// Which canonical sessions Ed-Fi can see. A session needs a school, a school year and both
// dates to be an Ed-Fi Session; Canvas's Default Term and deleted rows never show; grading
// periods are their own resource over the same table.
import type { Session } from '../../domain/session.ts';
import { and, eq, type Condition } from '../../query/ast.ts';

const COMPLETE: Condition[] = [
  { field: 'schoolOrgId', op: 'isNotNull' },
  { field: 'schoolId', op: 'isNotNull' },
  { field: 'schoolYear', op: 'isNotNull' },
  { field: 'beginDate', op: 'isNotNull' },
  { field: 'endDate', op: 'isNotNull' },
  eq('status', 'active'),
  eq('isDefaultTerm', false),
];

export const SESSIONS_VIEW: Condition = and(...COMPLETE, { field: 'type', op: 'ne', value: 'gradingPeriod' })!;
export const GRADING_PERIODS_VIEW: Condition = and(...COMPLETE, eq('type', 'gradingPeriod'), { field: 'gradingPeriodDescriptor', op: 'isNotNull' })!;

function complete(s: Session): boolean {
  return (
    s.status === 'active' &&
    s.schoolOrgId !== null &&
    s.schoolId !== null &&
    s.schoolYear !== null &&
    s.beginDate !== null &&
    s.endDate !== null &&
    s.properties['canvasDefaultTerm'] !== true
  );
}

export function isEdfiSession(s: Session): boolean {
  return complete(s) && s.type !== 'gradingPeriod';
}

export function isEdfiGradingPeriod(s: Session): boolean {
  return complete(s) && s.type === 'gradingPeriod' && s.gradingPeriodDescriptor !== null;
}
