// ETags are the stored change version: `_etag` carries it bare, the ETag header quoted.
// Clients send it back quoted or not (ODS's own tests strip the quotes), so both match.

export function etagHeader(changeVersion: number): string {
  return `"${changeVersion}"`;
}

/** The change version an If-Match / If-None-Match value names, 'invalid' when it names none. */
export function parseEtag(header: string | string[] | undefined): number | 'invalid' | undefined {
  if (header === undefined) return undefined;
  const raw = (Array.isArray(header) ? header[0] : header) ?? '';
  const value = raw.trim().replace(/^W\//, '').replace(/^"(.*)"$/, '$1').trim();
  if (!/^\d{1,15}$/.test(value)) return 'invalid';
  return Number(value);
}
