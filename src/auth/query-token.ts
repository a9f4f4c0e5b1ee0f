// Canvas takes the access token as an `access_token` query parameter too — the first way its API
// docs show, and all one well-used Canvas client sends. A dialect that accepts it says so
// (DialectDefinition.queryTokenParameter); the auth hook reads it only when no bearer header is
// usable, as Canvas does. A token in a URL must not leak further: logs get the URL redacted here,
// and Canvas's Link header leaves the parameter out (link-header.ts).

export const ACCESS_TOKEN_PARAMETER = 'access_token';

/** The parameter's single non-empty value; undefined when absent, repeated or empty. */
export function queryToken(query: unknown, parameter: string): string | undefined {
  const value = (query as Record<string, unknown> | undefined)?.[parameter];
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

function decodedName(pair: string): string {
  const name = pair.split('=', 1)[0]!.replace(/\+/g, ' ');
  try {
    return decodeURIComponent(name);
  } catch {
    return name;
  }
}

/** The URL for a log line: any access_token value (however its name is escaped) replaced. */
export function redactAccessToken(url: string): string {
  const q = url.indexOf('?');
  if (q < 0 || !/access|%/i.test(url.slice(q))) return url;
  const pairs = url.slice(q + 1).split('&');
  return `${url.slice(0, q + 1)}${pairs.map((p) => (decodedName(p).startsWith(ACCESS_TOKEN_PARAMETER) ? `${ACCESS_TOKEN_PARAMETER}=[redacted]` : p)).join('&')}`;
}
