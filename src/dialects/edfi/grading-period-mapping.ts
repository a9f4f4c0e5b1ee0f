// Ed-Fi GradingPeriod ↔ canonical session of type gradingPeriod. Pure.
import type { Session, SessionInput } from '../../domain/session.ts';
import { eq, type Condition } from '../../query/ast.ts';
import type { FilterSpec, FilterValue } from './query-params.ts';
import { toEdfiId } from './resource-id.ts';
import { schoolReference, schoolYearTypeReference, type LinkTargets } from './session-mapping.ts';
import { sessionInputOf } from '../../domain/session.ts';
import { BodyReader, type ValidationErrors } from './wire-body.ts';

export interface WireGradingPeriod {
  gradingPeriodDescriptor: string;
  gradingPeriodName: string;
  schoolId: number;
  schoolYear: number;
  beginDate: string;
  endDate: string;
  totalInstructionalDays: number;
  periodSequence: number | null;
}

export function gradingPeriodToWire(s: Session, targets: LinkTargets) {
  return {
    id: toEdfiId(s.id),
    gradingPeriodDescriptor: s.gradingPeriodDescriptor!,
    gradingPeriodName: s.name,
    schoolReference: schoolReference(s),
    schoolYearTypeReference: schoolYearTypeReference(s.schoolYear!, targets),
    beginDate: s.beginDate!,
    endDate: s.endDate!,
    ...(s.totalInstructionalDays === null ? {} : { totalInstructionalDays: s.totalInstructionalDays }),
    ...(s.periodSequence === null ? {} : { periodSequence: s.periodSequence }),
    _etag: String(s.changeVersion),
    _lastModifiedDate: s.updatedAt,
  };
}

export function parseGradingPeriodBody(body: Record<string, unknown>): { ok: true; value: WireGradingPeriod } | { ok: false; errors: ValidationErrors } {
  const r = new BodyReader(body);
  const gradingPeriodDescriptor = r.descriptor('gradingPeriodDescriptor');
  const gradingPeriodName = r.string('gradingPeriodName', 60, { identity: true });
  const schoolId = r.object('schoolReference')?.integer('schoolId', { min: 0 }) ?? null;
  const schoolYear = r.object('schoolYearTypeReference')?.integer('schoolYear', { min: 1900, max: 2100 }) ?? null;
  const beginDate = r.date('beginDate');
  const endDate = r.date('endDate');
  const totalInstructionalDays = r.integer('totalInstructionalDays', { min: 0, max: 2_147_483_647 });
  const periodSequence = r.integer('periodSequence', { required: false, min: 0, max: 2_147_483_647 });
  if (!r.ok) return { ok: false, errors: r.errors };
  return {
    ok: true,
    value: {
      gradingPeriodDescriptor: gradingPeriodDescriptor!,
      gradingPeriodName: gradingPeriodName!,
      schoolId: schoolId!,
      schoolYear: schoolYear!,
      beginDate: beginDate!,
      endDate: endDate!,
      totalInstructionalDays: totalInstructionalDays!,
      periodSequence,
    },
  };
}

export function gradingPeriodInputFromWire(w: WireGradingPeriod, resolved: { schoolOrgId: string; descriptor: string }, existing: Session | null): SessionInput {
  return {
    ...(existing ? sessionInputOf(existing) : { parentId: null, termDescriptor: null }),
    schoolOrgId: resolved.schoolOrgId,
    schoolYear: w.schoolYear,
    name: w.gradingPeriodName,
    type: 'gradingPeriod',
    beginDate: w.beginDate,
    endDate: w.endDate,
    gradingPeriodDescriptor: resolved.descriptor,
    periodSequence: w.periodSequence,
    totalInstructionalDays: w.totalInstructionalDays,
  };
}

export const GRADING_PERIOD_FILTERS: FilterSpec = {
  gradingPeriodDescriptor: 'string',
  gradingPeriodName: 'string',
  schoolId: 'int',
  schoolYear: 'int',
  beginDate: 'date',
  endDate: 'date',
  id: 'id',
  periodSequence: 'int',
  totalInstructionalDays: 'int',
};

const FIELDS = {
  gradingPeriodDescriptor: 'gradingPeriodDescriptor',
  gradingPeriodName: 'name',
  schoolId: 'schoolId',
  schoolYear: 'schoolYear',
  beginDate: 'beginDate',
  endDate: 'endDate',
  id: 'id',
  periodSequence: 'periodSequence',
  totalInstructionalDays: 'totalInstructionalDays',
} as const;

export function gradingPeriodFilterConditions(filters: Record<string, FilterValue>): Condition[] {
  return Object.entries(filters).flatMap(([name, value]) => {
    const field = FIELDS[name as keyof typeof FIELDS];
    return field ? [eq(field, value)] : [];
  });
}
