// Edlink paging: $first/$last (1–10000), $after/$before (a session uuid), and the opaque $cursor
// that $next carries. A cursor remembers the filter, the page size, the direction, the fields
// and the position (the last row's insertion order), and stops working two hours after issue.
// It is signed (HMAC-SHA256 with the server's cursor key, cursor-key.ts): a client can read it
// but not edit its expiry, page size, list or position.
import { createHmac, timingSafeEqual } from 'node:crypto';
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

const VERSION = 2;

function signature(payload: string, key: Buffer): Buffer {
  return createHmac('sha256', key).update(payload).digest();
}

/** `<base64url JSON>.<base64url HMAC of it>`. */
export function encodeCursor(state: CursorState, key: Buffer): string {
  const packed = [VERSION, state.list, state.tenantId, state.filter, state.fields, state.direction === 'forward' ? 'f' : 'b', state.size, state.position, state.expiresAt];
  const payload = Buffer.from(JSON.stringify(packed), 'utf8').toString('base64url');
  return `${payload}.${signature(payload, key).toString('base64url')}`;
}

export function decodeCursor(raw: string, now: Date, key: Buffer): CursorState {
  const bad = (why: string) => new EdlinkError('INVALID_CURSOR', `The $cursor is not valid: ${why}. Start again without $cursor to get a fresh $next link.`, 400);
  const notOurs = () => bad('it was not issued by this server, or it was changed');
  const match = /^([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]{43})$/.exec(raw);
  if (!match) throw notOurs();
  const [, payload, mac] = match as unknown as [string, string, string];
  const given = Buffer.from(mac, 'base64url');
  const expected = signature(payload, key);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw notOurs();
  let packed: unknown;
  try {
    packed = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    throw notOurs();
  }
  if (!Array.isArray(packed) || packed.length !== 9 || packed[0] !== VERSION) throw notOurs();
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
    throw notOurs();
  if (now.getTime() > expiresAt) throw bad(`it expired at ${new Date(expiresAt).toISOString()} (cursors last 2 hours)`);
  return { list, tenantId, filter, fields, direction: direction === 'f' ? 'forward' : 'backward', size: size as number, position: position as number, expiresAt };
}
