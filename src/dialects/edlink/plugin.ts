// Edlink-style Graph API v2 sessions under /api/v2/graph: read-only, over the canonical store.
// GET /sessions, /sessions/:id, /schools/:id/sessions, /districts/:id/sessions.
import { randomUUID } from 'node:crypto';
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../app-context.ts';
import { and, type Condition } from '../../query/ast.ts';
import { SessionRepository } from '../../store/session-repository.ts';
import { TenantRepository, type Tenant } from '../../store/tenant-repository.ts';
import { EdlinkError, errorBody, formatEdlinkError, type EdlinkMessage, type EdlinkWarningCode } from './errors.ts';
import { idEquals, parseEdlinkFilter } from './filter.ts';
import { cursorKey } from './cursor-key.ts';
import { CURSOR_LIFETIME_MS, decodeCursor, DEFAULT_PAGE_SIZE, encodeCursor, pageSize, type CursorState } from './paging.ts';
import { RESPONSES } from './schemas.ts';
import { EDLINK_SESSION_FIELDS, todayIn, toEdlinkSession, type EdlinkSession } from './session-object.ts';

export const EDLINK_READ = 'edlink:read';
export const EDLINK_PREFIX = '/api/v2/graph';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const ListQuery = Type.Object(
  {
    $first: Type.Optional(Type.String({ description: 'Page size, 1–10000 (default 100), reading forward in creation order.' })),
    $last: Type.Optional(Type.String({ description: 'Page size, 1–10000, reading backward from the end (newest first).' })),
    $after: Type.Optional(Type.String({ description: 'Start after this session (uuid).' })),
    $before: Type.Optional(Type.String({ description: 'Read backward from before this session (uuid).' })),
    $cursor: Type.Optional(Type.String({ description: 'The opaque cursor from a $next link; valid for 2 hours; overrides the other paging parameters.' })),
    $filter: Type.Optional(Type.String({ description: 'URL-encoded JSON: {"name":[{"operator":"starts with","value":"Fall"}]}' })),
    $properties: Type.Optional(Type.String({ description: 'Comma-separated fields to return, e.g. id,name (the Edlink SDK\'s `properties` option)' })),
    $fields: Type.Optional(Type.String({ description: 'Alias of $properties' })),
    $expand: Type.Optional(Type.String({ description: 'Sessions have no expansions; any value is ignored with an INVALID_EXPANSION warning.' })),
  },
  { additionalProperties: true },
);
type ListQueryT = { $first?: string; $last?: string; $after?: string; $before?: string; $cursor?: string; $filter?: string; $properties?: string; $fields?: string; $expand?: string };
const OneQuery = Type.Object(
  {
    $properties: Type.Optional(Type.String({ description: 'Comma-separated fields to return, e.g. id,name' })),
    $fields: Type.Optional(Type.String({ description: 'Alias of $properties' })),
    $expand: Type.Optional(Type.String()),
  },
  { additionalProperties: true },
);
const IdParams = Type.Object({ id: Type.String() });

/** Which rows a list route covers besides the filter. */
interface ListScope {
  list: string;
  where: Condition | undefined;
}

