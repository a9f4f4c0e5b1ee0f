// Generated hostile requests for the edge fuzz test (issue 17): NUL bytes, lone surrogates,
// overlong and badly percent-encoded paths, deep nesting, huge numbers and prototype keys, sent
// to every dialect's JSON bodies, query strings, path parameters and the token endpoint.
import fc from 'fast-check';

export interface FuzzRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  url: string;
  headers: Record<string, string>;
  payload?: string;
}

/** Where the generated requests go: the tenant's ids so some requests reach real rows. */
export interface FuzzTargets {
  schoolId: number;
  accountId: string;
}

const NASTY = [
  '\u0000',
  'a\u0000b',
  '\ud800',
  'x\udfffy',
  '__proto__',
  'constructor',
  'prototype',
  'x'.repeat(3000),
  '',
  ' ',
  '1e309',
  '-0',
  '9'.repeat(40),
  'null',
  '[]',
  '{}',
  "'; DROP TABLE sessions;--",
  '%00',
  '%',
  '%E0%A4%A',
  '%C0%AF',
  '\\',
  '"',
  '2025-13-45',
  '0000-00-00',
  'NaN',
  '\u202e\ufeff',
  '😀',
];

export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...NASTY) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 30 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme-ascii', maxLength: 30 }) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...NASTY), fc.string({ maxLength: 8 })).map(([a, b]) => a + b) },
);

const hostileScalar: fc.Arbitrary<unknown> = fc.oneof(
  hostileString,
  fc.integer(),
  fc.constantFrom(1e308, -1e308, Number.MAX_SAFE_INTEGER + 2, 0.1, -1, 2 ** 31, 99999999999999999999),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.boolean(),
  fc.constant(null),
);

const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: hostileScalar },
  { weight: 1, arbitrary: fc.array(hostileScalar, { maxLength: 3 }) },
  { weight: 1, arbitrary: fc.dictionary(hostileString, hostileScalar, { maxKeys: 3 }) },
);

/** JSON text of `template` with one part made hostile, or a hostile text outright. */
function mutatedJson(template: Record<string, unknown>): fc.Arbitrary<string> {
  const paths = leafPaths(template);
  return fc.oneof(
    { weight: 5, arbitrary: fc.tuple(fc.constantFrom(...paths), hostileValue).map(([path, v]) => JSON.stringify(setAt(template, path, v))) },
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...paths), hostileString, hostileValue).map(([path, k, v]) => JSON.stringify(setAt(template, [...path.slice(0, -1), k], v))) },
    // Prototype keys as literal members (JSON.stringify would drop an own __proto__).
    {
      weight: 1,
      arbitrary: fc.constantFrom('__proto__', 'constructor', 'prototype').map((k) => JSON.stringify(template).replace(/^\{/, `{"${k}":{"prototype":{"polluted":true},"polluted":true},`)),
    },
    { weight: 1, arbitrary: fc.integer({ min: 20, max: 100_000 }).map((n) => `${'['.repeat(n)}${']'.repeat(n % 3 === 0 ? n : 0)}`) },
    { weight: 1, arbitrary: fc.integer({ min: 20, max: 3000 }).map((n) => JSON.stringify(template).replace(/\}$/, `,"deep":${'{"a":'.repeat(n)}1${'}'.repeat(n)}}`)) },
    { weight: 1, arbitrary: fc.integer({ min: 1, max: 30 }).map((cut) => JSON.stringify(template).slice(0, -cut)) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 60 }) },
    { weight: 1, arbitrary: fc.constantFrom('', 'null', '[]', '"x"', '1e999999', '{"a":1,"a":2}', '{"a":"\\u0000"}', '{"a":"\\ud800"}') },
  );
}

function leafPaths(v: unknown, at: string[] = []): string[][] {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return [at];
  return Object.entries(v as Record<string, unknown>).flatMap(([k, child]) => leafPaths(child, [...at, k]));
}

function setAt(v: Record<string, unknown>, path: string[], value: unknown): Record<string, unknown> {
  const copy = structuredClone(v);
  let node: Record<string, unknown> = copy;
  for (const k of path.slice(0, -1)) {
    if (node[k] === null || typeof node[k] !== 'object') node[k] = {};
    node = node[k] as Record<string, unknown>;
  }
  Object.defineProperty(node, path.at(-1) ?? 'x', { value, enumerable: true, writable: true, configurable: true });
  return copy;
}

/** Lone surrogates have no UTF-8 form, so a URL cannot carry them: U+FFFD instead (JSON bodies carry them as escapes). */
function wellFormed(s: string): string {
  return s.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
}

const enc = (s: string) => encodeURIComponent(wellFormed(s));

/** Percent-encodes what a URL cannot carry raw, leaving `%` sequences (valid or not) as they are. */
function urlSafe(s: string): string {
  return [...s].map((c) => (/^[\x21-\x7e]$/.test(c) && c !== '#' && c !== '?' ? c : encodeURIComponent(wellFormed(c)))).join('');
}

