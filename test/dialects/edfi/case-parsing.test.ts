// The readers behind Ed-Fi's case-insensitivity, pure: query names, URL segments, body property
// names; and the school body reader over arbitrary JSON. Properties over random input (fast-check).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { pathSpelling, respell } from '../../../src/dialects/case-insensitive-path.ts';
import { correlationIdOf } from '../../../src/dialects/edfi/correlation-id.ts';
import { decodePageToken, encodePageToken } from '../../../src/dialects/edfi/page-token.ts';
import { canonicalQuery, parseCollectionQuery } from '../../../src/dialects/edfi/query-params.ts';
import { parseSchoolBody } from '../../../src/dialects/edfi/school-mapping.ts';
import { SESSION_FILTERS } from '../../../src/dialects/edfi/session-mapping.ts';
import { propertyOf } from '../../../src/dialects/edfi/wire-body.ts';

/** The same name with each letter's case chosen by `flips`. */
const recase = (name: string, flips: boolean[]) => [...name].map((ch, i) => (flips[i % flips.length] ? ch.toUpperCase() : ch.toLowerCase())).join('');

describe('query names in any case', () => {
  const names = ['offset', 'limit', 'totalCount', ...Object.keys(SESSION_FILTERS)];
  it('parse as their canonical spelling', () => {
    fc.assert(
      fc.property(fc.subarray(names), fc.array(fc.boolean(), { minLength: 1 }), fc.nat(400), (chosen, flips, n) => {
        const canonical = Object.fromEntries(chosen.map((k) => [k, k === 'totalCount' ? 'true' : k === 'termDescriptor' || k === 'sessionName' ? 'x' : k.endsWith('Date') ? '2025-01-01' : k === 'id' ? 'abc' : String(n)]));
        const recased = Object.fromEntries(Object.entries(canonical).map(([k, v]) => [recase(k, flips), v]));
        expect(parseCollectionQuery(recased, SESSION_FILTERS)).toEqual(parseCollectionQuery(canonical, SESSION_FILTERS));
      }),
    );
  });
  it('keep every value, in order, when one name comes in several spellings; leave unknown names alone', () => {
    expect(canonicalQuery({ schoolid: '1', SchoolId: ['2', '3'], other: 'x' }, ['schoolId'])).toEqual({ schoolId: ['1', '2', '3'], other: 'x' });
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.oneof(fc.string(), fc.array(fc.string()))), (raw) => {
        const out = canonicalQuery(raw, ['schoolId', 'limit']);
        const count = (q: Record<string, unknown>) => Object.values(q).reduce<number>((n, v) => n + (Array.isArray(v) ? v.length : 1), 0);
        expect(count(out)).toBe(count(raw));
      }),
    );
  });
});

describe('URL segments in any case', () => {
  const spelling = pathSpelling(['/data/v3/', '/changeQueries/v1/'], ['data', 'v3', 'ed-fi', 'sessions', 'gradingPeriods', 'deletes', 'changeQueries', 'v1', 'availableChangeVersions']);
  it('respells known segments, keeps ids and query strings, and leaves other prefixes alone', () => {
    expect(respell('/DATA/V3/Ed-Fi/GRADINGPERIODS/AbC123?SchoolId=1', spelling)).toBe('/data/v3/ed-fi/gradingPeriods/AbC123?SchoolId=1');
    expect(respell('/changequeries/v1/availablechangeversions', spelling)).toBe('/changeQueries/v1/availableChangeVersions');
    expect(respell('/data/v3/ed-fi/sessions', spelling)).toBeUndefined();
    expect(respell('/ims/oneroster/rostering/v1p2/Terms', spelling)).toBeUndefined();
  });
  it('is idempotent and never changes a segment it does not know', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.constantFrom('data', 'V3', 'ED-FI', 'Sessions', 'deletes'), fc.string()), { maxLength: 6 }), (segments) => {
        const url = `/data/v3/${segments.join('/')}`;
        const once = respell(url, spelling) ?? url;
        expect(respell(once, spelling) ?? once).toBe(once);
        const a = once.split('/');
        const b = url.split('/');
        expect(a.length).toBe(b.length);
        a.forEach((seg, i) => expect(seg.toLowerCase()).toBe(b[i]!.toLowerCase()));
      }),
    );
  });
});

describe('JSON property names in any case', () => {
  it('binds the last key equal ignoring case, as Json.NET does', () => {
    expect(propertyOf({ sessionName: 'a', SESSIONNAME: 'b' }, 'sessionName')).toBe('b');
    expect(propertyOf({ PeriodSequence: 3 }, 'periodSequence')).toBe(3);
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), fc.array(fc.boolean(), { minLength: 1 }), fc.jsonValue(), (name, flips, value) => {
        expect(propertyOf({ [recase(name, flips)]: value }, name)).toEqual(value);
      }),
    );
  });
  it('reads any JSON object as a School without throwing: a value or ODS-style errors', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom('schoolId', 'NameOfInstitution', 'gradeLevels', 'addresses', 'educationOrganizationCategories', 'webSite', 'x'), fc.jsonValue()), (body) => {
        const r = parseSchoolBody(body);
        if (!r.ok) expect(Object.keys(r.errors).every((k) => k.startsWith('$.'))).toBe(true);
      }),
    );
  });
});

describe('page tokens and correlation ids', () => {
  it('a token one past a partition’s end is valid and names an empty range', () => {
    expect(decodePageToken(encodePageToken({ from: 11, to: 10 }))).toEqual({ from: 11, to: 10 });
    expect(decodePageToken(encodePageToken({ from: 12, to: 10 }))).toBeNull();
  });
  it('takes the header first, then the query value in any case; blank is none', () => {
    expect(correlationIdOf({ headers: { 'correlation-id': 'h' }, query: { correlationId: 'q' } })).toBe('h');
    expect(correlationIdOf({ headers: {}, query: { CORRELATIONID: 'q' } })).toBe('q');
    expect(correlationIdOf({ headers: { 'correlation-id': '  ' } })).toBeUndefined();
    fc.assert(fc.property(fc.anything(), (query) => void correlationIdOf({ headers: {}, query })));
  });
});
