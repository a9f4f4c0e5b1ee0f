// The Edlink parsers on their own, without a database: whatever they are given, they answer a
// value or an EdlinkError (a 4xx), never anything else.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EdlinkError } from '../../../src/dialects/edlink/errors.ts';
import { FILTER_OPERATORS, parseEdlinkFilter } from '../../../src/dialects/edlink/filter.ts';
import { decodeCursor, encodeCursor, pageSize, type CursorState } from '../../../src/dialects/edlink/paging.ts';

const now = new Date('2026-01-01T00:00:00Z');

function settles(run: () => unknown): void {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(EdlinkError);
    expect((err as EdlinkError).status).toBe(400);
  }
}

describe('Edlink $filter parser', () => {
  it('answers any string with a Condition or a 400 EdlinkError', () => {
    fc.assert(fc.property(fc.oneof(fc.string(), fc.json(), fc.jsonValue().map((v) => JSON.stringify({ name: v, end_date: [{ operator: 'gt', value: v }] }))), (raw) => settles(() => parseEdlinkFilter(raw))), { numRuns: 1000 });
  });

  it('accepts every listed operator on its field and refuses every other one, naming the allowed ones', () => {
    const all = [...new Set(Object.values(FILTER_OPERATORS).flat())];
    for (const [field, ops] of Object.entries(FILTER_OPERATORS))
      for (const op of all) {
        const value = field.endsWith('_date') ? '2025-08-01T00:00:00.000Z' : field === 'id' ? '00000000-0000-4000-8000-000000000000' : 'Fall';
        const run = () => parseEdlinkFilter(JSON.stringify({ [field]: [{ operator: op, value }] }));
        if ((ops as readonly string[]).includes(op)) expect(run().where, `${field} ${op}`).toBeDefined();
        else expect(run, `${field} ${op}`).toThrow(`it allows: ${ops.join(', ')}`);
      }
  });

  it('refuses lists and filters too long to send as query parameters', () => {
    const many = Array.from({ length: 1001 }, (_, i) => `n${i}`).join(',');
    expect(() => parseEdlinkFilter(JSON.stringify({ name: [{ operator: 'in', value: many }] }))).toThrow(/at most 1000 values/);
    expect(parseEdlinkFilter(JSON.stringify({ name: [{ operator: 'in', value: many.split(',').slice(0, 1000).join(',') }] })).where).toBeDefined();
    const clauses = Array.from({ length: 101 }, () => ({ operator: 'contains', value: 'a' }));
    expect(() => parseEdlinkFilter(JSON.stringify({ name: clauses }))).toThrow(/at most 100 are allowed/);
  });

  it('turns an exclusive end_date into the inclusive last day', () => {
    expect(parseEdlinkFilter(JSON.stringify({ end_date: [{ operator: 'equals', value: '2026-01-01T00:00:00.000Z' }] })).where).toEqual({ field: 'endDate', op: 'eq', value: '2025-12-31' });
    expect(parseEdlinkFilter(JSON.stringify({ end_date: [{ operator: 'lt', value: '2026-01-01T08:00:00Z' }] })).where).toEqual({ field: 'endDate', op: 'lte', value: '2025-12-31' });
  });
});

describe('Edlink cursors', () => {
  const state = fc.record({
    list: fc.oneof(fc.constant('sessions'), fc.uuid().map((u) => `school:${u}`)),
    tenantId: fc.string({ minLength: 1 }),
    filter: fc.option(fc.string()),
    fields: fc.option(fc.string()),
    direction: fc.constantFrom('forward' as const, 'backward' as const),
    size: fc.integer({ min: 1, max: 10_000 }),
    position: fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
    expiresAt: fc.integer({ min: now.getTime(), max: now.getTime() + 7_200_000 }),
  });

  const key = Buffer.alloc(32, 7);

  it('decodes what it encoded until it expires', () => {
    fc.assert(
      fc.property(state, (s: CursorState) => {
        const raw = encodeCursor(s, key);
        expect(raw).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
        expect(decodeCursor(raw, now, key)).toEqual(s);
        expect(() => decodeCursor(raw, new Date(s.expiresAt + 1), key)).toThrow(/expired/);
      }),
    );
  });

  it('refuses a cursor whose contents were edited, or signed with another key', () => {
    const invalid = (raw: string, k = key) => {
      try {
        decodeCursor(raw, now, k);
      } catch (err) {
        return (err as EdlinkError).code === 'INVALID_CURSOR';
      }
      return false;
    };
    fc.assert(
      fc.property(state, fc.record({ size: fc.integer({ min: 1, max: 10_000 }), expiresAt: fc.integer({ min: now.getTime(), max: now.getTime() + 7_200_000 * 100 }) }), (s, edit) => {
        fc.pre(edit.size !== s.size || edit.expiresAt !== s.expiresAt);
        const [, mac] = encodeCursor(s, key).split('.');
        const [forged] = encodeCursor({ ...s, ...edit }, key).split('.');
        expect(invalid(`${forged}.${mac}`)).toBe(true);
        expect(invalid(encodeCursor(s, key), Buffer.alloc(32, 8))).toBe(true);
      }),
    );
    // Every single-character change of a real cursor is refused.
    const raw = encodeCursor({ list: 'sessions', tenantId: 't', filter: null, fields: null, direction: 'forward', size: 10, position: 5, expiresAt: now.getTime() + 1000 }, key);
    for (let i = 0; i < raw.length; i++)
      for (const c of ['A', 'z', '0', '-', '_'])
        if (raw[i] !== c && raw[i] !== '.') {
          const edited = `${raw.slice(0, i)}${c}${raw.slice(i + 1)}`;
          // base64url's last character may carry unused bits; an edit that decodes to the same bytes is the same cursor.
          if (Buffer.from(edited.split('.')[1]!, 'base64url').equals(Buffer.from(raw.split('.')[1]!, 'base64url')) && edited.split('.')[0] === raw.split('.')[0]) continue;
          expect(invalid(edited), edited).toBe(true);
        }
  });

  it('answers any other string with INVALID_CURSOR', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.jsonValue().map((v) => Buffer.from(JSON.stringify(v)).toString('base64url'))), (raw) => {
        try {
          decodeCursor(raw, now, key);
        } catch (err) {
          expect(err).toBeInstanceOf(EdlinkError);
          expect((err as EdlinkError).code).toBe('INVALID_CURSOR');
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('takes page sizes 1–10000 only', () => {
    fc.assert(
      fc.property(fc.string(), (raw) => {
        try {
          const n = pageSize('$first', raw)!;
          expect(Number.isInteger(n) && n >= 1 && n <= 10_000).toBe(true);
        } catch (err) {
          expect((err as EdlinkError).code).toBe('INVALID_PAGE_SIZE');
        }
      }),
    );
    expect(pageSize('$first', '10000')).toBe(10_000);
    expect(() => pageSize('$first', '10001')).toThrow(EdlinkError);
  });
});
