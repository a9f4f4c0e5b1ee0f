// The pure readers of Canvas requests: list parameters, term references, bodies, Link headers.
import fc from 'fast-check';
import qs from 'qs';
import { describe, expect, it } from 'vitest';
import { cgiEscape, linkHeader, pageLinks, railsToQuery } from '../../../src/dialects/canvas/link-header.ts';
import { parseTermListParams, rubyToI } from '../../../src/dialects/canvas/list-params.ts';
import { classify, parseCanvasBoolean, parseTermBody, parseTermDates } from '../../../src/dialects/canvas/term-body.ts';
import { parseTermRef } from '../../../src/dialects/canvas/term-id.ts';
import { CanvasReply } from '../../../src/dialects/canvas/errors.ts';

function thrown(f: () => unknown): CanvasReply {
  try {
    f();
  } catch (e) {
    if (e instanceof CanvasReply) return e;
    throw e;
  }
  throw new Error('did not throw');
}

describe('list parameters', () => {
  it('reads workflow_state as Canvas does: active by default and for unknown values, all = every state', () => {
    const states = (q: Record<string, unknown>) => (parseTermListParams(q) as { states: unknown }).states;
    expect(states({})).toEqual(['active']);
    expect(states({ workflow_state: ['blall'] })).toEqual(['active']);
    expect(states({ workflow_state: 'deleted' })).toEqual(['deleted']);
    expect(states({ workflow_state: ['active', 'deleted'] })).toEqual(['active', 'deleted']);
    expect(states({ workflow_state: ['all'] })).toBeNull();
    expect(states({ workflow_state: ['deleted', 'all'] })).toBeNull();
  });

  it('clamps per_page to 1..100 (default 10) and refuses pages below 1', () => {
    const perPage = (v: unknown) => (parseTermListParams({ per_page: v }) as { perPage: number }).perPage;
    expect(perPage(undefined)).toBe(10);
    expect([perPage('0'), perPage('-5'), perPage('abc'), perPage('500'), perPage('7')]).toEqual([1, 1, 1, 100, 7]);
    expect(parseTermListParams({ page: '0' })).toBe('invalidPage');
    expect(parseTermListParams({ page: 'abc' })).toBe('invalidPage');
    expect((parseTermListParams({ page: '3' }) as { page: number }).page).toBe(3);
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.integer().map(String)), (v) => {
        const p = perPage(v);
        expect(p).toBeGreaterThanOrEqual(1);
        expect(p).toBeLessThanOrEqual(100);
      }),
    );
  });

  it('is Ruby\'s to_i', () => {
    expect([rubyToI('12abc'), rubyToI(' 7'), rubyToI('x1'), rubyToI('-3'), rubyToI('2.9')]).toEqual([12, 7, 0, -3, 2]);
    fc.assert(fc.property(fc.integer(), (n) => {
      expect(rubyToI(String(n))).toBe(n === 0 ? 0 : n);
    }));
  });
});

describe('term references', () => {
  it('takes integer ids, sis_term_id:, sis:, hex:sis_term_id: and default', () => {
    expect(parseTermRef('42')).toEqual({ kind: 'canvasId', id: 42 });
    expect(parseTermRef('sis_term_id:F25')).toEqual({ kind: 'sis', value: 'F25' });
    expect(parseTermRef('sis:F25')).toEqual({ kind: 'sis', value: 'F25' });
    expect(parseTermRef(`hex:sis_term_id:${Buffer.from('a/b').toString('hex')}`)).toEqual({ kind: 'sis', value: 'a/b' });
    expect(parseTermRef('default')).toEqual({ kind: 'default' });
    for (const none of ['', '4x', 'sis:', 'current2', 'hex:sis_term_id:zz', '-1', '1.5']) expect(parseTermRef(none)).toEqual({ kind: 'none' });
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), (s) => {
        expect(parseTermRef(`sis:${s}`)).toEqual({ kind: 'sis', value: s });
      }),
    );
  });
});

