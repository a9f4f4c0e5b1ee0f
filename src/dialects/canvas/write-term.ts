// Create and update through Canvas, inside the caller's transaction. A term written here is
// district-wide (no school, no school year, type term); its canonical days are the local
// calendar days of start_at/end_at, and the exact instants and overrides stay Canvas-only in
// properties.canvas so they round-trip. Domain rules are the store's; errors are Canvas's.
import { sessionInputOf, type SessionInput } from '../../domain/session.ts';
import { validateSession, type DomainViolation } from '../../domain/validation.ts';
import { hierarchyViolations } from '../../store/session-hierarchy.ts';
import { IdentifierInUseError, type SessionRepository, type SessionWithSeq } from '../../store/session-repository.ts';
import { attributeErrors, CanvasReply } from './errors.ts';
import { afterApiWrite, stuckFields } from './sis-stickiness.ts';
import { parseTermDates, withoutStuckFields, type TermBody, type TermDates } from './term-body.ts';
import { canvasPropertiesOf, isDefaultTerm, lastDayOf, type CanvasTermProperties, type StickyField } from './term-properties.ts';
import { formatCanvasTime } from './wire-time.ts';
import { localDayOf } from '../../domain/zoned-time.ts';

export interface TenantClock {
  tenantId: string;
  timeZone: string;
}

function sisInUse(value: string): CanvasReply {
  return attributeErrors({ sis_source_id: [`SIS ID "${value}" is already in use`] });
}

async function checkSisFree(repo: SessionRepository, tenantId: string, body: TermBody, selfId: string | null): Promise<void> {
  if (typeof body.sisId !== 'string') return;
  const holder = await repo.getByIdentifier(tenantId, 'sis', body.sisId);
  if (holder && holder.id !== selfId) throw sisInUse(body.sisId);
}

/** A name as Rails would assign it: strings as sent, numbers as their text. */
function nameOf(value: unknown): string | { problem: string } {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (value === null || value === undefined) return { problem: 'Name is required.' };
  return { problem: 'Name must be a string.' };
}

/** Domain violations in Canvas's attribute errors (begin/end order is Canvas's own `base` message). */
function toCanvasErrors(violations: DomainViolation[], extra: Record<string, string[]> = {}): Record<string, string[]> {
  const errors: Record<string, string[]> = { ...extra };
  const add = (attr: string, message: string) => {
    const list = (errors[attr] ??= []);
    if (!list.includes(message)) list.push(message);
  };
  for (const v of violations) {
    if (v.field === 'name') add('name', v.message);
    else if (v.field === 'beginDate') add('start_at', v.message);
    else if (v.field === 'endDate' && /before/.test(v.message) && !/parent/.test(v.message)) add('base', 'End dates cannot be before start dates');
    else if (v.field === 'endDate') add('end_at', v.message);
    else add('base', v.message);
  }
  return errors;
}

function firstDay(ms: number | null, timeZone: string): string | null {
  return ms === null ? null : localDayOf(ms, timeZone);
}

function lastDay(ms: number | null, timeZone: string, first: string | null): string | null {
  return ms === null ? null : lastDayOf(ms, timeZone, first);
}

function writtenFields(body: TermBody): StickyField[] {
  const out: StickyField[] = [];
  if ('name' in body) out.push('name');
  if ('startAt' in body) out.push('start_at');
  if ('endAt' in body) out.push('end_at');
  return out;
}

function mergedCanvasProperties(current: CanvasTermProperties, body: TermBody, dates: TermDates): CanvasTermProperties {
  const next: CanvasTermProperties = { ...current };
  if (dates.startAt !== undefined) next.startAt = dates.startAt === null ? null : formatCanvasTime(dates.startAt);
  if (dates.endAt !== undefined) next.endAt = dates.endAt === null ? null : formatCanvasTime(dates.endAt);
  if (dates.overrides.size > 0) {
    const overrides = { ...(current.overrides ?? {}) };
    // Canvas sets both dates of each override sent; a key left out becomes null.
    for (const [type, o] of dates.overrides) {
      const entry = { start_at: o.startAt === null ? null : formatCanvasTime(o.startAt), end_at: o.endAt === null ? null : formatCanvasTime(o.endAt) };
      if (entry.start_at === null && entry.end_at === null) delete overrides[type];
      else overrides[type] = entry;
    }
    next.overrides = overrides;
  }
  const sticky = afterApiWrite(current.stickyFields, writtenFields(body));
  if (sticky.length > 0) next.stickyFields = sticky;
  else delete next.stickyFields;
  return next;
}

