// Some real systems route without regard to case (ASP.NET's routing, so Ed-Fi's ODS: `/data/v3/ed-fi/Sessions`
// and `/changeQueries/v1/AvailableChangeVersions` both answer). Fastify's router is case-sensitive
// for the whole server, so a dialect that needs this names its path segments and the server
// rewrites a request's URL to their spelling before routing. Other segments (ids) are kept.

export interface PathSpelling {
  /** Lower-cased path prefixes the dialect spells for, e.g. '/data/v3/'. */
  prefixes: string[];
  /** lower-case segment → the dialect's spelling. */
  segments: Map<string, string>;
}

export function pathSpelling(prefixes: string[], segments: Iterable<string>): PathSpelling {
  return { prefixes: prefixes.map((p) => p.toLowerCase()), segments: new Map([...segments].map((s) => [s.toLowerCase(), s])) };
}

/** The URL with its known segments spelled as the dialect spells them; undefined when it is not the dialect's or already spelled so. */
export function respell(url: string, spelling: PathSpelling): string | undefined {
  const q = url.indexOf('?');
  const path = q < 0 ? url : url.slice(0, q);
  const lower = path.toLowerCase();
  if (!spelling.prefixes.some((p) => lower === p.replace(/\/$/, '') || lower.startsWith(p))) return undefined;
  const spelled = path
    .split('/')
    .map((segment) => spelling.segments.get(segment.toLowerCase()) ?? segment)
    .join('/');
  return spelled === path ? undefined : spelled + (q < 0 ? '' : url.slice(q));
}
