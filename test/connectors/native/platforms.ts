// Each platform's documented response shapes, paging and credential, as a fake serves them.
// Field names and envelopes follow the public docs each connector cites (src/connectors/native).
import type { ConnectionSettings, ConnectorKind } from '../../../src/connectors/connection-repository.ts';
import { bearer, oauthToken, slice, type FakeAnswer, type FakePlatform, type FakeRequest, type FakeTerm, type PlatformBehaviour } from './fake-platform.ts';

export interface PlatformCase {
  kind: ConnectorKind;
  behaviour: PlatformBehaviour;
  /** The connection a district admin would add for this fake. */
  connection(fake: FakePlatform): { url: string; tokenUrl?: string; clientId?: string; secret: string; settings?: ConnectionSettings };
  /** What the platform sends with a 429. */
  rateLimited: Record<string, string>;
  /** The platform issues tokens that can be refused and fetched again. */
  refreshes: boolean;
  /** The platform places terms in schools itself (the fake's school is named SCHOOL_NAME). */
  placesInSchools?: boolean;
  /** Sessions the platform adds beside the terms (school years). */
  extraSessions: number;
  /** The platform has no dates for its sessions. */
  dateless?: boolean;
  /** A pull after a small change is one request (a change feed, or one whole list). */
  singleRequestDelta?: boolean;
  /** The platform pages its list (the fake serves at most two items a page); else it sends whole lists, as documented. */
  paged: boolean;
}

export const SCHOOL_NAME = 'School 1';
const PAGE = 2;
const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
const usual = (req: FakeRequest, valid: (t: string) => boolean) => valid(bearer(req) ?? '');
const notFound: FakeAnswer = { status: 404, body: { message: 'not found' } };

/** Graph classes: each term is one class's, the first term also a second class's. */
function graphClasses(terms: FakeTerm[]) {
  return terms.flatMap((t, i) => {
    const term = { displayName: t.name, externalId: t.id, startDate: t.begin, endDate: t.end };
    const c = [{ id: `class-${t.id}`, displayName: `Class of ${t.name}`, term }];
    return i === 0 ? [...c, { id: `class-${t.id}-b`, displayName: `Second class of ${t.name}`, term }] : c;
  });
}

