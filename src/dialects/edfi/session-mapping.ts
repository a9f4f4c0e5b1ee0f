// Ed-Fi Session ↔ canonical session. Pure: ids, references, links and descriptors are
// translated here; looking references up is reference-resolution.ts's job.
import { sameContent } from '../../domain/session-contract.ts';
import { DEFAULT_TERM_DESCRIPTOR } from '../../domain/descriptor-catalog.ts';
import type { DomainViolation } from '../../domain/validation.ts';
import { isSessionType, SESSION_TYPES, sessionInputOf, type Session, type SessionInput } from '../../domain/session.ts';
import { eq, type Condition } from '../../query/ast.ts';
import type { FilterSpec } from './query-params.ts';
import { toEdfiId } from './resource-id.ts';
import { ordinal } from './document-reader.ts';
import { BodyReader, type ValidationErrors } from './wire-body.ts';

export interface Link {
  rel: string;
  href: string;
}

export interface GradingPeriodReference {
  gradingPeriodDescriptor: string;
  gradingPeriodName: string;
  schoolId: number;
  schoolYear: number;
}

/** A Session's academicWeeks item. termbridge serves no AcademicWeek resource, so the reference is kept as written (no link). */
export interface AcademicWeekReference {
  schoolId: number;
  weekIdentifier: string;
}

/** What a Session body says, before its references are resolved. */
export interface WireSession {
  sessionName: string;
  schoolId: number;
  schoolYear: number;
  beginDate: string;
  endDate: string;
  termDescriptor: string;
  totalInstructionalDays: number;
  gradingPeriods: GradingPeriodReference[];
  academicWeeks: AcademicWeekReference[];
}

/** Where Ed-Fi-only Session properties live in the canonical session's property bag. */
const EDFI_PROPERTIES = 'edfi';

export function academicWeeksOf(s: Pick<Session, 'properties'>): AcademicWeekReference[] {
  const weeks = (s.properties[EDFI_PROPERTIES] as { academicWeeks?: unknown } | undefined)?.academicWeeks;
  return Array.isArray(weeks) ? (weeks as AcademicWeekReference[]) : [];
}

/** Ids the links point at: the school years' row ids by year. */
export interface LinkTargets {
  schoolYearIds: Map<number, string>;
}

export function link(rel: string, resource: string, id: string | undefined): { link?: Link } {
  return id ? { link: { rel, href: `/ed-fi/${resource}/${toEdfiId(id)}` } } : {};
}

export function schoolReference(s: Pick<Session, 'schoolId' | 'schoolOrgId'>) {
  return { schoolId: s.schoolId!, ...link('School', 'schools', s.schoolOrgId ?? undefined) };
}

export function schoolYearTypeReference(schoolYear: number, targets: LinkTargets) {
  return { schoolYear, ...link('SchoolYearType', 'schoolYearTypes', targets.schoolYearIds.get(schoolYear)) };
}

/** The term descriptor Ed-Fi shows: the stored one, else the default for the session's type. */
export function termDescriptorOf(s: Pick<Session, 'termDescriptor' | 'type'>): string {
  return s.termDescriptor ?? DEFAULT_TERM_DESCRIPTOR[s.type];
}

/** What a session's gradingPeriodReference needs of a linked grading period. */
export type LinkedGradingPeriod = Pick<Session, 'id' | 'gradingPeriodDescriptor' | 'name' | 'schoolId' | 'schoolYear'>;

export function sessionToWire(s: Session, gradingPeriods: LinkedGradingPeriod[], targets: LinkTargets) {
  return {
    id: toEdfiId(s.id),
    schoolReference: schoolReference(s),
    schoolYearTypeReference: schoolYearTypeReference(s.schoolYear!, targets),
    sessionName: s.name,
    beginDate: s.beginDate!,
    endDate: s.endDate!,
    termDescriptor: termDescriptorOf(s),
    ...(s.totalInstructionalDays === null ? {} : { totalInstructionalDays: s.totalInstructionalDays }),
    academicWeeks: academicWeeksOf(s).map((w) => ({ academicWeekReference: { schoolId: w.schoolId, weekIdentifier: w.weekIdentifier } })),
    gradingPeriods: gradingPeriods.map((gp) => ({
      gradingPeriodReference: {
        gradingPeriodDescriptor: gp.gradingPeriodDescriptor!,
        gradingPeriodName: gp.name,
        schoolId: gp.schoolId!,
        schoolYear: gp.schoolYear!,
        ...link('GradingPeriod', 'gradingPeriods', gp.id),
      },
    })),
    _etag: String(s.changeVersion),
    _lastModifiedDate: s.updatedAt,
  };
}