const segment: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: hostileString.map((s) => enc(s)) },
  { weight: 2, arbitrary: hostileString.map((s) => urlSafe(s).replace(/\//g, '%2F') || 'x') },
  { weight: 1, arbitrary: fc.constantFrom('%E0%A4%A', '%C0%AF', '%', '%%', '%ff', '%00', '%ED%A0%80', 'x'.repeat(150), '..', '.') },
  { weight: 1, arbitrary: fc.integer({ min: -1, max: 2 ** 53 }).map(String) },
);

export function jsonBodyRequests(t: FuzzTargets): fc.Arbitrary<FuzzRequest> {
  const P = '/ims/oneroster/rostering/v1p2';
  const routes: [FuzzRequest['method'], string, Record<string, unknown>][] = [
    ['POST', '/data/v3/ed-fi/sessions', { schoolReference: { schoolId: t.schoolId }, schoolYearTypeReference: { schoolYear: 2026 }, sessionName: 'Fuzz', beginDate: '2025-08-13', endDate: '2025-12-19', termDescriptor: 'uri://ed-fi.org/TermDescriptor#Fall Semester', totalInstructionalDays: 80 }],
    ['POST', '/data/v3/ed-fi/schoolYearTypes', { schoolYear: 2040, schoolYearDescription: '2039-2040', currentSchoolYear: false }],
    ['POST', '/data/v3/ed-fi/termDescriptors', { codeValue: 'Fuzz', shortDescription: 'Fuzz', namespace: 'uri://ed-fi.org/TermDescriptor' }],
    ['PUT', `${P}/academicSessions/fuzz1`, { academicSession: { sourcedId: 'fuzz1', title: 'Fuzz', type: 'term', startDate: '2025-08-01', endDate: '2025-12-01', schoolYear: '2026', org: { sourcedId: 'x' }, metadata: { a: 1 } } }],
    ['POST', `${P}/academicSessions`, { academicSession: { sourcedId: 'fuzz2', title: 'Fuzz', type: 'term', startDate: '2025-08-01', endDate: '2025-12-01', schoolYear: '2026' } }],
    ['POST', `/api/v1/accounts/${t.accountId}/terms`, { enrollment_term: { name: 'Fuzz', start_at: '2025-08-01T00:00:00Z', end_at: '2025-12-01T00:00:00Z', sis_term_id: 'F1' } }],
    ['PUT', `/api/v1/accounts/${t.accountId}/terms/sis_term_id:F1`, { enrollment_term: { name: 'Fuzz', overrides: { StudentEnrollment: { start_at: '2025-08-01T00:00:00Z' } } } }],
    ['PUT', '/sis/v1/terms/fuzz1', { termId: 'fuzz1', calendarId: 'c1', name: 'Fuzz', startDate: '2025-08-01', endDate: '2025-12-01', termType: 'S1' }],
    ['PUT', '/sis/v1/schools/1', { schoolId: 1, name: 'Fuzz' }],
    ['POST', '/oauth/token', { grant_type: 'client_credentials', client_id: 'nobody', client_secret: 'x' }],
  ];
  return fc
    .constantFrom(...routes)
    .chain(([method, url, template]) =>
      fc.tuple(fc.constant(method), fc.constant(url), mutatedJson(template), fc.constantFrom('application/json', 'application/json', 'application/json; charset=utf-8', 'text/plain', 'application/x-www-form-urlencoded')),
    )
    .map(([method, url, payload, type]) => ({ method, url, headers: { 'content-type': type }, payload }));
}

export function queryRequests(t: FuzzTargets): fc.Arbitrary<FuzzRequest> {
  const lists: [string, string[]][] = [
    ['/data/v3/ed-fi/sessions', ['offset', 'limit', 'totalCount', 'schoolId', 'schoolYear', 'sessionName', 'beginDate', 'minChangeVersion', 'maxChangeVersion', 'pageToken', 'pageSize', 'termDescriptor', 'id']],
    ['/data/v3/ed-fi/schools', ['offset', 'limit', 'schoolId', 'nameOfInstitution']],
    ['/data/v3/ed-fi/sessions/deletes', ['minChangeVersion', 'maxChangeVersion', 'offset', 'limit']],
    ['/ims/oneroster/rostering/v1p2/academicSessions', ['filter', 'sort', 'orderBy', 'fields', 'limit', 'offset']],
    ['/ims/oneroster/rostering/v1p2/terms', ['filter', 'sort', 'fields', 'limit', 'offset']],
    [`/api/v1/accounts/${t.accountId}/terms`, ['workflow_state[]', 'workflow_state', 'term_name', 'per_page', 'page', 'include[]', 'state[]']],
    ['/api/v2/graph/sessions', ['$filter', '$first', '$last', '$cursor', '$properties', '$fields', '$expand']],
    ['/sis/v1/sync/errors', ['limit', 'status', 'cursor']],
  ];
  const filterLike = fc.oneof(
    hostileString,
    fc.tuple(fc.constantFrom('title', 'dateLastModified', 'status', 'schoolYear', '__proto__'), fc.constantFrom('=', '!=', '>', '>=', '~', ' AND ', "='"), hostileString).map(([f, op, v]) => `${f}${op}'${v}'`),
    hostileString.map((v) => JSON.stringify({ start_date: { gte: v } })),
    fc.constantFrom("title='a' AND", "title='a' OR title='b' AND status='active'", "dateLastModified>'2025-01-01T00:00:00Z'", '{"name":{"equals":"x"}}', '{"$or":[]}'),
  );
  return fc
    .constantFrom(...lists)
    .chain(([url, names]) =>
      fc.tuple(
        fc.constant(url),
        fc.array(fc.tuple(fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...names) }, { weight: 1, arbitrary: hostileString }), filterLike, fc.boolean()), { minLength: 1, maxLength: 4 }),
      ),
    )
    .map(([url, params]) => ({
      method: 'GET' as const,
      url: `${url}?${params.map(([n, v, raw]) => `${urlSafe(n).replace(/[&=]/g, encodeURIComponent)}=${raw ? urlSafe(v) : enc(v)}`).join('&')}`,
      headers: {},
    }));
}

