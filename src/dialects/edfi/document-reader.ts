// Ed-Fi resource properties termbridge keeps as a document rather than columns (a School's grade
// levels, addresses, identification codes, …; a Session's academic weeks), read from a body by a
// declarative spec: each property's type and limits as the Data Standard gives them, collections
// with their identity (ODS refuses two items with the same identity, and a required collection
// left empty). The result is a clean document: known properties only, spelled as the standard
// spells them, whatever case the client used.
import { Type, type TObject, type TSchema } from '@sinclair/typebox';
import { propertyLabel, type BodyReader } from './wire-body.ts';

export type FieldSpec =
  | { kind: 'string'; max: number; min?: number; required?: boolean }
  | { kind: 'descriptor'; required?: boolean }
  | { kind: 'date'; required?: boolean }
  | { kind: 'boolean' }
  | { kind: 'integer'; min?: number; max?: number; required?: boolean }
  | { kind: 'reference'; fields: DocumentSpec; required?: boolean }
  | { kind: 'collection'; item: DocumentSpec; identity: string[]; required?: boolean };

export type DocumentSpec = Record<string, FieldSpec>;

/** 1st, 2nd, 3rd, 4th, 11th, 12th, 21st … as ODS's Inflector.AddOrdinalSuffix writes them. */
export function ordinal(n: number): string {
  const teen = n % 100 >= 11 && n % 100 <= 13;
  const suffix = teen ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th');
  return `${n}${suffix}`;
}

function identityOf(item: Record<string, unknown>, identity: string[]): string {
  return JSON.stringify(identity.map((k) => (typeof item[k] === 'string' ? (item[k] as string).toLowerCase() : (item[k] ?? null))));
}

/** Reads the spec's properties present in the body; problems go to the reader's errors. */
export function readDocument(r: BodyReader, spec: DocumentSpec): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, field] of Object.entries(spec)) {
    const value = readField(r, name, field);
    if (value !== null && value !== undefined) out[name] = value;
  }
  return out;
}

function readField(r: BodyReader, name: string, f: FieldSpec): unknown {
  switch (f.kind) {
    case 'string':
      return r.string(name, f.max, { required: f.required === true, ...(f.min === undefined ? {} : { min: f.min }) });
    case 'descriptor':
      return r.descriptor(name, f.required === true);
    case 'date':
      return r.date(name, f.required === true);
    case 'boolean':
      return r.boolean(name, false);
    case 'integer':
      return r.integer(name, { required: f.required === true, ...(f.min === undefined ? {} : { min: f.min }), ...(f.max === undefined ? {} : { max: f.max }) });
    case 'reference': {
      const nested = r.object(name, f.required === true);
      return nested ? readDocument(nested, f.fields) : null;
    }
    case 'collection': {
      const items = r.items(name).map((item) => readDocument(item, f.item));
      const given = r.has(name);
      if (f.required && items.length === 0 && (!given || Array.isArray(r.value(name)))) r.add(r.pathOf(name), `${propertyLabel(name)} requires at least one object in the collection.`);
      const seen = new Set<string>();
      items.forEach((item, i) => {
        const key = identityOf(item, f.identity);
        if (seen.has(key)) r.add(r.pathOf(name), `The ${ordinal(i + 1)} item of the ${propertyLabel(name)} collection is a duplicate.`);
        seen.add(key);
      });
      return given ? items : null;
    }
  }
}

/** A stored document with its properties in the spec's order (jsonb keeps no order), items too. */
export function inSpecOrder(doc: Record<string, unknown>, spec: DocumentSpec): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, f] of Object.entries(spec)) {
    const v = doc[name];
    if (v === undefined) continue;
    if (f.kind === 'collection' && Array.isArray(v)) out[name] = v.map((item) => (item && typeof item === 'object' ? inSpecOrder(item as Record<string, unknown>, f.item) : item));
    else if (f.kind === 'reference' && v && typeof v === 'object') out[name] = inSpecOrder(v as Record<string, unknown>, f.fields);
    else out[name] = v;
  }
  return out;
}

/** Every collection of the spec, empty, as ODS writes a resource's collections it has no items for. */
export function emptyCollections(spec: DocumentSpec): Record<string, unknown[]> {
  return Object.fromEntries(Object.entries(spec).filter(([, f]) => f.kind === 'collection').map(([name]) => [name, []]));
}

/** The TypeBox schema of a document spec (for /docs and response serialisation). */
export function documentSchema(spec: DocumentSpec, options: { collectionsAlwaysPresent?: boolean; extra?: Record<string, TSchema> } = {}): TObject {
  const props: Record<string, TSchema> = {};
  for (const [name, f] of Object.entries(spec)) {
    const schema = fieldSchema(f);
    const required = 'required' in f && f.required === true;
    const present = f.kind === 'collection' ? options.collectionsAlwaysPresent === true || required : required;
    props[name] = present ? schema : Type.Optional(schema);
  }
  return Type.Object({ ...props, ...(options.extra ?? {}) });
}

function fieldSchema(f: FieldSpec): TSchema {
  switch (f.kind) {
    case 'string':
      return Type.String({ maxLength: f.max, ...(f.min === undefined ? {} : { minLength: f.min }) });
    case 'descriptor':
      return Type.String({ maxLength: 306, description: 'A descriptor URI: namespace#codeValue.' });
    case 'date':
      return Type.String({ format: 'date' });
    case 'boolean':
      return Type.Boolean();
    case 'integer':
      return Type.Integer({ ...(f.min === undefined ? {} : { minimum: f.min }), ...(f.max === undefined ? {} : { maximum: f.max }) });
    case 'reference':
      return documentSchema(f.fields, { extra: { link: Type.Optional(Type.Object({ rel: Type.String(), href: Type.String() })) } });
    case 'collection':
      return Type.Array(documentSchema(f.item, { collectionsAlwaysPresent: true }));
  }
}
