import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseOneRosterFilter } from '../../../src/dialects/oneroster/filter-parser.ts';
import { printOneRosterFilter } from '../../../src/dialects/oneroster/filter-printer.ts';
import { OneRosterQueryError } from '../../../src/dialects/oneroster/query-error.ts';
import { parseCollectionParams, parseFields } from '../../../src/dialects/oneroster/collection-params.ts';

const sid = 'identifierOrId:oneroster';

describe('parseOneRosterFilter', () => {
  it('parses one predicate into a canonical comparison', () => {
    expect(parseOneRosterFilter("title='Fall 2025'")).toEqual({ field: 'name', op: 'eq', value: 'Fall 2025' });
    expect(parseOneRosterFilter("sourcedId!='a'")).toEqual({ field: sid, op: 'ne', value: 'a' });
    expect(parseOneRosterFilter("title~'fall'")).toEqual({ field: 'name', op: 'contains', value: 'fall', caseInsensitive: true });
  });

  it("refuses names of Object's own properties as fields, as any unknown field (edge fuzz: __proto__ gave a 500)", () => {
    for (const name of ['__proto__', 'constructor', 'toString', 'hasOwnProperty'])
      expect(() => parseOneRosterFilter(`${name}='x'`)).toThrow(OneRosterQueryError);
  });

  it('converts the exclusive endDate to the inclusive canonical end date', () => {
    expect(parseOneRosterFilter("endDate<='2026-01-01'")).toEqual({ field: 'endDate', op: 'lte', value: '2025-12-31' });
    expect(parseOneRosterFilter("startDate>='2025-08-15'")).toEqual({ field: 'beginDate', op: 'gte', value: '2025-08-15' });
  });

  it('maps wire types, status and schoolYear to canonical values', () => {
    expect(parseOneRosterFilter("type='ext:quarter'")).toEqual({ field: 'type', op: 'eq', value: 'quarter' });
    expect(parseOneRosterFilter("type='semester'")).toEqual({ field: 'type', op: 'eq', value: 'semester' });
    expect(parseOneRosterFilter("type='quarter'")).toEqual({ field: 'type', op: 'eq', value: 'unmapped:quarter' });
    expect(parseOneRosterFilter("status='tobedeleted'")).toEqual({ field: 'status', op: 'eq', value: 'deleted' });
    expect(parseOneRosterFilter("schoolYear>'2025'")).toEqual({ field: 'schoolYear', op: 'gt', value: 2025 });
  });

  it('compares dateLastModified at the millisecond it is written with', () => {
    expect(parseOneRosterFilter("dateLastModified>'2026-01-01T00:00:00.000Z'")).toEqual({ field: 'updatedAt', op: 'gte', value: '2026-01-01T00:00:00.001Z' });
    expect(parseOneRosterFilter("dateLastModified<='2026-01-01T00:00:00Z'")).toEqual({ field: 'updatedAt', op: 'lt', value: '2026-01-01T00:00:00.001Z' });
    expect(parseOneRosterFilter("dateLastModified='2026-01-01T01:00:00+01:00'")).toEqual({
      op: 'and',
      args: [
        { field: 'updatedAt', op: 'gte', value: '2026-01-01T00:00:00.000Z' },
        { field: 'updatedAt', op: 'lt', value: '2026-01-01T00:00:00.001Z' },
      ],
    });
  });

  it('lets AND bind tighter than OR, with any number of each', () => {
    const c = parseOneRosterFilter("title='a' OR title='b' AND type='term' OR schoolYear='2026' AND status='active' AND sourcedId='x'");
    expect(c).toEqual({
      op: 'or',
      args: [
        { field: 'name', op: 'eq', value: 'a' },
        { op: 'and', args: [{ field: 'name', op: 'eq', value: 'b' }, { field: 'type', op: 'eq', value: 'term' }] },
        {
          op: 'and',
          args: [
            { field: 'schoolYear', op: 'eq', value: 2026 },
            { field: 'status', op: 'eq', value: 'active' },
            { field: sid, op: 'eq', value: 'x' },
          ],
        },
      ],
    });
  });

  it('parses dotted GUIDRef paths, quotes inside values, bare values and parentheses', () => {
    expect(parseOneRosterFilter("parent.sourcedId='p1' AND org.sourcedId='o1'")).toEqual({
      op: 'and',
      args: [
        { field: 'parentId', op: 'eq', value: 'p1' },
        { field: 'orgId', op: 'eq', value: 'o1' },
      ],
    });
    expect(parseOneRosterFilter("title='O''Brien AND co'")).toEqual({ field: 'name', op: 'eq', value: "O'Brien AND co" });
    expect(parseOneRosterFilter('status=active')).toEqual({ field: 'status', op: 'eq', value: 'active' });
    expect(parseOneRosterFilter("(title='a' OR title='b') AND type='term'")).toEqual({
      op: 'and',
      args: [{ op: 'or', args: [{ field: 'name', op: 'eq', value: 'a' }, { field: 'name', op: 'eq', value: 'b' }] }, { field: 'type', op: 'eq', value: 'term' }],
    });
  });

  it.each([
    ["title='a", 'position 6, expected a closing quote'],
    ["title'a'", 'position 5, expected a comparison operator'],
    ["title='a' AND", 'position 13, expected a predicate after AND'],
    ["title='a' title='b'", "position 10, expected AND, OR or the end of the filter but found 'title='b''"],
    ["='a'", 'position 0, expected a field name'],
    ["(title='a'", "position 10, expected ')' to close the '(' at position 0"],
    ["title=", 'position 6, expected a value but the filter ended'],
  ])('names the position and what was expected: %s', (text, message) => {
    expect(() => parseOneRosterFilter(text)).toThrow(message);
  });

  it.each([
    ["familyName='x'", "'familyName' is not a field"],
    ["type>'term'", 'the operator > cannot be used on type'],
    ["endDate>'2026-02-30'", "'2026-02-30' is not one"],
    ["schoolYear='26'", 'years written YYYY'],
    ["dateLastModified>'yesterday'", 'ISO 8601 date-times'],
  ])('rejects a predicate OneRoster cannot mean: %s', (text, message) => {
    const err = (() => {
      try {
        parseOneRosterFilter(text);
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(OneRosterQueryError);
    expect((err as OneRosterQueryError).codeMinor).toBe('invalid_filter_field');
    expect((err as Error).message).toContain(message);
  });
});

// Filters the grammar generates: predicates with valid values, joined by AND/OR, some grouped.
const isoDate = fc.date({ min: new Date('1990-01-01'), max: new Date('2090-12-31'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));
const text = fc.string({ maxLength: 12 });
const quoted = (v: string) => `'${v.replace(/'/g, "''")}'`;
const predicate = fc.oneof(
  fc.tuple(fc.constantFrom('sourcedId', 'title'), fc.constantFrom('=', '!=', '>', '>=', '<', '<=', '~'), text).map(([f, o, v]) => `${f}${o}${quoted(v)}`),
  fc.tuple(fc.constantFrom('startDate', 'endDate'), fc.constantFrom('=', '!=', '>', '>=', '<', '<='), isoDate).map(([f, o, v]) => `${f} ${o} ${quoted(v)}`),
  fc.tuple(fc.constantFrom('=', '!=', '>', '>=', '<', '<='), fc.integer({ min: 1900, max: 2100 })).map(([o, v]) => `schoolYear${o}'${v}'`),
  fc.tuple(fc.constantFrom('=', '!=', '>', '>=', '<', '<='), fc.date({ min: new Date('2000-01-01'), max: new Date('2099-01-01'), noInvalidDate: true })).map(
    ([o, d]) => `dateLastModified${o}'${d.toISOString()}'`,
  ),
  fc.tuple(fc.constantFrom('status', 'type', 'parent.sourcedId', 'org.sourcedId'), fc.constantFrom('=', '!='), fc.constantFrom('active', 'tobedeleted', 'term', 'ext:quarter', 'x y', "o'k")).map(
    ([f, o, v]) => `${f}${o}${quoted(v)}`,
  ),
);
const filter: fc.Arbitrary<string> = fc.letrec<{ expr: string }>((tie) => ({
  expr: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    predicate,
    fc.tuple(tie('expr'), fc.constantFrom(' AND ', ' OR ', ' and ', '  OR  '), tie('expr')).map(([a, k, b]) => `${a}${k}${b}`),
    tie('expr').map((e) => `(${e})`),
  ),
})).expr;

describe('filter properties', () => {
  it('any filter the grammar generates parses, and printing it parses back to the same AST', () => {
    fc.assert(
      fc.property(filter, (f) => {
        const ast = parseOneRosterFilter(f);
        expect(parseOneRosterFilter(printOneRosterFilter(ast))).toEqual(ast);
      }),
      { numRuns: 500 },
    );
  });

  it('random text either parses or fails with a OneRoster query error, never anything else', () => {
    const alphabet = fc.constantFrom(...["'", '(', ')', ' ', '=', '!', '>', '<', '~', 'A', 'N', 'D', 'O', 'R', 'title', 'endDate', '.', 'x', '2026-01-01', '\\', '"']);
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 60 }), fc.array(alphabet, { maxLength: 30 }).map((a) => a.join(''))), (s) => {
        try {
          parseOneRosterFilter(s);
        } catch (e) {
          expect(e).toBeInstanceOf(OneRosterQueryError);
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe('collection parameters', () => {
  it('defaults to 100 records from offset 0 in sourcedId order, and clamps large limits', () => {
    const p = parseCollectionParams({});
    expect(p).toMatchObject({ limit: 100, offset: 0, sort: [{ field: sid, direction: 'asc' }], where: undefined, fields: null });
    expect(parseCollectionParams({ limit: '5000' }).limit).toBe(1000);
  });

  it.each([['0'], ['-1'], ['abc'], ['1e3'], ['9223372036854775808'], [['1', '2']]])('rejects limit=%s', (limit) => {
    expect(() => parseCollectionParams({ limit })).toThrow(/limit/);
  });

  it('rejects a bad offset, orderBy or sort field', () => {
    expect(() => parseCollectionParams({ offset: '-1' })).toThrow(/offset/);
    expect(() => parseCollectionParams({ orderBy: 'up' })).toThrow(/orderBy/);
    expect(() => parseCollectionParams({ sort: 'familyName' })).toThrow(/sort: 'familyName'/);
  });

  it('sorts on the requested fields, then sourcedId', () => {
    expect(parseCollectionParams({ sort: 'startDate,title', orderBy: 'desc' }).sort).toEqual([
      { field: 'beginDate', direction: 'desc' },
      { field: 'name', direction: 'desc' },
      { field: sid, direction: 'asc' },
    ]);
  });

  it('reads fields as a comma list and in repeated form, rejecting blanks and unknown names', () => {
    expect(parseFields({ fields: 'title,startDate' })).toEqual(['title', 'startDate']);
    expect(parseFields({ fields: ['title', 'endDate,sourcedId'] })).toEqual(['title', 'endDate', 'sourcedId']);
    expect(() => parseFields({ fields: 'title,,x' })).toThrow(/blank/);
    expect(() => parseFields({ fields: 'familyName' })).toThrow(/'familyName' is not a field/);
  });
});