export async function createTerm(repo: SessionRepository, clock: TenantClock, body: TermBody): Promise<SessionWithSeq> {
  await checkSisFree(repo, clock.tenantId, body, null);
  const dates = parseTermDates(body, clock.timeZone);
  const name = nameOf(body.name);
  const beginDate = firstDay(dates.startAt ?? null, clock.timeZone);
  const input: SessionInput = {
    schoolOrgId: null,
    schoolYear: null,
    name: typeof name === 'string' ? name : '',
    type: 'term',
    beginDate,
    endDate: lastDay(dates.endAt ?? null, clock.timeZone, beginDate),
    parentId: null,
    termDescriptor: null,
    gradingPeriodDescriptor: null,
    periodSequence: null,
    totalInstructionalDays: null,
    properties: { canvas: mergedCanvasProperties({}, body, dates) },
  };
  const violations = validateSession(input).filter((v) => typeof name === 'string' || v.field !== 'name');
  const errors = toCanvasErrors(violations, typeof name === 'string' ? {} : { name: [name.problem] });
  if (Object.keys(errors).length > 0) throw attributeErrors(errors);
  const created = await repo.insert(clock.tenantId, input);
  if (typeof body.sisId === 'string') await setSis(repo, clock.tenantId, created.id, body.sisId);
  return (await repo.get(clock.tenantId, created.id))!;
}

async function setSis(repo: SessionRepository, tenantId: string, id: string, value: string | null): Promise<void> {
  try {
    await repo.setIdentifiers(tenantId, id, { sis: value });
  } catch (e) {
    if (e instanceof IdentifierInUseError) throw sisInUse(e.value);
    // A concurrent writer took the same SIS id between our check and our insert.
    if (value !== null && (e as { code?: unknown }).code === '23505') throw sisInUse(value);
    throw e;
  }
}

export async function updateTerm(repo: SessionRepository, clock: TenantClock, session: SessionWithSeq, sent: TermBody): Promise<SessionWithSeq> {
  await checkSisFree(repo, clock.tenantId, sent, session.id);
  const current = canvasPropertiesOf(session);
  const body = withoutStuckFields(sent, stuckFields(current.stickyFields, sent.overrideSisStickiness));
  const dates = parseTermDates(body, clock.timeZone);

  const input = sessionInputOf(session);
  const extra: Record<string, string[]> = {};
  if ('name' in body) {
    const name = nameOf(body.name);
    if (typeof name !== 'string') extra.name = [name.problem];
    else if (isDefaultTerm(session) && name !== session.name) extra.name = ['Cannot change the default term name'];
    else input.name = name;
  }
  if (dates.startAt !== undefined) input.beginDate = firstDay(dates.startAt, clock.timeZone);
  if (dates.endAt !== undefined) input.endDate = lastDay(dates.endAt, clock.timeZone, input.beginDate);
  input.properties = { ...session.properties, canvas: mergedCanvasProperties(current, body, dates) };

  const violations: DomainViolation[] = [...validateSession(input), ...(await hierarchyViolations(repo, clock.tenantId, session.id, input))];
  // A school session's name is part of its Ed-Fi natural key: it must stay unique there.
  if (input.name !== session.name && session.schoolOrgId && session.schoolYear !== null && session.type !== 'gradingPeriod') {
    const clash = await repo.findByNaturalKey(clock.tenantId, session.schoolOrgId, session.schoolYear, input.name);
    if (clash && clash.id !== session.id)
      violations.push({ field: 'name', message: `Another session of this school and school year is already named "${input.name}".` });
  }
  const errors = toCanvasErrors(violations, extra);
  if (Object.keys(errors).length > 0) throw attributeErrors(errors);

  const updated = await repo.update(clock.tenantId, session.id, input);
  if (updated === null || updated === 'conflict') throw new Error(`term ${session.id} vanished during its update`);
  if (body.sisId !== undefined) await setSis(repo, clock.tenantId, session.id, body.sisId);
  return (await repo.get(clock.tenantId, session.id))!;
}