/** Reads a Session body; property errors are collected, not thrown. */
export function parseSessionBody(body: Record<string, unknown>): { ok: true; value: WireSession } | { ok: false; errors: ValidationErrors } {
  const r = new BodyReader(body);
  const sessionName = r.string('sessionName', 60, { identity: true });
  const schoolId = r.object('schoolReference')?.integer('schoolId', { min: 0 }) ?? null;
  const schoolYear = r.object('schoolYearTypeReference')?.integer('schoolYear', { min: 1900, max: 2100 }) ?? null;
  const beginDate = r.date('beginDate');
  const endDate = r.date('endDate');
  const termDescriptor = r.descriptor('termDescriptor');
  const totalInstructionalDays = r.integer('totalInstructionalDays', { min: 0, max: 2_147_483_647 });
  const gradingPeriods: GradingPeriodReference[] = [];
  for (const item of r.items('gradingPeriods')) {
    const ref = item.object('gradingPeriodReference');
    if (!ref) continue;
    const gradingPeriodDescriptor = ref.descriptor('gradingPeriodDescriptor');
    const gradingPeriodName = ref.string('gradingPeriodName', 60, { identity: true });
    const gpSchoolId = ref.integer('schoolId', { min: 0 });
    const gpSchoolYear = ref.integer('schoolYear', { min: 1900, max: 2100 });
    if (gradingPeriodDescriptor !== null && gradingPeriodName !== null && gpSchoolId !== null && gpSchoolYear !== null)
      gradingPeriods.push({ gradingPeriodDescriptor, gradingPeriodName, schoolId: gpSchoolId, schoolYear: gpSchoolYear });
  }
  const academicWeeks: AcademicWeekReference[] = [];
  for (const item of r.items('academicWeeks')) {
    const ref = item.object('academicWeekReference');
    if (!ref) continue;
    const weekSchoolId = ref.integer('schoolId', { min: 0 });
    const weekIdentifier = ref.string('weekIdentifier', 80, { identity: true, min: 5 });
    if (weekSchoolId !== null && weekIdentifier !== null) academicWeeks.push({ schoolId: weekSchoolId, weekIdentifier });
  }
  // Key unification: a SessionGradingPeriod's schoolId/schoolYear and a SessionAcademicWeek's
  // schoolId are the session's own.
  const unified: [string, number | null, number[], string][] = [
    ['schoolId', schoolId, gradingPeriods.map((g) => g.schoolId), '$.gradingPeriods'],
    ['schoolYear', schoolYear, gradingPeriods.map((g) => g.schoolYear), '$.gradingPeriods'],
    ['schoolId', schoolId, academicWeeks.map((w) => w.schoolId), '$.academicWeeks'],
  ];
  for (const [prop, value, given, path] of unified)
    if (value !== null && given.some((v) => v !== value))
      r.add(path, `All values supplied for '${prop}' must match. Review all references (including those higher up in the resource's data) and align the following conflicting values: ${[...new Set([value, ...given])].join(', ')}`);
  duplicates(r, '$.gradingPeriods', 'GradingPeriods', gradingPeriods.map((g) => [g.gradingPeriodDescriptor.toLowerCase(), g.gradingPeriodName, g.schoolId, g.schoolYear]));
  duplicates(r, '$.academicWeeks', 'AcademicWeeks', academicWeeks.map((w) => [w.schoolId, w.weekIdentifier]));
  if (!r.ok) return { ok: false, errors: r.errors };
  return {
    ok: true,
    value: {
      sessionName: sessionName!,
      schoolId: schoolId!,
      schoolYear: schoolYear!,
      beginDate: beginDate!,
      endDate: endDate!,
      termDescriptor: termDescriptor!,
      totalInstructionalDays: totalInstructionalDays!,
      gradingPeriods,
      academicWeeks,
    },
  };
}

/** ODS refuses a collection holding two items with the same identity. */
function duplicates(r: BodyReader, path: string, label: string, identities: unknown[][]): void {
  const seen = new Set<string>();
  identities.forEach((identity, i) => {
    const key = JSON.stringify(identity);
    if (seen.has(key)) r.add(path, `The ${ordinal(i + 1)} item of the ${label} collection is a duplicate.`);
    seen.add(key);
  });
}

