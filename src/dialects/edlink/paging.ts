// Edlink paging: $first/$last (1–10000), $after/$before (a session uuid), and the opaque $cursor
// that $next carries. A cursor remembers the filter, the page size, the direction, the fields
// and the position (the last row's insertion order), and stops working two hours after issue.
import { EdlinkError } from './errors.ts';

export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 10_000;
export const CURSOR_LIFETIME_MS = 2 * 60 * 60 * 1000;

export interface CursorState {
  /** Which list it pages: `sessions`, `school:<uuid>`, `district:<uuid>`. */
  list: string;
  tenantId: string;
  filter: string | null;
  fields: string | null;
  direction: 'forward' | 'backward';
  size: number;
  /** rowSeq of the last row served; the next page starts after (forward) or before it. */
  position: number;
  expiresAt: number;
}

export function pageSize(name: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const n = /^\d{1,6}$/.test(raw.trim()) ? Number(raw.trim()) : NaN;
  if (!(n >= 1 && n <= MAX_PAGE_SIZE))
    throw new EdlinkError('INVALID_PAGE_SIZE', `${name} must be a whole number from 1 to ${MAX_PAGE_SIZE}; got ${JSON.stringify(raw)}.`, 400);
  return n;
}

export function encodeCursor(state: CursorState): string {
  const packed = [1, state.list, state.tenantId, state.filter, state.fields, state.direction === 'forward' ? 'f' : 'b', state.size, state.position, state.expiresAt];
  return Buffer.from(JSON.stringify(packed), 'utf8').toString('base64url');
}

export function decodeCursor(raw: string, now: Date): CursorState {
  const bad = (why: string) => new EdlinkError('INVALID_CURSOR', `The $cursor is not valid: ${why}. Start again without $cursor to get a fresh $next link.`, 400);
  let packed: unknown;
  try {
    if (!/^[A-Za-z0-9_-]+$/.test(raw)) throw new Error('not base64url');
    packed = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  } catch {
    throw bad('it was not issued by this server');
  }
  if (!Array.isArray(packed) || packed.length !== 9 || packed[0] !== 1) throw bad('it was not issued by this server');
  const [, list, tenantId, filter, fields, direction, size, position, expiresAt] = packed as unknown[];
  if (
    typeof list !== 'string' ||
    typeof tenantId !== 'string' ||
    !(filter === null || typeof filter === 'string') ||
    !(fields === null || typeof fields === 'string') ||
    (direction !== 'f' && direction !== 'b') ||
    !Number.isInteger(size) ||
    (size as number) < 1 ||
    (size as number) > MAX_PAGE_SIZE ||
    !Number.isSafeInteger(position) ||
    typeof expiresAt !== 'number'
  )
    throw bad('it was not issued by this server');
  if (now.getTime() > expiresAt) throw bad(`it expired at ${new Date(expiresAt).toISOString()} (cursors last 2 hours)`);
  return { list, tenantId, filter, fields, direction: direction === 'f' ? 'forward' : 'backward', size: size as number, position: position as number, expiresAt };
}
