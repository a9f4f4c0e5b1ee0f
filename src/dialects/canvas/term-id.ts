// How a term is named in a URL: its integer id, `sis_term_id:<id>` (Canvas), `sis:<id>`
// (termbridge's short form), `hex:sis_term_id:<hex>`, `default` (the Default Term) or `current`.

export type TermRef =
  | { kind: 'canvasId'; id: number }
  | { kind: 'sis'; value: string }
  | { kind: 'default' }
  /** The one active term running now (none, or several: not found). */
  | { kind: 'current' }
  | { kind: 'none' };

export function parseTermRef(raw: string): TermRef {
  if (/^\d{1,15}$/.test(raw)) return { kind: 'canvasId', id: Number(raw) };
  if (raw === 'default') return { kind: 'default' };
  if (raw === 'current') return { kind: 'current' };
  for (const prefix of ['sis_term_id:', 'sis:']) if (raw.startsWith(prefix) && raw.length > prefix.length) return { kind: 'sis', value: raw.slice(prefix.length) };
  const hex = 'hex:sis_term_id:';
  if (raw.startsWith(hex)) {
    const digits = raw.slice(hex.length);
    if (digits.length > 0 && digits.length % 2 === 0 && /^[0-9a-f]+$/i.test(digits)) {
      const value = Buffer.from(digits, 'hex').toString('utf8');
      if (value.length > 0) return { kind: 'sis', value };
    }
  }
  return { kind: 'none' };
}
