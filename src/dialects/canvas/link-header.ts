// The `Link` header Canvas pages with (Api.build_links): absolute URLs carrying the request's
// query parameters (except page, per_page and credentials) in Rails `to_query` form, then
// `page=N&per_page=M`; rels in the order current, next, prev, first, last; joined by `,`.

const EXCLUDED = new Set(['page', 'per_page', 'access_token', 'api_key']);
const MAX_LINK_BYTES = 6 * 1024;

/** Ruby's CGI.escape: everything but `a-zA-Z0-9_.-~` percent-encoded, spaces as `+`. */
export function cgiEscape(value: string): string {
  return Array.from(new TextEncoder().encode(value))
    .map((b) => {
      const c = String.fromCharCode(b);
      if (/[a-zA-Z0-9_.\-~]/.test(c)) return c;
      if (c === ' ') return '+';
      return `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
    })
    .join('');
}

/** Rails' Object#to_query / Array#to_query / Hash#to_query over a parsed query string. */
export function railsToQuery(value: unknown, key?: string): string {
  if (Array.isArray(value)) {
    const prefix = `${key ?? ''}[]`;
    if (value.length === 0) return `${cgiEscape(prefix)}=`;
    return value.map((v) => railsToQuery(v, prefix)).join('&');
  }
  if (typeof value === 'object' && value !== null) {
    const parts = Object.entries(value as Record<string, unknown>).map(([k, v]) => railsToQuery(v, key === undefined ? k : `${key}[${k}]`));
    if (!(key ?? '').includes('[]')) parts.sort();
    return parts.join('&');
  }
  return `${cgiEscape(key ?? '')}=${cgiEscape(value === null || value === undefined ? '' : String(value))}`;
}

export interface PageLinks {
  current: number;
  next?: number | undefined;
  prev?: number | undefined;
  first: number;
  last?: number | undefined;
}

export function pageLinks(page: number, perPage: number, total: number): PageLinks {
  const lastPage = Math.max(1, Math.ceil(total / perPage));
  return {
    current: page,
    next: page < lastPage ? page + 1 : undefined,
    prev: page > 1 ? page - 1 : undefined,
    first: 1,
    last: lastPage,
  };
}

/** The header value; links are dropped (first, current, prev, last, next last) to stay under 6 KB. */
export function linkHeader(baseUrl: string, query: Record<string, unknown>, perPage: number, links: PageLinks): string {
  const kept = Object.fromEntries(Object.entries(query).filter(([k]) => !EXCLUDED.has(k)));
  let base = `${baseUrl}${baseUrl.includes('?') ? '&' : '?'}`;
  if (Object.keys(kept).length > 0) base += `${railsToQuery(kept)}&`;
  const order = ['current', 'next', 'prev', 'first', 'last'] as const;
  const present = order.filter((rel) => links[rel] !== undefined);
  const render = (rels: readonly (typeof order)[number][]) =>
    rels.map((rel) => `<${base}page=${links[rel]}&per_page=${perPage}>; rel="${rel}"`).join(',');
  const dropOrder = ['first', 'current', 'prev', 'last', 'next'] as const;
  let rels = present;
  for (const drop of dropOrder) {
    if (Buffer.byteLength(render(rels)) <= MAX_LINK_BYTES) break;
    rels = rels.filter((r) => r !== drop);
  }
  return render(rels);
}