export const edlinkPlugin: FastifyPluginAsync<AppContext> = async (app, ctx) => {
  ctx.registry.register({
    name: 'edlink',
    prefixes: [EDLINK_PREFIX],
    scopes: {
      [`GET ${EDLINK_PREFIX}/sessions`]: [EDLINK_READ],
      [`GET ${EDLINK_PREFIX}/sessions/:id`]: [EDLINK_READ],
      [`GET ${EDLINK_PREFIX}/schools/:id/sessions`]: [EDLINK_READ],
      [`GET ${EDLINK_PREFIX}/districts/:id/sessions`]: [EDLINK_READ],
    },
    formatError: formatEdlinkError,
  });

  const key = await cursorKey(ctx.store.db);
  const sessions = () => new SessionRepository(ctx.store.db);
  const tenants = () => new TenantRepository(ctx.store.db);

  async function tenantOf(request: FastifyRequest): Promise<Tenant> {
    const tenant = await tenants().get(request.principal.tenantId);
    if (!tenant) throw new EdlinkError('NOT_FOUND', 'The district of this access token no longer exists.', 404);
    return tenant;
  }

  /** Runs a handler, answering EdlinkErrors in Edlink's envelope. */
  async function answer(reply: FastifyReply, requestId: string, work: () => Promise<Record<string, unknown>>): Promise<FastifyReply> {
    try {
      const body = await work();
      return reply.code(200).send({ ...body, $request: requestId });
    } catch (err) {
      if (!(err instanceof EdlinkError)) throw err;
      return reply.code(err.status).send(errorBody([{ code: err.code, message: err.message }], [], requestId));
    }
  }

  const visible: Condition = { op: 'and', args: [{ field: 'status', op: 'eq', value: 'active' }, { field: 'isDefaultTerm', op: 'eq', value: false }] };

  async function list(request: FastifyRequest, reply: FastifyReply, scopeOf: (tenant: Tenant) => Promise<ListScope>) {
    const requestId = randomUUID();
    return answer(reply, requestId, async () => {
      const tenant = await tenantOf(request);
      const scope = await scopeOf(tenant);
      const q = request.query as ListQueryT;
      const warnings: EdlinkMessage<EdlinkWarningCode>[] = [];
      const now = ctx.now();
      let state: Omit<CursorState, 'position' | 'expiresAt'> & { position: number | null };
      if (q.$cursor !== undefined) {
        const c = decodeCursor(q.$cursor, now, key);
        if (c.list !== scope.list || c.tenantId !== tenant.tenantId)
          throw new EdlinkError('INVALID_CURSOR', 'The $cursor belongs to a different list; use it only with the $next link it came from.', 400);
        const ignored: string[] = (['$first', '$last', '$after', '$before'] as const).filter((p) => q[p] !== undefined);
        if (q.$filter !== undefined && q.$filter !== c.filter) ignored.push('$filter');
        if (ignored.length > 0)
          warnings.push({ code: 'PAGING_IGNORED', message: `$cursor overrides the other paging parameters; ignored: ${ignored.join(', ')}.` });
        state = c;
      } else {
        if (q.$first !== undefined && q.$last !== undefined)
          throw new EdlinkError('INVALID_PAGE_SIZE', 'Give either $first or $last, not both.', 400);
        if (q.$after !== undefined && q.$before !== undefined)
          throw new EdlinkError('BAD_REQUEST', 'Give either $after or $before, not both.', 400);
        const size = pageSize('$first', q.$first) ?? pageSize('$last', q.$last) ?? DEFAULT_PAGE_SIZE;
        const backward = q.$before !== undefined || (q.$after === undefined && q.$last !== undefined);
        const anchorId = q.$after ?? q.$before;
        let position: number | null = null;
        if (anchorId !== undefined) {
          const name = q.$after !== undefined ? '$after' : '$before';
          if (!UUID.test(anchorId)) throw new EdlinkError('INVALID_UUID', `${name} must be a session uuid (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx); got ${JSON.stringify(anchorId)}.`, 400);
          const anchor = await sessions().get(tenant.tenantId, anchorId);
          if (!anchor) throw new EdlinkError('NOT_FOUND', `${name}: no session ${anchorId} exists in this district.`, 404);
          position = anchor.rowSeq;
        }
        state = { list: scope.list, tenantId: tenant.tenantId, filter: q.$filter ?? null, fields: requestedProperties(q), direction: backward ? 'backward' : 'forward', size, position };
      }
      const filter = state.filter === null ? { where: undefined, warnings: [] } : parseEdlinkFilter(state.filter);
      warnings.push(...filter.warnings);
      const pick = fieldSelection(requestedProperties(q) ?? state.fields, warnings);
      expansionWarning(q.$expand, warnings);
      const forward = state.direction === 'forward';
      const after: Condition | undefined = state.position === null ? undefined : { field: 'rowSeq', op: forward ? 'gt' : 'lt', value: state.position };
      const found = await sessions().find(tenant.tenantId, {
        where: and(visible, scope.where, filter.where, after),
        sort: [{ field: 'rowSeq', direction: forward ? 'asc' : 'desc' }],
        page: { kind: 'offset', offset: 0, limit: state.size + 1 },
      });
      const rows = found.rows.slice(0, state.size);
      const today = todayIn(tenant.timeZone, now);
      const body: Record<string, unknown> = { $data: rows.map((s) => pick(toEdlinkSession(s, tenant.districtId, today))) };
      if (found.rows.length > state.size) {
        const cursor = encodeCursor({ ...state, position: rows[rows.length - 1]!.rowSeq, expiresAt: now.getTime() + CURSOR_LIFETIME_MS, fields: requestedProperties(q) ?? state.fields }, key);
        body.$next = `${request.protocol}://${request.host}${request.url.split('?')[0]}?$cursor=${cursor}`;
      }
      if (warnings.length > 0) body.$warnings = warnings;
      return body;
    });
  }

  const listSchema = (summary: string, params?: typeof IdParams) => ({
    schema: { summary, tags: ['edlink'], querystring: ListQuery, ...(params ? { params } : {}), response: RESPONSES.list, security: [{ oauth2: [EDLINK_READ] }] },
  });

  app.get(`${EDLINK_PREFIX}/sessions`, listSchema('List sessions (Edlink Graph v2)'), (request, reply) =>
    list(request, reply, async () => ({ list: 'sessions', where: undefined })),
  );

  app.get(`${EDLINK_PREFIX}/districts/:id/sessions`, listSchema("List a district's sessions", IdParams), (request, reply) =>
    list(request, reply, async (tenant) => {
      const id = uuidParam((request.params as { id: string }).id, 'district');
      if (id !== tenant.districtId) throw new EdlinkError('NOT_FOUND', `No district ${id} is visible to this access token.`, 404);
      return { list: `district:${id}`, where: undefined };
    }),
  );

  app.get(`${EDLINK_PREFIX}/schools/:id/sessions`, listSchema("List a school's sessions", IdParams), (request, reply) =>
    list(request, reply, async (tenant) => {
      const id = uuidParam((request.params as { id: string }).id, 'school');
      const org = await tenants().org(tenant.tenantId, id);
      if (!org || org.kind !== 'school' || org.status !== 'active') throw new EdlinkError('NOT_FOUND', `No school ${id} exists in this district.`, 404);
      return { list: `school:${id}`, where: idEquals('schoolOrgId', id) };
    }),
  );

  app.get(
    `${EDLINK_PREFIX}/sessions/:id`,
    { schema: { summary: 'Fetch one session', tags: ['edlink'], params: IdParams, querystring: OneQuery, response: RESPONSES.one, security: [{ oauth2: [EDLINK_READ] }] } },
    (request, reply) => {
      const requestId = randomUUID();
      return answer(reply, requestId, async () => {
        const tenant = await tenantOf(request);
        const id = uuidParam((request.params as { id: string }).id, 'session');
        const session = await sessions().get(tenant.tenantId, id);
        if (!session || session.status !== 'active' || session.properties.canvasDefaultTerm === true)
          throw new EdlinkError('NOT_FOUND', `No session ${id} exists in this district.`, 404);
        const warnings: EdlinkMessage<EdlinkWarningCode>[] = [];
        const pick = fieldSelection(requestedProperties(request.query as ListQueryT), warnings);
        expansionWarning((request.query as { $expand?: string }).$expand, warnings);
        const data = pick(toEdlinkSession(session, tenant.districtId, todayIn(tenant.timeZone, ctx.now())));
        return warnings.length > 0 ? { $data: data, $warnings: warnings } : { $data: data };
      });
    },
  );
};

