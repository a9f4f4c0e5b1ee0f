// OneRoster `filter`: predicates `field op 'value'` joined by AND / OR (any number; AND binds
// tighter than OR; parentheses group). Academic sessions' filters become the shared Query AST;
// the same grammar serves orgs, whose predicates are evaluated over the few orgs a tenant has.
// A filter that does not parse is reported with the position and what was expected there.
import type { Condition } from '../../query/ast.ts';
import { FILTER_OPERATORS, predicateCondition, type FilterOperator } from './filter-fields.ts';
import { OneRosterQueryError } from './query-error.ts';

export const MAX_FILTER_LENGTH = 4096;
const MAX_DEPTH = 32;

/** A parsed filter: the predicates the resource made of each `field op 'value'`, under AND / OR. */
export type FilterTree<P> = P | { op: 'and' | 'or'; args: FilterTree<P>[] };
/** What a resource makes of one predicate; it throws a OneRosterQueryError for a field or value it refuses. */
export type PredicateBuilder<P> = (field: string, operator: FilterOperator, value: string, position: number) => FilterTree<P>;

export function parseFilter<P>(text: string, predicate: PredicateBuilder<P>): FilterTree<P> {
  if (text.length > MAX_FILTER_LENGTH)
    throw new OneRosterQueryError('invalid_filter_field', `filter: is ${text.length} characters long; at most ${MAX_FILTER_LENGTH} are accepted.`);
  const parser = new FilterParser(text, predicate);
  const tree = parser.expression(0);
  parser.skipSpace();
  if (!parser.atEnd()) parser.fail(`expected AND, OR or the end of the filter but found '${parser.rest(12)}'`);
  return tree;
}

export function parseOneRosterFilter(text: string): Condition {
  // A Condition's own and/or nodes are FilterTree nodes, so the tree is a Condition.
  return parseFilter<Condition>(text, predicateCondition) as Condition;
}

function isJunction<P>(p: FilterTree<P>, op: 'and' | 'or'): p is { op: 'and' | 'or'; args: FilterTree<P>[] } {
  return typeof p === 'object' && p !== null && (p as { op?: unknown }).op === op && Array.isArray((p as { args?: unknown }).args);
}

/** AND and OR nodes hold no child of their own kind, so equal filters give equal trees. */
export function join<P>(op: 'and' | 'or', parts: FilterTree<P>[]): FilterTree<P> {
  const args = parts.flatMap((p) => (isJunction(p, op) ? p.args : [p]));
  return args.length === 1 ? args[0]! : { op, args };
}

class FilterParser<P> {
  private pos = 0;
  constructor(
    private readonly text: string,
    private readonly predicateOf: PredicateBuilder<P>,
  ) {}

  atEnd(): boolean {
    return this.pos >= this.text.length;
  }

  rest(n: number): string {
    return this.text.slice(this.pos, this.pos + n);
  }

  fail(message: string, at = this.pos): never {
    throw new OneRosterQueryError('invalid_filter_field', `filter: at position ${at}, ${message}.`);
  }

  skipSpace(): void {
    while (this.pos < this.text.length && /\s/.test(this.text[this.pos]!)) this.pos++;
  }

  /** `AND` / `OR` (any case) followed by a space or a parenthesis. */
  private keyword(word: 'AND' | 'OR'): boolean {
    this.skipSpace();
    const candidate = this.text.slice(this.pos, this.pos + word.length);
    const after = this.text[this.pos + word.length];
    if (candidate.toUpperCase() === word && (after === undefined || /[\s(]/.test(after))) {
      if (after === undefined) this.fail(`expected a predicate after ${word}`, this.pos + word.length);
      this.pos += word.length;
      return true;
    }
    return false;
  }

  expression(depth: number): FilterTree<P> {
    const parts = [this.conjunction(depth)];
    while (this.keyword('OR')) parts.push(this.conjunction(depth));
    return join('or', parts);
  }

  private conjunction(depth: number): FilterTree<P> {
    const parts = [this.primary(depth)];
    while (this.keyword('AND')) parts.push(this.primary(depth));
    return join('and', parts);
  }

  private primary(depth: number): FilterTree<P> {
    this.skipSpace();
    if (this.text[this.pos] === '(') {
      if (depth >= MAX_DEPTH) this.fail(`parentheses nest deeper than ${MAX_DEPTH}`);
      const open = this.pos++;
      const inner = this.expression(depth + 1);
      this.skipSpace();
      if (this.text[this.pos] !== ')') this.fail(`expected ')' to close the '(' at position ${open}${this.atEnd() ? '' : ` but found '${this.rest(12)}'`}`);
      this.pos++;
      return inner;
    }
    return this.predicate();
  }

  private predicate(): FilterTree<P> {
    const start = this.pos;
    const field = /^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)?/.exec(this.text.slice(this.pos))?.[0];
    if (!field) this.fail(this.atEnd() ? 'expected a field name but the filter ended' : `expected a field name but found '${this.rest(12)}'`);
    this.pos += field.length;
    this.skipSpace();
    const op = FILTER_OPERATORS.find((o) => this.text.startsWith(o, this.pos));
    if (!op) this.fail(`expected a comparison operator (=, !=, >, >=, <, <=, ~) after '${field}'${this.atEnd() ? '' : ` but found '${this.rest(12)}'`}`);
    this.pos += op.length;
    this.skipSpace();
    const value = this.value();
    return this.predicateOf(field, op as FilterOperator, value, start);
  }

  /** 'quoted' or "quoted" (a doubled quote is a quote inside), or a bare word up to a space or parenthesis. */
  private value(): string {
    const start = this.pos;
    const q = this.text[this.pos];
    if (q === "'" || q === '"') {
      let out = '';
      this.pos++;
      for (;;) {
        const quote = this.text.indexOf(q, this.pos);
        if (quote < 0) this.fail(`expected a closing quote for the value that starts here`, start);
        out += this.text.slice(this.pos, quote);
        this.pos = quote + 1;
        if (this.text[this.pos] === q) {
          out += q;
          this.pos++;
          continue;
        }
        return out;
      }
    }
    const bare = /^[^\s()'"]+/.exec(this.text.slice(this.pos))?.[0];
    if (!bare) this.fail(this.atEnd() ? 'expected a value but the filter ended' : `expected a value (in single quotes) but found '${this.rest(12)}'`);
    this.pos += bare.length;
    return bare;
  }
}