export function pathRequests(t: FuzzTargets): fc.Arbitrary<FuzzRequest> {
  const items: [FuzzRequest['method'][], (s: string) => string][] = [
    [['GET', 'DELETE'], (s) => `/data/v3/ed-fi/sessions/${s}`],
    [['GET'], (s) => `/data/v3/ed-fi/schools/${s}`],
    [['GET'], (s) => `/data/v3/ed-fi/${s}`],
    [['GET', 'DELETE'], (s) => `/data/v3/ed-fi/termDescriptors/${s}`],
    [['GET', 'DELETE'], (s) => `/ims/oneroster/rostering/v1p2/academicSessions/${s}`],
    [['GET'], (s) => `/ims/oneroster/rostering/v1p2/terms/${s}/gradingPeriods`],
    [['GET'], (s) => `/ims/oneroster/rostering/v1p2/schools/${s}/terms`],
    [['GET', 'DELETE'], (s) => `/api/v1/accounts/${t.accountId}/terms/${s}`],
    [['GET'], (s) => `/api/v1/accounts/${s}/terms`],
    [['GET'], (s) => `/api/v2/graph/sessions/${s}`],
    [['GET', 'DELETE'], (s) => `/sis/v1/terms/${s}`],
    [['GET'], (s) => `/sis/v1/calendars/${s}/days/${s}`],
    [['GET'], (s) => `/sis/v1/sync/errors/${s}`],
  ];
  return fc
    .tuple(fc.constantFrom(...items), segment)
    .chain(([[methods, url], s]) => fc.tuple(fc.constantFrom(...methods), fc.constant(url(s))))
    .map(([method, url]) => ({ method, url, headers: {} }));
}

export function tokenRequests(): fc.Arbitrary<FuzzRequest> {
  const names = fc.oneof({ weight: 4, arbitrary: fc.constantFrom('grant_type', 'client_id', 'client_secret', 'scope') }, { weight: 1, arbitrary: hostileString });
  const values = fc.oneof({ weight: 1, arbitrary: fc.constantFrom('client_credentials', 'password', '255901', 'edfi:read') }, { weight: 3, arbitrary: hostileString });
  const form = fc
    .array(fc.tuple(names, values, fc.boolean()), { maxLength: 6 })
    .map((pairs) => pairs.map(([n, v, raw]) => `${enc(n)}=${raw ? urlSafe(v) : enc(v)}`).join('&'));
  const basic = fc.oneof(
    fc.uint8Array({ maxLength: 40 }).map((b) => `Basic ${Buffer.from(b).toString('base64')}`),
    fc.tuple(hostileString, hostileString).map(([id, secret]) => `basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`),
    fc.constantFrom('Basic', 'Basic ADoA', 'basic =', 'Bearer x', 'Basic Og==', 'Basic ????', 'Digest x'),
  );
  return fc
    .tuple(form, fc.option(basic, { nil: undefined }), fc.constantFrom('application/x-www-form-urlencoded', 'application/x-www-form-urlencoded', 'application/json', 'multipart/form-data'), fc.constantFrom('/oauth/token', '/oauth/token_info', '/OAuth/Token'))
    .map(([payload, authorization, type, url]) => ({
      method: 'POST' as const,
      url,
      headers: { 'content-type': type, ...(authorization ? { authorization } : {}) },
      payload,
    }));
}
