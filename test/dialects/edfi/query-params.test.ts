// Ed-Fi query-string parsing: ODS's rules and messages, and properties over random input.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodePageToken, encodePageToken, LAST_ROW } from '../../../src/dialects/edfi/page-token.ts';
import { parseCollectionQuery, parsePartitionsQuery, parseTrackedChangesQuery, type FilterSpec } from '../../../src/dialects/edfi/query-params.ts';
import { fromEdfiId, toEdfiId } from '../../../src/dialects/edfi/resource-id.ts';
import { parseEtag } from '../../../src/dialects/edfi/etag.ts';
import { SESSION_FILTERS } from '../../../src/dialects/edfi/session-mapping.ts';

const spec: FilterSpec = SESSION_FILTERS;
const err = (raw: Record<string, unknown>) => {
  const r = parseCollectionQuery(raw, spec);
  return r.ok ? null : r.message;
};

describe('Ed-Fi GET-many parameters', () => {
  it('defaults to offset 0 and limit 25', () => {
    expect(parseCollectionQuery({}, spec)).toEqual({ ok: true, value: { paging: { kind: 'offset', offset: 0, limit: 25 }, totalCount: false, filters: {} } });
  });

  it('answers ODS 7.3 messages for each invalid combination', () => {
    expect(err({ limit: '501' })).toBe('Limit must be a value between 0 and 500.');
    expect(err({ limit: '-1' })).toBe('Limit must be a value between 0 and 500.');
    expect(err({ offset: '-1' })).toBe('Offset cannot be a negative value.');
    expect(err({ pageSize: '10' })).toBe('PageToken is required when pageSize is specified.');
    expect(err({ pageSize: '10', offset: '5' })).toBe('Use limit instead of pageSize when using limit/offset paging.');
    const token = encodePageToken({ from: 1, to: LAST_ROW });
    expect(err({ pageToken: token, offset: '0' })).toBe(
      'Both offset and pageToken parameters were provided, but they support alternative paging approaches and cannot be used together.',
    );
    expect(err({ pageToken: token, limit: '5' })).toBe('Use pageSize instead of limit when using cursor paging with pageToken.');
    expect(err({ pageToken: token, pageSize: '501' })).toBe('PageSize must be a value between 0 and 500.');
    expect(err({ pageToken: token, totalCount: 'true' })).toBe('Total count cannot be determined while using cursor paging (when pageToken is specified).');
    expect(err({ pageToken: ' abc' })).toBe('The page token provided was invalid.');
    expect(err({ pageToken: 'bm90IGEgdG9rZW4' })).toBe('The page token provided was invalid.');
    expect(err({ schoolId: 'abc' })).toBe("The value 'abc' is not valid for schoolId.");
    expect(err({ beginDate: '2025-13-01' })).toMatch(/not valid for beginDate/);
    expect(err({ totalCount: 'maybe' })).toBe("The value 'maybe' is not valid for totalCount.");
  });

  it('accepts pageToken with pageSize and limit (limit ignored) and pageToken alone', () => {
    const token = encodePageToken({ from: 3, to: 99 });
    const both = parseCollectionQuery({ pageToken: token, pageSize: '5', limit: '7' }, spec);
    expect(both.ok && both.value.paging).toEqual({ kind: 'cursor', range: { from: 3, to: 99 }, pageSize: 5 });
    const alone = parseCollectionQuery({ pageToken: token }, spec);
    expect(alone.ok && alone.value.paging).toEqual({ kind: 'cursor', range: { from: 3, to: 99 }, pageSize: 25 });
  });

  it('parses every session filter to its typed value; ids become uuids', () => {
    const id = 'cc91fb951b0c4cb7ae0ed56ac0691fb6';
    const r = parseCollectionQuery(
      { sessionName: 'Fall', schoolId: '255901001', schoolYear: '2026', termDescriptor: 'uri://ed-fi.org/TermDescriptor#Fall Semester', beginDate: '2025-08-13', endDate: '2025-12-19', id, totalInstructionalDays: '80', unknown: 'x' },
      spec,
    );
    expect(r.ok && r.value.filters).toEqual({
      sessionName: 'Fall',
      schoolId: 255901001,
      schoolYear: 2026,
      termDescriptor: 'uri://ed-fi.org/TermDescriptor#Fall Semester',
      beginDate: '2025-08-13',
      endDate: '2025-12-19',
      id: 'cc91fb95-1b0c-4cb7-ae0e-d56ac0691fb6',
      totalInstructionalDays: 80,
    });
  });

  it('never throws on arbitrary query objects, and returns either a value or a message', () => {
    const names = ['offset', 'limit', 'pageToken', 'pageSize', 'totalCount', 'minChangeVersion', 'maxChangeVersion', ...Object.keys(spec), 'x'];
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom(...names), fc.oneof(fc.string(), fc.array(fc.string(), { maxLength: 3 }), fc.integer().map(String))), (raw) => {
        const r = parseCollectionQuery(raw, spec);
        if (r.ok) {
          const p = r.value.paging;
          if (p.kind === 'offset') expect(p.limit).toBeLessThanOrEqual(500);
          else expect(p.pageSize).toBeLessThanOrEqual(500);
        } else expect(r.message.length).toBeGreaterThan(0);
        parseTrackedChangesQuery(raw);
        parsePartitionsQuery(raw, spec);
      }),
    );
  });

  it('parses every valid offset/limit/filter combination to exactly what was asked', () => {
    fc.assert(
      fc.property(
        fc.nat({ max: 1_000_000 }),
        fc.integer({ min: 0, max: 500 }),
        fc.boolean(),
        fc.integer({ min: 1, max: 999_999_999 }),
        fc.option(fc.nat({ max: 1e9 }), { nil: undefined }),
        (offset, limit, totalCount, schoolId, minCv) => {
          const raw: Record<string, string> = { offset: String(offset), limit: String(limit), totalCount: String(totalCount), schoolId: String(schoolId) };
          if (minCv !== undefined) raw['minChangeVersion'] = String(minCv);
          const r = parseCollectionQuery(raw, spec);
          expect(r.ok).toBe(true);
          if (!r.ok) return;
          expect(r.value.paging).toEqual({ kind: 'offset', offset, limit });
          expect(r.value.totalCount).toBe(totalCount);
          expect(r.value.filters).toEqual({ schoolId });
          expect(r.value.minChangeVersion).toBe(minCv);
        },
      ),
    );
  });

  it('round-trips page tokens and rejects any string that is not one', () => {
    fc.assert(
      fc.property(fc.nat({ max: 2 ** 52 }), fc.nat({ max: 2 ** 52 }), (a, b) => {
        const range = { from: Math.min(a, b), to: Math.max(a, b) };
        expect(decodePageToken(encodePageToken(range))).toEqual(range);
      }),
    );
    fc.assert(
      fc.property(fc.string(), (s) => {
        const r = decodePageToken(s);
        if (r) expect(encodePageToken(r)).toBe(s.replace(/=+$/, ''));
      }),
    );
  });
});

