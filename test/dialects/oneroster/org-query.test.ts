// The org collection's filter, sort and paging, without I/O: random orgs and random filters
// (written as OneRoster filter text) against a plain reading of the same filter.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { pageOf, parseOrgQuery } from '../../../src/dialects/oneroster/org-query.ts';
import type { OneRosterOrg } from '../../../src/dialects/oneroster/org-wire.ts';
import { OneRosterQueryError } from '../../../src/dialects/oneroster/query-error.ts';

type Field = 'sourcedId' | 'name' | 'identifier' | 'status' | 'type' | 'parent.sourcedId' | 'dateLastModified';
type Op = '=' | '!=' | '>' | '>=' | '<' | '<=' | '~';
type Expr = { field: Field; op: Op; value: string } | { and: Expr[] } | { or: Expr[] };

const word = fc.constantFrom('a', 'b', 'ab', 'B', 'x y', "o'k", '1', '10', '');
const instant = fc.integer({ min: 0, max: 5 }).map((n) => new Date(Date.UTC(2026, 0, 1, 0, 0, 0, n)).toISOString());

const org: fc.Arbitrary<OneRosterOrg> = fc
  .record({ sourcedId: word, name: word, identifier: word, status: fc.constantFrom('active', 'tobedeleted'), school: fc.boolean(), parent: fc.option(word, { nil: undefined }), at: instant })
  .map((o) => ({
    sourcedId: o.sourcedId,
    status: o.status as OneRosterOrg['status'],
    dateLastModified: o.at,
    name: o.name,
    type: o.school ? 'school' : 'district',
    identifier: o.identifier,
    ...(o.parent === undefined ? {} : { parent: { href: `http://h/orgs/${o.parent}`, sourcedId: o.parent, type: 'org' as const } }),
  }));

const predicate: fc.Arbitrary<Expr> = fc.oneof(
  fc.record({ field: fc.constantFrom<Field>('sourcedId', 'name', 'identifier'), op: fc.constantFrom<Op>('=', '!=', '>', '>=', '<', '<=', '~'), value: word }),
  fc.record({ field: fc.constantFrom<Field>('status', 'type', 'parent.sourcedId'), op: fc.constantFrom<Op>('=', '!='), value: fc.oneof(word, fc.constantFrom('active', 'tobedeleted', 'school', 'district')) }),
  fc.record({ field: fc.constant<Field>('dateLastModified'), op: fc.constantFrom<Op>('=', '!=', '>', '>=', '<', '<='), value: instant }),
);
const expr: fc.Arbitrary<Expr> = fc.letrec<{ e: Expr }>((tie) => ({
  e: fc.oneof({ depthSize: 'small', withCrossShrink: true }, predicate, fc.array(tie('e'), { minLength: 2, maxLength: 3 }).map((and) => ({ and })), fc.array(tie('e'), { minLength: 2, maxLength: 3 }).map((or) => ({ or }))),
})).e;

const quote = (v: string) => `'${v.replace(/'/g, "''")}'`;
function text(e: Expr): string {
  if ('and' in e) return e.and.map((x) => `(${text(x)})`).join(' AND ');
  if ('or' in e) return e.or.map((x) => `(${text(x)})`).join(' OR ');
  return `${e.field}${e.op}${quote(e.value)}`;
}

/** The filter read plainly: values as the wire shows them, code-unit order, ~ case-insensitive. */
function holds(e: Expr, o: OneRosterOrg): boolean {
  if ('and' in e) return e.and.every((x) => holds(x, o));
  if ('or' in e) return e.or.some((x) => holds(x, o));
  const actual = e.field === 'parent.sourcedId' ? o.parent?.sourcedId : (o[e.field] as string);
  if (actual === undefined) return e.op === '!=';
  if (e.op === '~') return actual.toLowerCase().includes(e.value.toLowerCase());
  const c = e.field === 'dateLastModified' ? Math.sign(Date.parse(actual) - Date.parse(e.value)) : actual < e.value ? -1 : actual > e.value ? 1 : 0;
  return { '=': c === 0, '!=': c !== 0, '>': c > 0, '>=': c >= 0, '<': c < 0, '<=': c <= 0 }[e.op];
}

describe('org collection query', () => {
  it("refuses names of Object's own properties as fields, as any unknown field", () => {
    for (const name of ['__proto__', 'constructor', 'toString'])
      expect(() => parseOrgQuery({ filter: `${name}='x'` })).toThrow(OneRosterQueryError);
  });

  it('selects exactly the orgs the filter describes', () => {
    fc.assert(
      fc.property(fc.array(org, { maxLength: 8 }), expr, (orgs, e) => {
        const q = parseOrgQuery({ filter: text(e), limit: '1000' });
        const got = pageOf(orgs, q).records;
        expect(new Set(got)).toEqual(new Set(orgs.filter((o) => holds(e, o))));
      }),
      { numRuns: 400 },
    );
  });

  it('pages a stable order: every org once, sorted on the keys then sourcedId', () => {
    fc.assert(
      fc.property(fc.uniqueArray(org, { selector: (o) => o.sourcedId, maxLength: 9 }), fc.constantFrom('name', 'type', 'identifier', 'dateLastModified'), fc.constantFrom('asc', 'desc'), fc.integer({ min: 1, max: 4 }), (orgs, sort, orderBy, limit) => {
        const walked: OneRosterOrg[] = [];
        for (let offset = 0; offset < orgs.length; offset += limit) {
          const { records, total } = pageOf(orgs, parseOrgQuery({ sort, orderBy, limit: String(limit), offset: String(offset) }));
          expect(total).toBe(orgs.length);
          walked.push(...records);
        }
        expect(walked.map((o) => o.sourcedId).sort()).toEqual(orgs.map((o) => o.sourcedId).sort());
        for (let i = 1; i < walked.length; i++) {
          const [a, b] = [walked[i - 1]!, walked[i]!];
          const [x, y] = [a[sort as 'name'], b[sort as 'name']];
          if (x !== y) expect(orderBy === 'asc' ? x < y : x > y).toBe(true);
          else expect(a.sourcedId < b.sourcedId).toBe(true);
        }
      }),
    );
  });

  it('random text either parses or fails with a OneRoster query error', () => {
    const alphabet = fc.constantFrom("'", '(', ')', ' ', '=', '!', '>', '<', '~', 'AND', 'OR', 'name', 'type', 'parent.sourcedId', 'x', '2026-01-01');
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 40 }), fc.array(alphabet, { maxLength: 20 }).map((a) => a.join(''))), (s) => {
        try {
          parseOrgQuery({ filter: s });
        } catch (err) {
          expect(err).toBeInstanceOf(OneRosterQueryError);
        }
      }),
    );
  });
});
