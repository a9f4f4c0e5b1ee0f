// RFC 8288 Link header for a OneRoster page: first / prev / next / last, keeping every other
// query parameter the client sent.
export function pagingLinks(origin: string, url: string, offset: number, limit: number, total: number): string {
  const [path, search = ''] = url.split('?') as [string, string?];
  const link = (o: number, rel: string) => {
    const params = new URLSearchParams(search);
    params.set('limit', String(limit));
    params.set('offset', String(o));
    return `<${origin}${path}?${params.toString()}>; rel="${rel}"`;
  };
  const last = total === 0 ? 0 : Math.floor((total - 1) / limit) * limit;
  const out = [link(0, 'first')];
  if (offset > 0) out.push(link(Math.max(0, offset - limit), 'prev'));
  if (offset + limit < total) out.push(link(offset + limit, 'next'));
  out.push(link(last, 'last'));
  return out.join(', ');
}
