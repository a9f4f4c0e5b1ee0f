// OneRoster wire values ↔ canonical values, both directions. The one place that knows the
// exclusive end date (+1 day), the ext: types and tobedeleted.
import { addDays } from '../../domain/calendar-date.ts';
import type { SessionStatus, SessionType } from '../../domain/session.ts';

/** Canonical types OneRoster names itself; the rest travel as `ext:<type>`. */
const CORE_TYPES = new Set<SessionType>(['schoolYear', 'semester', 'term', 'gradingPeriod']);
const EXT_TYPES = new Set<SessionType>(['quarter', 'trimester', 'summer', 'other']);

/** Marks a wire value that names no canonical value, so a filter on it matches nothing. */
const UNMAPPED = 'unmapped:';

export function wireType(type: SessionType): string {
  return CORE_TYPES.has(type) ? type : `ext:${type}`;
}

/** The canonical type of a wire type, or null when OneRoster's value has no canonical twin. */
export function canonicalType(wire: string): SessionType | null {
  if (CORE_TYPES.has(wire as SessionType)) return wire as SessionType;
  if (wire.startsWith('ext:') && EXT_TYPES.has(wire.slice(4) as SessionType)) return wire.slice(4) as SessionType;
  return null;
}

export const WIRE_TYPES = [...CORE_TYPES, ...[...EXT_TYPES].map((t) => `ext:${t}`)];

export function wireStatus(status: SessionStatus): 'active' | 'tobedeleted' {
  return status === 'deleted' ? 'tobedeleted' : 'active';
}

export function canonicalStatus(wire: string): SessionStatus | null {
  return wire === 'active' ? 'active' : wire === 'tobedeleted' ? 'deleted' : null;
}

/** A filter value with no canonical meaning: kept (so printing restores it) but never matching. */
export function unmapped(wire: string): string {
  return `${UNMAPPED}${wire}`;
}

export function unmappedWire(value: string): string | null {
  return value.startsWith(UNMAPPED) ? value.slice(UNMAPPED.length) : null;
}

/** OneRoster's endDate is the first day after the session; the canonical end date is its last day. */
export function wireEndDate(canonicalEnd: string): string {
  return addDays(canonicalEnd, 1);
}

export function canonicalEndDate(wireEnd: string): string {
  return addDays(wireEnd, -1);
}
