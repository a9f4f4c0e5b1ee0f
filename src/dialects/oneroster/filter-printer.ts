// The inverse of parseOneRosterFilter: a canonical condition written as a OneRoster filter
// (used by Link headers' tests and the parser's round-trip property).
import type { Condition } from '../../query/ast.ts';
import { printPredicate } from './filter-fields.ts';

export function printOneRosterFilter(c: Condition): string {
  switch (c.op) {
    case 'and':
      return c.args.map((a) => (a.op === 'or' ? `(${printOneRosterFilter(a)})` : printOneRosterFilter(a))).join(' AND ');
    case 'or':
      return c.args.map(printOneRosterFilter).join(' OR ');
    case 'not':
      throw new Error('a OneRoster filter has no NOT');
    default: {
      const text = printPredicate(c);
      if (text === null) throw new Error(`OneRoster cannot filter on ${c.field} ${c.op}`);
      return text;
    }
  }
}
