// A tiny Canvas API client over app.inject for the tests: form or JSON bodies, JSON answers.
import type { FastifyInstance, InjectOptions } from 'fastify';
import qs from 'qs';

export interface CanvasResponse {
  status: number;
  headers: Record<string, unknown>;
  body: any;
}

export type Encoding = 'form' | 'json';

export function canvasClient(app: FastifyInstance, headers: Record<string, string>, account = 'self') {
  const base = `/api/v1/accounts/${account}/terms`;
  async function call(method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, body?: unknown, encoding: Encoding = 'json'): Promise<CanvasResponse> {
    const options: InjectOptions = { method, url, headers: { ...headers } };
    if (body !== undefined) {
      if (encoding === 'form') {
        options.headers = { ...options.headers, 'content-type': 'application/x-www-form-urlencoded' };
        options.payload = qs.stringify(body);
      } else options.payload = body as object;
    }
    const r = await app.inject(options);
    return { status: r.statusCode, headers: r.headers, body: r.body ? JSON.parse(r.body) : undefined };
  }
  return {
    base,
    list: (query = '') => call('GET', `${base}${query ? `?${query}` : ''}`),
    show: (id: string | number) => call('GET', `${base}/${id}`),
    create: (term: Record<string, unknown>, encoding: Encoding = 'json', extra: Record<string, unknown> = {}) =>
      call('POST', base, { enrollment_term: term, ...extra }, encoding),
    update: (id: string | number, term: Record<string, unknown>, encoding: Encoding = 'json', extra: Record<string, unknown> = {}) =>
      call('PUT', `${base}/${id}`, { enrollment_term: term, ...extra }, encoding),
    remove: (id: string | number) => call('DELETE', `${base}/${id}`),
    call,
  };
}

/** Canvas's attribute error body for one message. */
export function attributeError(attribute: string, message: string) {
  return { errors: { [attribute]: [{ attribute, type: message, message }] } };
}

/** `<url>; rel="x"` pairs, parsed as Canvas's own spec helper parses them. */
export function parseLinks(header: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of String(header ?? '').split(',')) {
    const m = /^<([^>]+)>; rel="([^"]+)"/.exec(part);
    if (!m) throw new Error(`unparsable Link entry: ${part}`);
    out[m[2]!] = m[1]!;
  }
  return out;
}
