// Reading an Ed-Fi JSON body property by property, collecting ODS-style messages keyed by
// JSON path ("$.schoolReference.schoolId": ["SchoolId is required."]). Values are read the way
// ODS's Json.NET reads them: property names match case-insensitively (the last one written wins),
// integers may come as numeric strings ("9011"), booleans as "true"/"false", and a string
// property takes a number or boolean as its text.
import { shownValue } from '../../domain/shown-value.ts';
import { isIsoDate } from '../../domain/calendar-date.ts';

export type ValidationErrors = Record<string, string[]>;

/** `sessionName` → `SessionName`, as ODS names properties in its messages. */
export function propertyLabel(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}

/**
 * The value of `name` in a JSON object as Json.NET binds it: any key equal ignoring case, the
 * last such key in document order winning (Json.NET sets the property once per occurrence).
 */
export function propertyOf(body: Record<string, unknown>, name: string): unknown {
  if (Object.keys(body).length === 0) return undefined;
  const wanted = name.toLowerCase();
  let value: unknown;
  for (const [key, v] of Object.entries(body)) if (key.toLowerCase() === wanted) value = v;
  return value;
}

const WHOLE_NUMBER = /^\s*[-+]?\d{1,16}\s*$/;

export class BodyReader {
  readonly errors: ValidationErrors = {};
  constructor(private readonly body: Record<string, unknown>) {}

  /** The raw value of a property, matched as Json.NET matches it. */
  value(name: string): unknown {
    return propertyOf(this.body, name);
  }

  add(path: string, message: string): void {
    (this.errors[path] ??= []).push(message);
  }

  get ok(): boolean {
    return Object.keys(this.errors).length === 0;
  }

  /** A nested object (reference); reports and returns null when absent or not an object. */
  object(name: string, required = true): BodyReader | null {
    const v = this.value(name);
    const path = this.path(name);
    if (v === undefined || v === null) {
      if (required) this.add(path, `${propertyLabel(name)} is required.`);
      return null;
    }
    if (typeof v !== 'object' || Array.isArray(v)) {
      this.add(path, `${propertyLabel(name)} must be an object.`);
      return null;
    }
    return new NestedReader(v as Record<string, unknown>, this, path);
  }

  /** The items of an array of objects, each read under its own path (`$.gradingPeriods[0]`). */
  items(name: string): BodyReader[] {
    const v = this.value(name);
    const path = this.path(name);
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v)) {
      this.add(path, `${propertyLabel(name)} must be an array.`);
      return [];
    }
    const out: BodyReader[] = [];
    v.forEach((item, i) => {
      if (item && typeof item === 'object' && !Array.isArray(item)) out.push(new NestedReader(item as Record<string, unknown>, this, `${path}[${i}]`));
      else this.add(`${path}[${i}]`, `Each ${propertyLabel(name)} item must be an object.`);
    });
    return out;
  }

  has(name: string): boolean {
    return this.value(name) !== undefined;
  }

  /** The JSON path of a property of this object. */
  pathOf(name: string): string {
    return this.path(name);
  }

  protected path(name: string): string {
    return `$.${name}`;
  }

  string(name: string, max: number, options: { required?: boolean; identity?: boolean; min?: number } = {}): string | null {
    const { required = true, identity = false, min = 1 } = options;
    const raw = this.value(name);
    const path = this.path(name);
    if (raw === undefined || raw === null || raw === '') {
      if (required) this.add(path, `${propertyLabel(name)} is required.`);
      return null;
    }
    const v = typeof raw === 'number' || typeof raw === 'boolean' ? String(raw) : raw;
    if (typeof v !== 'string') {
      this.add(path, `${propertyLabel(name)} must be a string.`);
      return null;
    }
    if (v.length > max || v.length < min) this.add(path, `${propertyLabel(name)} must be between ${min} and ${max} characters in length.`);
    else if (identity && v.trim() !== v) this.add(path, `${propertyLabel(name)} cannot contain leading or trailing spaces.`);
    else if (v.trim() === '') this.add(path, `${propertyLabel(name)} is required and should not be left blank.`);
    return v;
  }

  integer(name: string, options: { required?: boolean; min?: number; max?: number } = {}): number | null {
    const { required = true, min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER } = options;
    const raw = this.value(name);
    const path = this.path(name);
    if (raw === undefined || raw === null || raw === '') {
      if (required) this.add(path, `${propertyLabel(name)} is required.`);
      return null;
    }
    const v = typeof raw === 'string' && WHOLE_NUMBER.test(raw) ? Number(raw) : raw;
    if (typeof v !== 'number' || !Number.isSafeInteger(v)) {
      this.add(path, `${propertyLabel(name)} must be a whole number.`);
      return null;
    }
    if (v < min || v > max) {
      this.add(path, `${propertyLabel(name)} must be between ${min} and ${max}.`);
      return null;
    }
    return v;
  }

  boolean(name: string, required = true): boolean | null {
    const raw = this.value(name);
    if (raw === undefined || raw === null || raw === '') {
      if (required) this.add(this.path(name), `${propertyLabel(name)} is required.`);
      return null;
    }
    const text = typeof raw === 'string' ? raw.trim().toLowerCase() : null;
    const v = text === 'true' ? true : text === 'false' ? false : typeof raw === 'number' ? raw !== 0 : raw;
    if (typeof v !== 'boolean') {
      this.add(this.path(name), `${propertyLabel(name)} must be true or false.`);
      return null;
    }
    return v;
  }

  date(name: string, required = true): string | null {
    const v = this.value(name);
    if (v === undefined || v === null || v === '') {
      if (required) this.add(this.path(name), `${propertyLabel(name)} is required.`);
      return null;
    }
    if (typeof v !== 'string' || !isIsoDate(v)) {
      this.add(this.path(name), `${propertyLabel(name)} must be a date written YYYY-MM-DD; '${shownValue(v)}' is not.`);
      return null;
    }
    return v;
  }

  /** A descriptor URI: the '#' check here; whether it exists is the resolver's job. */
  descriptor(name: string, required = true): string | null {
    const v = this.string(name, 306, { required });
    if (v !== null && !v.includes('#'))
      this.add(
        this.path(name),
        `${propertyLabel(name)} value '${v}' is not a valid value for use as a descriptor (a '#' is expected to delineate the namespace and code value portions).`,
      );
    return v;
  }
}

class NestedReader extends BodyReader {
  constructor(
    body: Record<string, unknown>,
    private readonly parent: BodyReader,
    private readonly prefix: string,
  ) {
    super(body);
  }
  override add(path: string, message: string): void {
    this.parent.add(path, message);
  }
  protected override path(name: string): string {
    return `${this.prefix}.${name}`;
  }
}

/** A body must be a JSON object and must not carry a client-chosen id. */
export function bodyObject(body: unknown): Record<string, unknown> | 'empty' | 'notObject' {
  if (body === undefined || body === null || body === '') return 'empty';
  if (typeof body !== 'object' || Array.isArray(body)) return 'notObject';
  return body as Record<string, unknown>;
}