describe('/deletes, /keyChanges and /partitions parameters', () => {
  it('use the DeletesController and partitions wording', () => {
    expect(parseTrackedChangesQuery({ limit: '0' })).toMatchObject({ ok: false, message: 'Limit must be omitted or set to a value between 1 and 500.' });
    expect(parseTrackedChangesQuery({ offset: '-3' })).toMatchObject({ ok: false, message: 'Offset must be greater than or equal to 0.' });
    expect(parsePartitionsQuery({ number: '201' }, spec)).toMatchObject({ ok: false, message: 'Number of partitions must be between 1 and 200.' });
    const ok = parsePartitionsQuery({}, spec);
    expect(ok.ok && ok.value.number).toBe(10);
  });
});

describe('ids and ETags', () => {
  it('converts uuids to 32 hex digits and back', () => {
    fc.assert(
      fc.property(fc.uuid(), (u) => {
        expect(toEdfiId(u)).toMatch(/^[0-9a-f]{32}$/);
        expect(fromEdfiId(toEdfiId(u))).toBe(u.toLowerCase());
      }),
    );
    expect(fromEdfiId('not-an-id')).toBeNull();
  });

  it('reads ETags quoted or not', () => {
    expect(parseEtag('"42"')).toBe(42);
    expect(parseEtag('42')).toBe(42);
    expect(parseEtag('W/"42"')).toBe(42);
    expect(parseEtag('*')).toBe('invalid');
    expect(parseEtag(undefined)).toBeUndefined();
  });
});