describe('create/update bodies', () => {
  it('classifies override keys and refuses other enrollment types', () => {
    expect(classify('student_enrollment')).toBe('StudentEnrollment');
    expect(classify('TeacherEnrollments')).toBe('TeacherEnrollment');
    expect(classify('ta_enrollment')).toBe('TaEnrollment');
    const e = thrown(() => parseTermBody({ enrollment_term: { overrides: { ObserverEnrollment: { start_at: '2025-01-01' } } } }, {}, 'POST'));
    expect([e.status, e.body]).toEqual([400, { message: 'Invalid enrollment type in overrides' }]);
  });

  it('wants enrollment_term, and a SIS id that is a string or a number', () => {
    for (const body of [{}, { enrollment_term: {} }, { enrollment_term: 'x' }, null, []])
      expect(thrown(() => parseTermBody(body, {}, 'POST')).body).toEqual({ errors: [{ message: 'enrollment_term is missing' }] });
    expect(thrown(() => parseTermBody({ enrollment_term: { sis_term_id: { a: 1 } } }, {}, 'POST')).body).toEqual({ message: 'Invalid SIS ID' });
    expect(thrown(() => parseTermBody({ enrollment_term: { sis_term_id: true } }, {}, 'POST')).body).toEqual({ message: 'Invalid SIS ID' });
    expect(parseTermBody({ enrollment_term: { sis_term_id: 2025 } }, {}, 'POST').sisId).toBe('2025');
    expect(parseTermBody({ enrollment_term: { sis_term_id: '' } }, {}, 'POST').sisId).toBeNull();
    // The override check comes first, as in Canvas.
    expect(thrown(() => parseTermBody({ enrollment_term: { sis_term_id: {}, overrides: { Foo: {} } } }, {}, 'POST')).body).toEqual({ message: 'Invalid enrollment type in overrides' });
  });

  it('reads override_sis_stickiness on PUT as a Canvas boolean', () => {
    expect(parseTermBody({ enrollment_term: { name: 'x' }, override_sis_stickiness: 'f' }, {}, 'PUT').overrideSisStickiness).toBe(false);
    expect(parseTermBody({ enrollment_term: { name: 'x' } }, { override_sis_stickiness: 'no' }, 'PUT').overrideSisStickiness).toBe(false);
    expect(parseTermBody({ enrollment_term: { name: 'x' }, override_sis_stickiness: false }, {}, 'POST').overrideSisStickiness).toBe(true);
    expect(thrown(() => parseTermBody({ enrollment_term: { name: 'x' }, override_sis_stickiness: 'maybe' }, {}, 'PUT')).status).toBe(400);
    for (const [t, f] of [['true', 'false'], ['t', 'f'], ['yes', 'no'], ['y', 'n'], ['on', 'off'], ['1', '0']]) {
      expect(parseCanvasBoolean(t)).toBe(true);
      expect(parseCanvasBoolean(f)).toBe(false);
    }
  });

  it('rejects an end before its start within the term and within each override, not equal ones', () => {
    const dates = (et: Record<string, unknown>) => () => parseTermDates(parseTermBody({ enrollment_term: et }, {}, 'POST'), 'UTC');
    const base = { errors: { base: [{ attribute: 'base', type: 'End dates cannot be before start dates', message: 'End dates cannot be before start dates' }] } };
    expect(thrown(dates({ start_at: '2025-02-01T00:00:00Z', end_at: '2025-01-01T00:00:00Z' })).body).toEqual(base);
    expect(thrown(dates({ overrides: { StudentEnrollment: { start_at: '2025-02-01T00:00:00Z', end_at: '2025-01-01T00:00:00Z' } } })).body).toEqual(base);
    expect(dates({ start_at: '2025-01-01T00:00:00Z', end_at: '2025-01-01T00:00:00Z' })().startAt).toBe(Date.parse('2025-01-01T00:00:00Z'));
    expect(thrown(dates({ start_at: 'soon' })).body).toMatchObject({ errors: { start_at: [{ attribute: 'start_at' }] } });
  });

  it('reads form bodies and JSON bodies alike', () => {
    const form = qs.parse('enrollment_term[name]=Fall&enrollment_term[start_at]=2025-08-13T05:00:00Z&enrollment_term[overrides][StudentEnrollment][end_at]=2025-12-01T00:00:00Z');
    const json = { enrollment_term: { name: 'Fall', start_at: '2025-08-13T05:00:00Z', overrides: { StudentEnrollment: { end_at: '2025-12-01T00:00:00Z' } } } };
    const a = parseTermDates(parseTermBody(form, {}, 'POST'), 'UTC');
    const b = parseTermDates(parseTermBody(json, {}, 'POST'), 'UTC');
    expect(a).toEqual(b);
    expect(a.overrides.get('StudentEnrollment')).toEqual({ startAt: null, endAt: Date.parse('2025-12-01T00:00:00Z') });
  });
});