export const PLATFORMS: PlatformCase[] = [
  {
    kind: 'clever',
    paged: true,
    singleRequestDelta: true,
    rateLimited: { 'x-ratelimit-limit': '1200', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(Math.floor(Date.now() / 1000)) },
    refreshes: false,
    extraSessions: 0,
    connection: (f) => ({ url: f.url, secret: 'DEMO_TOKEN' }),
    behaviour: {
      authorised: (req) => bearer(req) === 'DEMO_TOKEN',
      serve(req, p) {
        const limit = Number(req.query.get('limit') ?? 100);
        if (req.path === '/v3.0/terms') {
          const after = req.query.get('starting_after');
          const from = after ? p.terms.findIndex((t) => t.id === after) + 1 : 0;
          const page = slice(p.terms, from, limit);
          const links = [{ rel: 'self', uri: `/v3.0/terms?limit=${limit}` }];
          if (from + page.length < p.terms.length) links.push({ rel: 'next', uri: `/v3.0/terms?limit=${limit}&starting_after=${page.at(-1)!.id}` });
          return { body: { data: page.map((t) => ({ data: { id: t.id, district: '5327a245c79f90670e001b78', name: t.name, start_date: t.begin, end_date: t.end }, uri: `/v3.0/terms/${t.id}` })), links } };
        }
        if (req.path === '/v3.0/events') {
          const events = p.changes.map((c) => ({ data: { id: `evt-${String(c.seq).padStart(4, '0')}`, type: c.op === 'delete' ? 'terms.deleted' : 'terms.updated', created: '2025-09-01T00:00:00.000Z', data: { object: { id: c.term.id, name: c.term.name, start_date: c.term.begin, end_date: c.term.end } } }, uri: `/v3.0/events/${c.seq}` }));
          if (req.query.get('ending_before') === 'last') return { body: { data: events.slice(-1), links: [] } };
          const after = req.query.get('starting_after') ?? '';
          const rest = events.filter((e) => e.data.id > after);
          const page = rest.slice(0, limit);
          const links = rest.length > page.length ? [{ rel: 'next', uri: `/v3.0/events?limit=${limit}&starting_after=${page.at(-1)!.data.id}` }] : [];
          return { body: { data: page, links } };
        }
        return notFound;
      },
    },
  },
  {
    kind: 'schoology',
    paged: true,
    rateLimited: { 'retry-after': '0' },
    refreshes: false,
    extraSessions: 0,
    connection: (f) => ({ url: `${f.url}/v1`, clientId: 'consumer-key', secret: 'consumer-secret' }),
    behaviour: {
      authorised: (req) => /^OAuth /.test(req.headers.authorization ?? '') && /oauth_consumer_key="consumer-key"/.test(req.headers.authorization!) && /oauth_signature="consumer-secret%26"/.test(req.headers.authorization!),
      serve(req, p) {
        if (req.path !== '/v1/gradingperiods') return notFound;
        const start = Number(req.query.get('start') ?? 0);
        const limit = Math.min(PAGE, Number(req.query.get('limit') ?? 20));
        const page = slice(p.terms, start, limit);
        const links: Record<string, string> = { self: `${p.url}/v1/gradingperiods?start=${start}&limit=${limit}` };
        if (start + limit < p.terms.length) links.next = `${p.url}/v1/gradingperiods?start=${start + limit}&limit=${limit}`;
        // The documented list answer: {"total": 1, "gradingperiods": [{"id": 13011, "title", "start", "end", "active": "1", "links": {"self"}}]}.
        const item = (t: FakeTerm) => ({ id: Number(t.id.replace(/\D/g, '')) || t.id, title: t.name, start: t.begin, end: t.end, active: '1', links: { self: `${p.url}/v1/gradingperiods/${t.id}` } });
        return { body: { total: p.terms.length, gradingperiods: page.map(item), links } };
      },
    },
  },
  {
    kind: 'blackboard',
    paged: true,
    // Learn's rate limit headers carry seconds until the window resets.
    rateLimited: { 'x-rate-limit-limit': '10000', 'x-rate-limit-remaining': '0', 'x-rate-limit-reset': '0' },
    refreshes: true,
    extraSessions: 0,
    connection: (f) => ({ url: f.url, clientId: 'app-key', secret: 'app-secret' }),
    behaviour: {
      token: oauthToken('/learn/api/public/v1/oauth2/token', (req) => req.headers.authorization === basic('app-key', 'app-secret')),
      authorised: usual,
      serve(req, p) {
        if (req.path !== '/learn/api/public/v1/terms') return notFound;
        const offset = Number(req.query.get('offset') ?? 0);
        const limit = Math.min(PAGE, Number(req.query.get('limit') ?? 100));
        const page = slice(p.terms, offset, limit);
        const results = page.map((t) => ({
          id: `_${t.id.replace(/\D/g, '')}_1`,
          externalId: t.id,
          dataSourceId: '_2_1',
          name: t.name,
          description: '',
          availability: { available: 'Yes', duration: { type: 'DateRange', start: `${t.begin}T00:00:00.000Z`, end: `${t.end}T23:59:59.000Z`, daysOfUse: 0 } },
        }));
        return { headers: { 'x-rate-limit-remaining': '9999', 'x-rate-limit-reset': '3600' }, body: { results, ...(offset + limit < p.terms.length ? { paging: { nextPage: `/learn/api/public/v1/terms?offset=${offset + limit}&limit=${limit}` } } : {}) } };
      },
    },
  },
  {
    kind: 'brightspace',
    paged: true,
    rateLimited: { 'retry-after': '0' },
    refreshes: true,
    extraSessions: 0,
    dateless: true,
    connection: (f) => ({ url: f.url, tokenUrl: `${f.url}/core/connect/token`, clientId: 'd2l-client', secret: 'd2l-secret', settings: { apiVersion: '1.43', semesterTypeId: 5 } }),
    behaviour: {
      token: oauthToken('/core/connect/token', (req) => req.headers.authorization === basic('d2l-client', 'd2l-secret')),
      authorised: usual,
      serve(req, p) {
        if (req.path !== '/d2l/api/lp/1.43/orgstructure/' || req.query.get('orgUnitType') !== '5') return notFound;
        const from = Number(req.query.get('bookmark') ?? 0);
        const page = slice(p.terms, from, PAGE);
        const more = from + PAGE < p.terms.length;
        return { body: { PagingInfo: { Bookmark: String(from + page.length), HasMoreItems: more }, Items: page.map((t) => ({ Identifier: t.id.replace(/\D/g, '') || t.id, Name: t.name, Code: t.id, Path: `/content/${t.id}/`, Type: { Id: 5, Code: 'Semester', Name: 'Semester' } })) } };
      },
    },
  },
  {
    kind: 'microsoft-graph',
    paged: true,
    singleRequestDelta: true,
    rateLimited: { 'retry-after': '0' },
    refreshes: true,
    extraSessions: 0,
    connection: (f) => ({ url: `${f.url}/v1.0`, tokenUrl: `${f.url}/contoso.onmicrosoft.com/oauth2/v2.0/token`, clientId: 'graph-app', secret: 'graph-secret', settings: { directory: 'contoso.onmicrosoft.com' } }),
    behaviour: {
      token: (req, issue) => {
        if (req.method !== 'POST' || !req.path.endsWith('/oauth2/v2.0/token')) return null;
        const form = new URLSearchParams(req.body);
        if (form.get('client_id') !== 'graph-app' || form.get('client_secret') !== 'graph-secret' || form.get('scope') !== 'https://graph.microsoft.com/.default') return { status: 401, body: { error: 'invalid_client' } };
        return { body: { token_type: 'Bearer', expires_in: 3599, access_token: issue() } };
      },
      authorised: usual,
      serve(req, p) {
        if (req.path !== '/v1.0/education/classes/delta') return notFound;
        const since = req.query.get('$deltatoken');
        const skip = Number(req.query.get('$skiptoken') ?? 0);
        let value: Record<string, unknown>[];
        if (since === null) value = graphClasses(p.terms);
        else {
          const changed = p.changes.filter((c) => c.seq > Number(since));
          value = changed.flatMap((c): Record<string, unknown>[] => (c.op === 'delete' ? [{ id: `class-${c.term.id}`, '@removed': { reason: 'deleted' } }] : graphClasses([c.term]).slice(0, 1)));
        }
        const page = slice(value, skip, PAGE);
        const self = `${p.url}/v1.0/education/classes/delta?${since !== null ? `$deltatoken=${since}&` : ''}`;
        const latest = p.changes.at(-1)?.seq ?? 0;
        const link = skip + PAGE < value.length ? { '@odata.nextLink': `${self}$skiptoken=${skip + PAGE}` } : { '@odata.deltaLink': `${p.url}/v1.0/education/classes/delta?$deltatoken=${latest}` };
        return { body: { '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#Collection(educationClass)', value: page, ...link } };
      },
    },
  },
  {
    kind: 'powerschool',
    paged: true,
    rateLimited: { 'retry-after': '0' },
    refreshes: true,
    placesInSchools: true,
    extraSessions: 0,
    connection: (f) => ({ url: f.url, clientId: 'ps-client', secret: 'ps-secret' }),
    behaviour: {
      token: oauthToken('/oauth/access_token', (req) => req.headers.authorization === basic('ps-client', 'ps-secret') && new URLSearchParams(req.body).get('grant_type') === 'client_credentials'),
      authorised: usual,
      serve(req, p) {
        const page = Number(req.query.get('page') ?? 1);
        const size = Math.min(PAGE, Number(req.query.get('pagesize') ?? 100));
        // PowerSchool's quirk: one item is an object, none is an empty string.
        const wrap = <T>(items: T[]) => (items.length === 0 ? '' : items.length === 1 ? items[0] : items);
        if (req.path === '/ws/v1/district/school') return { body: { schools: { school: wrap(slice([{ id: 7, name: SCHOOL_NAME, school_number: 100, low_grade: 9, high_grade: 12 }], (page - 1) * size, size)) } } };
        const m = /^\/ws\/v1\/school\/(\d+)\/term$/.exec(req.path);
        if (!m) return notFound;
        const terms = p.terms.map((t, i) => ({ id: Number(t.id.replace(/\D/g, '')) || i, name: t.name, abbreviation: t.id.toUpperCase(), start_date: t.begin, end_date: t.end, school_id: 100, start_year: 2025, portion: /year/i.test(t.name) ? 1 : /quarter/i.test(t.name) ? 4 : 2 }));
        return { body: { terms: { term: wrap(slice(terms, (page - 1) * size, size)) } } };
      },
    },
  },
  {
    kind: 'blackbaud',
    paged: false,
    rateLimited: { 'retry-after': '0' },
    refreshes: true,
    extraSessions: 1,
    connection: (f) => ({ url: f.url, tokenUrl: `${f.url}/token`, clientId: 'sky-app', secret: JSON.stringify({ clientSecret: 'sky-secret', refreshToken: 'refresh-1', subscriptionKey: 'sub-key' }) }),
    behaviour: {
      token: (req, issue) => {
        if (req.method !== 'POST' || req.path !== '/token') return null;
        const form = new URLSearchParams(req.body);
        if (form.get('grant_type') !== 'refresh_token' || form.get('refresh_token') !== 'refresh-1' || form.get('client_secret') !== 'sky-secret' || form.get('preserve_refresh_token') !== 'true')
          return { status: 400, body: { error: 'invalid_grant' } };
        return { body: { access_token: issue(), token_type: 'Bearer', expires_in: 3600, refresh_token: 'refresh-1' } };
      },
      authorised: (req, valid) => usual(req, valid) && req.headers['bb-api-subscription-key'] === 'sub-key',
      serve(req, p) {
        // The School API's Year and Term models (OpenAPI): dates as 2003-04-21T10:29:43, no offset.
        if (req.path === '/school/v1/years') return { body: { count: 1, value: [{ id: 2026, school_year_label: '2025-2026', current_year: true, published: true, begin_date: '2025-07-01T00:00:00', end_date: '2026-06-30T00:00:00' }] } };
        if (req.path === '/school/v1/terms' && req.query.get('school_year') === '2025-2026') {
          const value = p.terms.map((t) => ({ id: Number(t.id.replace(/\D/g, '')), description: t.name, begin_date: `${t.begin}T00:00:00`, end_date: `${t.end}T00:00:00`, level_id: 1284, level_description: 'Upper School', school_year_label: '2025-2026', offering_type: 1 }));
          return { body: { count: value.length, value } };
        }
        return notFound;
      },
    },
  },
  {
    kind: 'managebac',
    paged: false,
    singleRequestDelta: true,
    rateLimited: { 'retry-after': '0' },
    refreshes: false,
    extraSessions: 1,
    connection: (f) => ({ url: f.url, secret: 'mb-token' }),
    behaviour: {
      authorised: (req) => req.headers['auth-token'] === 'mb-token',
      serve(req, p) {
        if (req.path !== '/v2/school/academic-years') return notFound;
        const year = { id: 11, name: '2025 - 2026', starts_on: '2025-08-01', ends_on: '2026-06-30', academic_terms: p.terms.map((t) => ({ id: Number(t.id.replace(/\D/g, '')), name: t.name, starts_on: t.begin, ends_on: t.end })) };
        // The same year listed under two programmes is one session.
        return { body: { academic_years: { diploma: { program: 'diploma', academic_years: [year] }, myp: { program: 'myp', academic_years: [year] } } } };
      },
    },
  },
  {
    kind: 'ethos',
    paged: true,
    rateLimited: { 'retry-after': '0' },
    refreshes: true,
    extraSessions: 1,
    connection: (f) => ({ url: f.url, secret: 'ethos-api-key' }),
    behaviour: {
      token: (req, issue) => {
        if (req.method !== 'POST' || req.path !== '/auth') return null;
        if (bearer(req) !== 'ethos-api-key') return { status: 401, text: 'Unauthorized' };
        // Ethos answers the JWT itself as text.
        return { text: `eyJhbGciOiJIUzI1NiJ9.${Buffer.from(issue()).toString('base64url')}.c2ln` };
      },
      authorised: (req, valid) => {
        const t = bearer(req)?.split('.')[1];
        return t !== undefined && valid(Buffer.from(t, 'base64url').toString()) && req.headers.accept === 'application/vnd.hedtech.integration.v16+json';
      },
      serve(req, p) {
        if (req.path !== '/api/academic-periods') return notFound;
        const offset = Number(req.query.get('offset') ?? 0);
        const limit = Math.min(PAGE, Number(req.query.get('limit') ?? 100));
        const year = { id: 'a7f5b3e2-0000-4000-8000-000000002026', code: '2026', title: '2025-2026 Academic Year', startOn: '2025-08-01T00:00:00+00:00', endOn: '2026-06-30T00:00:00+00:00', category: { type: 'year' }, registration: 'closed', censusDates: [] };
        const periods = [year, ...p.terms.map((t) => ({ id: `a7f5b3e2-0000-4000-8000-${t.id.replace(/\D/g, '').padStart(12, '0')}`, code: t.id.toUpperCase(), title: t.name, startOn: `${t.begin}T00:00:00+00:00`, endOn: `${t.end}T00:00:00+00:00`, category: { type: 'term', parent: { id: year.id } }, registration: 'open', censusDates: [] }))];
        return { headers: { 'x-total-count': String(periods.length), 'x-max-page-size': String(PAGE) }, body: slice(periods, offset, limit) };
      },
    },
  },
  {
    kind: 'aeries',
    paged: false,
    rateLimited: { 'retry-after': '0' },
    refreshes: false,
    placesInSchools: true,
    extraSessions: 0,
    connection: (f) => ({ url: f.url, secret: '477abe9e7d27439681d62f4e0de1f5e1' }),
    behaviour: {
      authorised: (req) => req.headers['aeries-cert'] === '477abe9e7d27439681d62f4e0de1f5e1',
      serve(req, p) {
        if (req.path === '/api/v5/schools') return { body: [{ SchoolCode: 994, Name: SCHOOL_NAME, InactiveStatusCode: '' }] };
        if (req.path === '/api/v5/schools/994/terms')
          return { body: p.terms.map((t) => ({ SchoolCode: 994, TermCode: t.id.toUpperCase(), TermDescription: t.name, StartDate: `${t.begin}T00:00:00`, EndDate: `${t.end}T00:00:00` })) };
        return notFound;
      },
    },
  },
];
