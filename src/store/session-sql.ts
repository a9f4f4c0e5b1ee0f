// Turns the Query AST into parameterised SQL over the sessions table (alias `s`).
import { sql, type RawBuilder } from 'kysely';
import { CONTENT_FIELDS, SESSION_CONTRACT, type ContentField, type FieldType } from '../domain/session-contract.ts';
import type { Condition, Query, SessionField, SortKey } from '../query/ast.ts';

/** The cast a comparison of each contract type compares as. */
const CAST: Record<FieldType, RawBuilder<unknown>> = {
  uuid: sql`uuid`,
  int: sql`integer`,
  date: sql`date`,
  text: sql`text`,
  sessionType: sql`text`,
  status: sql`text`,
  json: sql`jsonb`,
};

const FILTERABLE = CONTENT_FIELDS.filter((k) => SESSION_CONTRACT[k].filterable);

const COLUMN: Record<string, RawBuilder<unknown>> = {
  // The contract's filterable fields, each its own column.
  ...Object.fromEntries(FILTERABLE.map((k) => [k, sql.ref(`s.${SESSION_CONTRACT[k].column}`)])),
  id: sql`s.id`,
  schoolId: sql`o.school_id`,
  orgId: sql`coalesce(s.school_org_id, (SELECT d.id FROM orgs d WHERE d.tenant_id = s.tenant_id AND d.kind = 'district' ORDER BY d.row_seq LIMIT 1))`,
  changeVersion: sql`s.change_version`,
  createdAt: sql`s.created_at`,
  updatedAt: sql`s.updated_at`,
  canvasId: sql`s.canvas_id`,
  rowSeq: sql`s.row_seq`,
  isDefaultTerm: sql`coalesce((s.properties->>'canvasDefaultTerm')::boolean, false)`,
};

/** Columns whose values are uuids: a value that is not a uuid can never match. */
const UUID_FIELDS = new Set<string>(['id', 'orgId', ...FILTERABLE.filter((k) => SESSION_CONTRACT[k].type === 'uuid')]);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export class UnknownFieldError extends Error {}

export function columnOf(field: SessionField): RawBuilder<unknown> {
  if (field.startsWith('identifierOrId:')) {
    const system = field.slice('identifierOrId:'.length);
    return sql`coalesce((SELECT si.value FROM session_identifiers si WHERE si.tenant_id = s.tenant_id AND si.session_id = s.id AND si.system = ${system}), s.id::text)`;
  }
  if (field.startsWith('identifier:')) {
    const system = field.slice('identifier:'.length);
    return sql`(SELECT si.value FROM session_identifiers si WHERE si.tenant_id = s.tenant_id AND si.session_id = s.id AND si.system = ${system})`;
  }
  const column = Object.hasOwn(COLUMN, field) ? COLUMN[field] : undefined;
  if (!column) throw new UnknownFieldError(`unknown session field ${field}`);
  return column;
}

function castFor(field: SessionField): RawBuilder<unknown> {
  // Comparisons compare as the column's type, so '2025-01-01' compares as a date, not text.
  if ((FILTERABLE as string[]).includes(field)) return CAST[SESSION_CONTRACT[field as ContentField].type];
  switch (field) {
    case 'createdAt':
    case 'updatedAt':
      return sql`timestamptz`;
    case 'schoolId':
    case 'changeVersion':
    case 'canvasId':
    case 'rowSeq':
      return sql`bigint`;
    case 'isDefaultTerm':
      return sql`boolean`;
    case 'id':
    case 'orgId':
      return sql`uuid`;
    default:
      return sql`text`;
  }
}

function textOf(field: SessionField): RawBuilder<unknown> {
  return sql`(${columnOf(field)})::text`;
}

function valueOf(field: SessionField, value: unknown): RawBuilder<unknown> {
  return sql`cast(${value} as ${castFor(field)})`;
}

function likeEscape(value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}

export function conditionSql(c: Condition): RawBuilder<unknown> {
  switch (c.op) {
    case 'and':
      return c.args.length === 0 ? sql`TRUE` : sql`(${sql.join(c.args.map(conditionSql), sql` AND `)})`;
    case 'or':
      return c.args.length === 0 ? sql`FALSE` : sql`(${sql.join(c.args.map(conditionSql), sql` OR `)})`;
    case 'not':
      return sql`NOT coalesce(${conditionSql(c.arg)}, FALSE)`;
    case 'isNull':
      return sql`(${columnOf(c.field)} IS NULL)`;
    case 'isNotNull':
      return sql`(${columnOf(c.field)} IS NOT NULL)`;
    case 'in':
    case 'notIn': {
      const values = c.values.filter((v) => !(UUID_FIELDS.has(c.field) && typeof v === 'string' && !UUID.test(v)));
      if (values.length === 0) return c.op === 'in' ? sql`FALSE` : sql`(${columnOf(c.field)} IS NOT NULL)`;
      const list = sql.join(values.map((v) => valueOf(c.field, v)));
      return c.op === 'in'
        ? sql`(${columnOf(c.field)} IN (${list}))`
        : sql`(${columnOf(c.field)} IS NOT NULL AND ${columnOf(c.field)} NOT IN (${list}))`;
    }
    case 'contains':
    case 'startsWith': {
      const pattern = c.op === 'contains' ? `%${likeEscape(c.value)}%` : `${likeEscape(c.value)}%`;
      return c.caseInsensitive === false
        ? sql`(${textOf(c.field)} LIKE ${pattern})`
        : sql`(${textOf(c.field)} ILIKE ${pattern})`;
    }
    default: {
      const ops = { eq: sql`=`, ne: sql`<>`, gt: sql`>`, gte: sql`>=`, lt: sql`<`, lte: sql`<=` } as const;
      if (c.value === null) return c.op === 'ne' ? sql`(${columnOf(c.field)} IS NOT NULL)` : sql`(${columnOf(c.field)} IS NULL)`;
      if (UUID_FIELDS.has(c.field) && typeof c.value === 'string' && !UUID.test(c.value))
        return c.op === 'ne' ? sql`(${columnOf(c.field)} IS NOT NULL)` : sql`FALSE`;
      if (c.caseInsensitive) return sql`(lower(${textOf(c.field)}) ${ops[c.op]} lower(${String(c.value)}))`;
      return sql`(${columnOf(c.field)} ${ops[c.op]} ${valueOf(c.field, c.value)})`;
    }
  }
}

export function orderSql(sort: SortKey[]): RawBuilder<unknown> {
  const keys = [...sort];
  // Always end on a unique key so equal rows never swap between pages.
  if (!keys.some((k) => k.field === 'rowSeq' || k.field === 'id')) keys.push({ field: 'rowSeq', direction: 'asc' });
  return sql.join(
    keys.map((k) => {
      const nulls = k.nulls === 'first' ? sql` NULLS FIRST` : k.nulls === 'last' ? sql` NULLS LAST` : sql``;
      return sql`${columnOf(k.field)} ${k.direction === 'desc' ? sql`DESC` : sql`ASC`}${nulls}`;
    }),
  );
}

export function whereSql(tenantId: string, query: Pick<Query, 'where' | 'page'>): RawBuilder<unknown> {
  const parts: RawBuilder<unknown>[] = [sql`s.tenant_id = ${tenantId}`];
  if (query.where) parts.push(conditionSql(query.where));
  if (query.page.kind === 'rowRange') parts.push(sql`s.row_seq BETWEEN ${query.page.from} AND ${query.page.to}`);
  return sql.join(parts, sql` AND `);
}