describe('Link headers', () => {
  it('writes the query as Rails to_query: sorted keys, arrays as key[], CGI escaping', () => {
    expect(railsToQuery({ include: ['overrides', 'course_count'], term_name: 'term 2', 'a b': '&' })).toBe(
      'a+b=%26&include%5B%5D=overrides&include%5B%5D=course_count&term_name=term+2',
    );
    expect(cgiEscape('é~_.-')).toBe('%C3%A9~_.-');
  });

  it('lists current, next, prev, first, last in that order, without credentials or paging params', () => {
    const h = linkHeader('https://h/api/v1/accounts/1/terms', { include: ['overrides'], page: '2', per_page: '1', access_token: 'x' }, 1, pageLinks(2, 1, 3));
    expect(h).toBe(
      [
        '<https://h/api/v1/accounts/1/terms?include%5B%5D=overrides&page=2&per_page=1>; rel="current"',
        '<https://h/api/v1/accounts/1/terms?include%5B%5D=overrides&page=3&per_page=1>; rel="next"',
        '<https://h/api/v1/accounts/1/terms?include%5B%5D=overrides&page=1&per_page=1>; rel="prev"',
        '<https://h/api/v1/accounts/1/terms?include%5B%5D=overrides&page=1&per_page=1>; rel="first"',
        '<https://h/api/v1/accounts/1/terms?include%5B%5D=overrides&page=3&per_page=1>; rel="last"',
      ].join(','),
    );
  });

  it('round-trips any query through Rails form and back (qs) and stays under 6 KB', () => {
    const key = fc.stringMatching(/^[a-z_]{1,8}$/).filter((k) => !['page', 'per_page', 'access_token', 'api_key'].includes(k));
    fc.assert(
      fc.property(fc.dictionary(key, fc.oneof(fc.string(), fc.array(fc.string({ minLength: 1 }), { minLength: 1, maxLength: 3 }))), fc.string({ maxLength: 8000 }), (query, long) => {
        const encoded = railsToQuery(query);
        expect(qs.parse(encoded.replace(/\+/g, '%20'))).toEqual(query);
        const h = linkHeader('https://h/x', { ...query, term_name: long }, 10, pageLinks(2, 10, 100));
        expect(Buffer.byteLength(h)).toBeLessThanOrEqual(6 * 1024);
        for (const part of h.split(',<').map((p, i) => (i === 0 ? p : `<${p}`)))
          if (part) expect(part).toMatch(/^<https:\/\/[^>]+>; rel="(current|next|prev|first|last)"$/);
      }),
      { numRuns: 200 },
    );
  });
});

describe('any input', () => {
  const json = fc.jsonValue({ maxDepth: 4 });
  const termLike = fc.record(
    {
      name: json,
      start_at: fc.oneof(json, fc.constant('2025-08-13T05:00:00Z'), fc.constant('2025-08-13')),
      end_at: fc.oneof(json, fc.constant('2025-12-20T05:59:59Z')),
      sis_term_id: json,
      overrides: fc.oneof(json, fc.dictionary(fc.constantFrom('StudentEnrollment', 'teacher_enrollment', 'ObserverEnrollment', 'x'), json)),
    },
    { requiredKeys: [] },
  );

  it('is read into a term body or refused with a Canvas 400, never anything else', () => {
    fc.assert(
      fc.property(fc.oneof(json, fc.record({ enrollment_term: fc.oneof(json, termLike), override_sis_stickiness: json }, { requiredKeys: [] })), fc.constantFrom('POST' as const, 'PUT' as const), (body, method) => {
        try {
          const parsed = parseTermBody(body, {}, method);
          parseTermDates(parsed, 'America/Chicago');
        } catch (e) {
          expect(e).toBeInstanceOf(CanvasReply);
          expect((e as CanvasReply).status).toBe(400);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('as list parameters always gives a page of 1..100 from page 1, or invalidPage', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom('workflow_state', 'include', 'term_name', 'per_page', 'page', 'subaccount_id', 'other'), fc.oneof(fc.string(), fc.array(fc.string()))), (query) => {
        const p = parseTermListParams(query);
        if (p === 'invalidPage') return;
        expect(p.page).toBeGreaterThanOrEqual(1);
        expect(p.perPage).toBeGreaterThanOrEqual(1);
        expect(p.perPage).toBeLessThanOrEqual(100);
        if (p.states) for (const st of p.states) expect(['active', 'deleted']).toContain(st);
      }),
    );
  });
});