function uuidParam(raw: string, what: string): string {
  if (!UUID.test(raw)) throw new EdlinkError('INVALID_UUID', `The ${what} id must be a uuid (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx); got ${JSON.stringify(raw)}.`, 400);
  return raw.toLowerCase();
}

/**
 * `$properties=id,name` (what the Edlink SDK's `properties` option sends; `$fields` is its alias)
 * trims each object; null when neither is given. Both at once must agree.
 */
function requestedProperties(q: Pick<ListQueryT, '$properties' | '$fields'>): string | null {
  if (q.$properties !== undefined && q.$fields !== undefined && q.$properties !== q.$fields)
    throw new EdlinkError('BAD_REQUEST', '$fields is an alias of $properties; give one of them (or the same list to both).', 400);
  return q.$properties ?? q.$fields ?? null;
}

/** Trims each object to the requested fields; unknown names are ignored with a warning. */
function fieldSelection(raw: string | null, warnings: EdlinkMessage<EdlinkWarningCode>[]): (s: EdlinkSession) => Partial<EdlinkSession> {
  if (raw === null) return (s) => s;
  const names = raw.split(',').map((n) => n.trim()).filter((n) => n !== '');
  const known = names.filter((n): n is keyof EdlinkSession => (EDLINK_SESSION_FIELDS as readonly string[]).includes(n));
  const unknown = names.filter((n) => !(EDLINK_SESSION_FIELDS as readonly string[]).includes(n));
  if (unknown.length > 0)
    warnings.push({ code: 'INVALID_FIELD_REQUESTED', message: `Ignored unknown fields: ${unknown.join(', ')}. Session fields: ${EDLINK_SESSION_FIELDS.join(', ')}.` });
  if (known.length === 0) return (s) => s;
  return (s) => Object.fromEntries(known.map((k) => [k, s[k]])) as Partial<EdlinkSession>;
}

/** Edlink documents no expansion for sessions: `$expand` is ignored, with a warning. */
function expansionWarning(raw: string | undefined, warnings: EdlinkMessage<EdlinkWarningCode>[]): void {
  if (raw === undefined || raw.trim() === '') return;
  warnings.push({ code: 'INVALID_EXPANSION', message: `Sessions have no expansions; ignored: ${raw}.` });
}
