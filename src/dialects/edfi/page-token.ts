// Cursor tokens, opaque to clients: base64url of "from,to" over the store's insertion order
// (row_seq), the way ODS encodes its aggregate-id ranges. A partition's last page still carries
// a token, one past its end (from = to + 1, an empty range), as ODS's does: a client that
// follows Next-Page-Token reads one empty page and stops, never sending a token it lacks.
export const LAST_ROW = Number.MAX_SAFE_INTEGER;

export interface RowRange {
  from: number;
  to: number;
}

export function encodePageToken(range: RowRange): string {
  return Buffer.from(`${range.from},${range.to}`, 'utf8').toString('base64url');
}

export function decodePageToken(token: string): RowRange | null {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(token)) return null;
  const text = Buffer.from(token, 'base64url').toString('utf8');
  const m = /^(\d{1,16}),(\d{1,16})$/.exec(text);
  if (!m) return null;
  const from = Number(m[1]);
  const to = Number(m[2]);
  if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to) || from > to + 1) return null;
  return { from, to };
}
