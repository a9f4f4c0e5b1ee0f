// A OneRoster REST provider written from the 1.1 and 1.2 bindings, not from termbridge: OAuth 2
// client credentials at a token path (or, as ClassLink's Roster Server, every request signed with
// OAuth 1.0a HMAC-SHA256 and checked by an independent verifier), academicSessions and orgs under a base path, limit/offset
// paging with X-Total-Count and Link headers (rel next/last), `sort=dateLastModified` and a
// `dateLastModified>=` / `>` filter, status active/tobedeleted (and 1.0's inactive). The same
// sessions are served in either version's form: 1.1 with the last day as endDate, 1.2 with the
// first day after.
import { addDays } from '../../src/domain/calendar-date.ts';
import { oauth1Verifier, type OAuth1Verifier } from './oauth1-verifier.ts';
import { bearer, oauthToken, startFakePlatform, type FakeAnswer, type FakePlatform, type FakeRequest, type PlatformBehaviour } from './native/fake-platform.ts';

export interface OrSession {
  sourcedId: string;
  status: 'active' | 'tobedeleted' | 'inactive';
  dateLastModified: string;
  title: string;
  type: string;
  startDate: string;
  /** Last day of the session. */
  lastDay: string;
  parent?: string;
  schoolYear: string;
}

export interface OneRosterFake {
  platform: FakePlatform;
  sessions: OrSession[];
  version: '1.1' | '1.2';
  /** The scope of each token request, in order. */
  scopes: (string | null)[];
  /** Set when requests are signed with OAuth 1.0a (consumer or-client / or-secret). */
  oauth1: OAuth1Verifier | null;
  /** Why signed requests were refused, in order. */
  refusals: string[];
}

export async function startOneRosterFake(options: {
  basePath: string;
  tokenPath: string;
  version: '1.1' | '1.2';
  sessions: OrSession[];
  honoursSort?: boolean;
  /** OAuth 1.0a signature methods the server accepts instead of OAuth 2 bearer tokens. */
  oauth1?: string[];
  /** A fixed access token accepted as a bearer token (ClassLink's proxy), no token endpoint. */
  accessToken?: string;
}): Promise<OneRosterFake> {
  const fake: OneRosterFake = {
    platform: null as unknown as FakePlatform,
    sessions: options.sessions.map((s) => ({ ...s })),
    version: options.version,
    scopes: [],
    oauth1: options.oauth1 ? oauth1Verifier({ 'or-client': 'or-secret' }, { methods: options.oauth1 }) : null,
    refusals: [],
  };
  const wire = (s: OrSession) => ({
    sourcedId: s.sourcedId,
    status: s.status,
    dateLastModified: s.dateLastModified,
    title: s.title,
    type: s.type,
    startDate: s.startDate,
    endDate: fake.version === '1.1' ? s.lastDay : addDays(s.lastDay, 1),
    ...(s.parent ? { parent: { href: `${fake.platform.url}${options.basePath}/academicSessions/${s.parent}`, sourcedId: s.parent, type: 'academicSession' } } : {}),
    children: [],
    schoolYear: s.schoolYear,
  });
  const list = (req: FakeRequest, key: string, all: unknown[]): FakeAnswer => {
    const limit = Number(req.query.get('limit') ?? 100);
    const offset = Number(req.query.get('offset') ?? 0);
    const page = all.slice(offset, offset + limit);
    const at = (o: number) => `<${fake.platform.url}${req.path}?limit=${limit}&offset=${o}>`;
    const links = [`${at(Math.max(0, (Math.ceil(all.length / limit) - 1) * limit))}; rel="last"`, `${at(0)}; rel="first"`];
    if (offset + limit < all.length) links.unshift(`${at(offset + limit)}; rel="next"`);
    return { headers: { 'x-total-count': String(all.length), link: links.join(', ') }, body: { [key]: page } };
  };
  const behaviour: PlatformBehaviour = {
    token: oauthToken(options.tokenPath, (req) => {
      fake.scopes.push(new URLSearchParams(req.body).get('scope'));
      return req.headers.authorization === `Basic ${Buffer.from('or-client:or-secret').toString('base64')}`;
    }),
    authorised(req, valid) {
      if (options.accessToken) return bearer(req) === options.accessToken;
      if (!fake.oauth1) return valid(bearer(req) ?? '');
      const refused = fake.oauth1.check(req);
      if (refused) fake.refusals.push(refused);
      return refused === null;
    },
    serve(req) {
      if (req.path === `${options.basePath}/orgs`) return list(req, 'orgs', [{ sourcedId: 'org-district', status: 'active', dateLastModified: '2019-08-01T00:00:00.000Z', name: 'Example District', type: 'district', identifier: '' }]);
      if (req.path !== `${options.basePath}/academicSessions`) return { status: 404, body: { imsx_codeMajor: 'failure', imsx_codeMinor: 'unknownobject' } };
      let rows = [...fake.sessions];
      const filter = req.query.get('filter');
      if (filter) {
        const m = /^dateLastModified(>=|>)'([^']+)'$/.exec(filter);
        if (!m) return { status: 400, body: { imsx_codeMajor: 'failure', imsx_codeMinor: 'invalid_filter_field' } };
        rows = rows.filter((s) => (m[1] === '>=' ? s.dateLastModified >= m[2]! : s.dateLastModified > m[2]!));
      }
      if (options.honoursSort !== false && req.query.get('sort') === 'dateLastModified') rows.sort((a, b) => a.dateLastModified.localeCompare(b.dateLastModified) || a.sourcedId.localeCompare(b.sourcedId));
      return list(req, 'academicSessions', rows.map(wire));
    },
  };
  fake.platform = await startFakePlatform(behaviour, []);
  return fake;
}

/** The 1.1 example chain (schoolYear → term → gradingPeriod) with the 1EdTech sample's dates. */
export const EXAMPLE_SESSIONS: OrSession[] = [
  { sourcedId: 'as-sy-2020', status: 'active', dateLastModified: '2019-08-15T10:00:00.000Z', title: '2019-2020 School Year', type: 'schoolYear', startDate: '2019-09-01', lastDay: '2020-07-16', schoolYear: '2020' },
  { sourcedId: 'as-fall', status: 'active', dateLastModified: '2019-08-15T10:00:00.000Z', title: 'Fall Term', type: 'term', startDate: '2019-09-01', lastDay: '2019-12-20', parent: 'as-sy-2020', schoolYear: '2020' },
  { sourcedId: 'as-q1', status: 'active', dateLastModified: '2019-08-15T10:00:01.000Z', title: 'Q1 Grading Period', type: 'gradingPeriod', startDate: '2019-09-01', lastDay: '2019-10-31', parent: 'as-fall', schoolYear: '2020' },
  { sourcedId: 'as-spring', status: 'active', dateLastModified: '2019-08-15T10:00:02.000Z', title: 'Spring Term', type: 'term', startDate: '2020-01-06', lastDay: '2020-07-16', parent: 'as-sy-2020', schoolYear: '2020' },
  { sourcedId: 'as-inservice', status: 'active', dateLastModified: '2019-08-15T10:00:03.000Z', title: 'In-service Day', type: 'term', startDate: '2020-02-14', lastDay: '2020-02-14', parent: 'as-sy-2020', schoolYear: '2020' },
];
