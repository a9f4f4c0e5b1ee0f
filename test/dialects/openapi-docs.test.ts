// /docs/json is what generated clients are built from: every operation documents what it answers,
// parameters have the types the real API gives them, and what a route answers matches what
// /docs says it answers.
import { Ajv } from 'ajv';
import formatsModule from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTenant, drivers, startApp, type TestApp, type TestTenant } from '../harness.ts';
import { ALL_SCOPES, P, seedCalendar } from './oneroster/fixtures.ts';

const addFormats = ((formatsModule as unknown as { default?: typeof formatsModule }).default ?? formatsModule) as unknown as (ajv: Ajv) => void;

type Operation = { responses?: Record<string, { content?: Record<string, { schema?: unknown }> }>; parameters?: { name: string; in: string; schema: { type?: string } }[] };
type Doc = { paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, unknown> } };

/**
 * A 2xx answer with a body schema, or a documented empty one: a 204, or a write's 2xx declared with no
 * content at all (Ed-Fi's POST upsert answers 200/201 with headers only).
 */
function documentsItsAnswer(method: string, op: Operation): boolean {
  const bodyless = method !== 'get';
  return Object.entries(op.responses ?? {}).some(
    ([status, r]) => status === '204' || (/^2/.test(status) && (r.content === undefined ? bodyless : Object.values(r.content).some((c) => c.schema !== undefined))),
  );
}

describe.each(drivers())('/docs/json on %s', (driver) => {
  let t: TestApp;
  let doc: Doc;
  let tenant: TestTenant;
  let ajv: Ajv;
  beforeAll(async () => {
    t = await startApp(driver);
    doc = (await t.app.inject({ url: '/docs/json' })).json() as Doc;
    tenant = await createTenant(t);
    ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(ajv);
    ajv.addSchema(doc as object, 'docs');
  });
  afterAll(() => t?.close());

  /** The schema /docs gives for `status` of METHOD path, as an ajv validator. */
  function documented(method: string, path: string, status = '200') {
    const pointer = `docs#/paths/${path.replace(/~/g, '~0').replace(/\//g, '~1')}/${method}/responses/${status}/content/application~1json/schema`;
    const validate = ajv.getSchema(pointer);
    if (!validate) throw new Error(`no schema at ${pointer}`);
    return (body: unknown) => {
      if (!validate(body)) throw new Error(`${method.toUpperCase()} ${path} ${status} does not match /docs: ${JSON.stringify(validate.errors)}\n${JSON.stringify(body).slice(0, 600)}`);
    };
  }

  it('documents a response schema for every operation', () => {
    const operations = Object.entries(doc.paths).flatMap(([path, ops]) => Object.entries(ops).map(([method, op]) => ({ key: `${method.toUpperCase()} ${path}`, method, path, op })));
    expect(operations.length).toBeGreaterThan(90);
    const missing = operations.filter((o) => !documentsItsAnswer(o.method, o.op)).map((o) => o.key);
    expect(missing, `operations without a response schema: ${missing.join(', ')}`).toEqual([]);
  });

  it('types OneRoster limit and offset as integers, as the official OpenAPI does', () => {
    for (const [path, ops] of Object.entries(doc.paths)) {
      if (!path.startsWith(P)) continue;
      for (const p of ops.get?.parameters ?? []) if (p.name === 'limit' || p.name === 'offset') expect(p.schema.type, `${path} ${p.name}`).toBe('integer');
    }
    expect(doc.paths[`${P}/academicSessions`]!.get!.parameters!.map((p) => p.name)).toEqual(expect.arrayContaining(['limit', 'offset', 'sort', 'orderBy', 'filter', 'fields']));
  });

  it('answers OneRoster reads, writes and errors as /docs says', async () => {
    const h = await tenant.auth(ALL_SCOPES);
    await seedCalendar(t, tenant, h, 'docs-');
    const list = await t.app.inject({ url: `${P}/academicSessions`, headers: h });
    documented('get', `${P}/academicSessions`)(list.json());
    const one = await t.app.inject({ url: `${P}/terms/docs-t1`, headers: h });
    documented('get', `${P}/terms/{sourcedId}`)(one.json());
    const put = await t.app.inject({
      method: 'PUT',
      url: `${P}/academicSessions/docs-new`,
      headers: h,
      payload: { academicSession: { title: 'New', type: 'term', startDate: '2026-01-05', endDate: '2026-03-01', schoolYear: '2026' } },
    });
    documented('put', `${P}/academicSessions/{sourcedId}`, '201')(put.json());
    const missing = await t.app.inject({ url: `${P}/academicSessions/nope`, headers: h });
    documented('get', `${P}/academicSessions/{sourcedId}`, '4XX')(missing.json());
  });

  it('answers SIS reads and writes as /docs says', async () => {
    const h = await tenant.auth(['sis:write']);
    const put = (url: string, payload: object) => t.app.inject({ method: 'PUT', url, headers: h, payload });
    documented('put', '/sis/v1/schools/{schoolId}', '201')((await put('/sis/v1/schools/255901777', { name: 'Docs High' })).json());
    await put('/sis/v1/calendars/docs-cal', { schoolId: 255901777, schoolYear: 2026, name: 'Docs' });
    await put('/sis/v1/terms/docs-s1', { calendarId: 'docs-cal', name: 'S1', termTypeCode: 'S1', startDate: '2025-08-20', endDate: '2025-12-19' });
    documented('get', '/sis/v1/terms/{termId}')((await t.app.inject({ url: '/sis/v1/terms/docs-s1', headers: h })).json());
    documented('get', '/sis/v1/sync/status')((await t.app.inject({ url: '/sis/v1/sync/status', headers: h })).json());
    documented('get', '/sis/v1/sync/errors')((await t.app.inject({ url: '/sis/v1/sync/errors', headers: h })).json());
    const bad = await put('/sis/v1/terms/docs-s2', { calendarId: 'docs-cal', name: 'S2', startDate: 'soon' });
    expect(bad.statusCode).toBe(400);
    documented('put', '/sis/v1/terms/{termId}', '4XX')(bad.json());
  });
});