const SESSION_PATHS: Record<DomainViolation['field'], string> = {
  name: '$.sessionName',
  type: '$.termDescriptor',
  beginDate: '$.beginDate',
  endDate: '$.endDate',
  parentId: '$.beginDate',
  schoolYear: '$.schoolYearTypeReference.schoolYear',
  totalInstructionalDays: '$.totalInstructionalDays',
  periodSequence: '$.periodSequence',
};

/** Domain violations as Ed-Fi validation errors on the wire property they concern. */
export function violationsToErrors(violations: DomainViolation[], paths: Partial<Record<DomainViolation['field'], string>> = {}): ValidationErrors {
  const out: ValidationErrors = {};
  for (const v of violations) (out[paths[v.field] ?? SESSION_PATHS[v.field]] ??= []).push(v.message);
  return out;
}

/** Ed-Fi filter name → canonical field. */
export const SESSION_FILTER_FIELDS = {
  sessionName: 'name',
  schoolId: 'schoolId',
  schoolYear: 'schoolYear',
  beginDate: 'beginDate',
  endDate: 'endDate',
  id: 'id',
  totalInstructionalDays: 'totalInstructionalDays',
} as const;

/** The filters of a GET many as AST conditions over canonical fields. */
export function sessionFilterConditions(filters: Record<string, string | number | boolean>): Condition[] {
  const out: Condition[] = [];
  for (const [name, value] of Object.entries(filters)) {
    if (name === 'termDescriptor') out.push(termDescriptorCondition(String(value)));
    else {
      const field = SESSION_FILTER_FIELDS[name as keyof typeof SESSION_FILTER_FIELDS];
      if (field) out.push(eq(field, value));
    }
  }
  return out;
}

/** Matches what Ed-Fi shows: the stored descriptor, or the type's default when none is stored. */
export function termDescriptorCondition(uri: string): Condition {
  const types = SESSION_TYPES.filter((t) => DEFAULT_TERM_DESCRIPTOR[t] === uri);
  const stored = eq('termDescriptor', uri);
  if (types.length === 0) return stored;
  return { op: 'or', args: [stored, { op: 'and', args: [{ field: 'termDescriptor', op: 'isNull' }, { field: 'type', op: 'in', values: types }] }] };
}

export const SESSION_FILTERS: FilterSpec = {
  sessionName: 'string',
  schoolId: 'int',
  schoolYear: 'int',
  termDescriptor: 'string',
  beginDate: 'date',
  endDate: 'date',
  id: 'id',
  totalInstructionalDays: 'int',
};


/**
 * The canonical session an Ed-Fi Session body describes. The type comes from the term
 * descriptor's session_type (data, extendable per state); a descriptor without one keeps the
 * stored type. Fields Ed-Fi does not carry (parent, identifiers, other dialects' properties) stay
 * as stored; the academic weeks are kept in properties.edfi.
 */
export function sessionInputFromWire(
  w: WireSession,
  resolved: { schoolOrgId: string; termDescriptor: string; descriptorType: string | null },
  existing: Session | null,
): SessionInput {
  const mapped = isSessionType(resolved.descriptorType) && resolved.descriptorType !== 'gradingPeriod' ? resolved.descriptorType : null;
  const before: Pick<SessionInput, 'parentId' | 'gradingPeriodDescriptor' | 'periodSequence' | 'properties'> = existing
    ? sessionInputOf(existing)
    : { parentId: null, gradingPeriodDescriptor: null, periodSequence: null };
  const properties = { ...(before.properties ?? {}) };
  if (w.academicWeeks.length > 0) properties[EDFI_PROPERTIES] = { academicWeeks: w.academicWeeks };
  else delete properties[EDFI_PROPERTIES];
  return {
    ...before,
    properties,
    schoolOrgId: resolved.schoolOrgId,
    schoolYear: w.schoolYear,
    name: w.sessionName,
    type: mapped ?? (existing && existing.type !== 'gradingPeriod' ? existing.type : 'other'),
    beginDate: w.beginDate,
    endDate: w.endDate,
    termDescriptor: resolved.termDescriptor,
    totalInstructionalDays: w.totalInstructionalDays,
  };
}

/** True when writing `input` (and these grading period links) would change nothing Ed-Fi sees. */
export function unchanged(existing: Session, input: SessionInput, linkedBefore: string[], linkedAfter: string[]): boolean {
  const same = (a: string[], b: string[]) => a.length === b.length && [...a].sort().join() === [...b].sort().join();
  // The input carries what Ed-Fi does not see as stored, so the contract's one no-op check decides.
  return sameContent(existing, input) && same(linkedBefore, linkedAfter);
}
