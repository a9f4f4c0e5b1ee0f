// Domain rules every dialect's writes obey; only the error envelope differs per dialect.
import { shownValue } from './shown-value.ts';
import { isIsoDate, MAX_DATE, MIN_DATE, withinSqlRange } from './calendar-date.ts';
import { isSessionType, type SessionInput } from './session.ts';

export interface DomainViolation {
  /** Canonical field the problem is on. */
  field: 'name' | 'type' | 'beginDate' | 'endDate' | 'parentId' | 'schoolYear' | 'totalInstructionalDays' | 'periodSequence';
  message: string;
}

export const NAME_MAX = 60;

/** The session alone: names, types, dates. */
export function validateSession(input: SessionInput): DomainViolation[] {
  const out: DomainViolation[] = [];
  const name = input.name;
  if (typeof name !== 'string' || name.length === 0) out.push({ field: 'name', message: 'Name is required.' });
  else {
    if (name.length > NAME_MAX) out.push({ field: 'name', message: `Name must be at most ${NAME_MAX} characters in length.` });
    if (name.trim() !== name) out.push({ field: 'name', message: 'Name cannot contain leading or trailing spaces.' });
  }
  if (!isSessionType(input.type)) out.push({ field: 'type', message: `Type '${shownValue(input.type)}' is not a session type.` });
  for (const field of ['beginDate', 'endDate'] as const) {
    const v = input[field];
    if (v === null) continue;
    if (!isIsoDate(v)) out.push({ field, message: `${label(field)} '${shownValue(v)}' is not a valid date (YYYY-MM-DD).` });
    else if (!withinSqlRange(v))
      out.push({ field, message: `${label(field)} '${v}' must be within the range ${MIN_DATE} to ${MAX_DATE}.` });
  }
  if (isIsoDate(input.beginDate) && isIsoDate(input.endDate) && input.beginDate > input.endDate)
    out.push({ field: 'endDate', message: `End date ${input.endDate} is before begin date ${input.beginDate}.` });
  if (input.schoolYear !== null && (!Number.isInteger(input.schoolYear) || input.schoolYear < 1900 || input.schoolYear > 2100))
    out.push({ field: 'schoolYear', message: `School year ${String(input.schoolYear)} must be a year between 1900 and 2100.` });
  if (input.totalInstructionalDays !== null && (!Number.isInteger(input.totalInstructionalDays) || input.totalInstructionalDays < 0))
    out.push({ field: 'totalInstructionalDays', message: 'Total instructional days must be a whole number of 0 or more.' });
  if (input.periodSequence !== null && (!Number.isInteger(input.periodSequence) || input.periodSequence < 0))
    out.push({ field: 'periodSequence', message: 'Period sequence must be a whole number of 0 or more.' });
  return out;
}

/** A child (or grading period) must lie inside its parent's dates. */
export function validateWithinParent(
  child: Pick<SessionInput, 'beginDate' | 'endDate' | 'name'>,
  parent: { name: string; beginDate: string | null; endDate: string | null },
): DomainViolation[] {
  const out: DomainViolation[] = [];
  if (child.beginDate && parent.beginDate && child.beginDate < parent.beginDate)
    out.push({ field: 'beginDate', message: `Begin date ${child.beginDate} is before the begin date ${parent.beginDate} of its parent '${parent.name}'.` });
  if (child.endDate && parent.endDate && child.endDate > parent.endDate)
    out.push({ field: 'endDate', message: `End date ${child.endDate} is after the end date ${parent.endDate} of its parent '${parent.name}'.` });
  return out;
}

function label(field: 'beginDate' | 'endDate'): string {
  return field === 'beginDate' ? 'Begin date' : 'End date';
}
