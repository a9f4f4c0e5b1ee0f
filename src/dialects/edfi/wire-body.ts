// Reading an Ed-Fi JSON body property by property, collecting ODS-style messages keyed by
// JSON path ("$.schoolReference.schoolId": ["SchoolId is required."]).
import { isIsoDate } from '../../domain/calendar-date.ts';

export type ValidationErrors = Record<string, string[]>;

/** `sessionName` → `SessionName`, as ODS names properties in its messages. */
export function propertyLabel(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}

export class BodyReader {
  readonly errors: ValidationErrors = {};
  constructor(private readonly body: Record<string, unknown>) {}

  add(path: string, message: string): void {
    (this.errors[path] ??= []).push(message);
  }

  get ok(): boolean {
    return Object.keys(this.errors).length === 0;
  }

  /** A nested object (reference); reports and returns null when absent or not an object. */
  object(name: string, required = true): BodyReader | null {
    const v = this.body[name];
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
    const v = this.body[name];
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
    return this.body[name] !== undefined;
  }

  protected path(name: string): string {
    return `$.${name}`;
  }

  string(name: string, max: number, options: { required?: boolean; identity?: boolean } = {}): string | null {
    const { required = true, identity = false } = options;
    const v = this.body[name];
    const path = this.path(name);
    if (v === undefined || v === null || v === '') {
      if (required) this.add(path, `${propertyLabel(name)} is required.`);
      return null;
    }
    if (typeof v !== 'string') {
      this.add(path, `${propertyLabel(name)} must be a string.`);
      return null;
    }
    if (v.length > max) this.add(path, `${propertyLabel(name)} must be between 1 and ${max} characters in length.`);
    else if (identity && v.trim() !== v) this.add(path, `${propertyLabel(name)} cannot contain leading or trailing spaces.`);
    else if (v.trim() === '') this.add(path, `${propertyLabel(name)} is required and should not be left blank.`);
    return v;
  }

  integer(name: string, options: { required?: boolean; min?: number; max?: number } = {}): number | null {
    const { required = true, min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER } = options;
    const v = this.body[name];
    const path = this.path(name);
    if (v === undefined || v === null) {
      if (required) this.add(path, `${propertyLabel(name)} is required.`);
      return null;
    }
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
    const v = this.body[name];
    if (v === undefined || v === null) {
      if (required) this.add(this.path(name), `${propertyLabel(name)} is required.`);
      return null;
    }
    if (typeof v !== 'boolean') {
      this.add(this.path(name), `${propertyLabel(name)} must be true or false.`);
      return null;
    }
    return v;
  }

  date(name: string, required = true): string | null {
    const v = this.body[name];
    if (v === undefined || v === null || v === '') {
      if (required) this.add(this.path(name), `${propertyLabel(name)} is required.`);
      return null;
    }
    if (typeof v !== 'string' || !isIsoDate(v)) {
      this.add(this.path(name), `${propertyLabel(name)} must be a date written YYYY-MM-DD; '${String(v)}' is not.`);
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
