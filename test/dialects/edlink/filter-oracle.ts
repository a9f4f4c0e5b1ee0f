// An in-memory reading of Edlink's $filter over the wire objects, written from the docs'
// wording and independent of the parser: the property tests compare the server with it.
type Clause = { operator: string; value?: string };
export type EdlinkFilter = Record<string, Clause[]>;
type WireSession = Record<string, unknown>;

// ASCII-only case folding: the generated names are ASCII, and that is what both PostgreSQL
// locales fold identically.
const fold = (s: string) => s.replace(/[A-Z]/g, (c) => c.toLowerCase());

function instant(value: string): number {
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return Date.parse(`${value}T00:00:00.000Z`);
  return Date.parse(value);
}

function clauseHolds(field: string, c: Clause, row: WireSession): boolean {
  const v = row[field] as string | null;
  switch (c.operator) {
    case 'equals':
      return field.endsWith('_date') ? v !== null && Date.parse(v) === instant(c.value!) : v === c.value;
    case 'in':
      return v !== null && c.value!.split(',').includes(v);
    case 'not in':
      return v !== null && !c.value!.split(',').includes(v);
    case 'starts with':
      return v !== null && fold(v).startsWith(fold(c.value!));
    case 'contains':
      return v !== null && fold(v).includes(fold(c.value!));
    case 'is known':
      return v !== null;
    case 'is unknown':
      return v === null;
    case 'gt':
      return v !== null && Date.parse(v) > instant(c.value!);
    case 'gte':
      return v !== null && Date.parse(v) >= instant(c.value!);
    case 'lt':
      return v !== null && Date.parse(v) < instant(c.value!);
    case 'lte':
      return v !== null && Date.parse(v) <= instant(c.value!);
    default:
      throw new Error(`oracle: unknown operator ${c.operator}`);
  }
}

export function matches(filter: EdlinkFilter, row: WireSession): boolean {
  return Object.entries(filter).every(([field, clauses]) => clauses.every((c) => clauseHolds(field, c, row)));
}
