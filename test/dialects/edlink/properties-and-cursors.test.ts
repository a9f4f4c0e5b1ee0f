// What the official Edlink SDK sends and what a client could try: `$properties` (the SDK's
// `properties` option; `$fields` stays an alias) and signed `$cursor`s that cannot be edited,
// agreed on by every server of one database (or of one TERMBRIDGE_CURSOR_KEY).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { CURSOR_KEY_ENV } from '../../../src/dialects/edlink/cursor-key.ts';
import { buildApp } from '../../../src/server.ts';
import { createTenant, drivers, startApp, type TestApp, type TestTenant } from '../../harness.ts';
import { insertSessions, sessionInput } from './fixtures.ts';

const BASE = '/api/v2/graph';
type Json = Record<string, any>;

describe.each(drivers())('Edlink $properties and cursors on %s', (driver) => {
  let t: TestApp;
  let tenant: TestTenant;
  let h: Record<string, string>;
  const others: FastifyInstance[] = [];
  beforeAll(async () => {
    t = await startApp(driver);
    tenant = await createTenant(t);
    h = await tenant.auth(['edlink:read']);
    await insertSessions(t, tenant.tenantId, Array.from({ length: 5 }, (_, i) => sessionInput({ name: `Term ${i}` })));
  });
  afterAll(async () => {
    for (const app of others) await app.close();
    await t?.close();
  });

  async function get(url: string, app: FastifyInstance = t.app): Promise<{ status: number; body: Json }> {
    const res = await app.inject({ url, headers: h });
    return { status: res.statusCode, body: res.json() };
  }
  const pathOf = (next: string) => next.replace(/^https?:\/\/[^/]+/, '');
  /** Another server on the same database, built with the environment as it is now. */
  async function anotherServer(): Promise<FastifyInstance> {
    const app = await buildApp({ store: t.store });
    await app.ready();
    others.push(app);
    return app;
  }

  it('trims objects to $properties, as the SDK’s properties option asks, and keeps $fields as an alias', async () => {
    const list = await get(`${BASE}/sessions?$properties=id,name&$first=2`);
    expect(list.status).toBe(200);
    expect(list.body.$data.map((s: Json) => Object.keys(s).sort())).toEqual([['id', 'name'], ['id', 'name']]);
    const next = await get(pathOf(list.body.$next));
    expect(next.body.$data.map((s: Json) => Object.keys(s).sort())).toEqual([['id', 'name'], ['id', 'name']]);
    const id = list.body.$data[0].id;
    expect((await get(`${BASE}/sessions/${id}?$properties=name,state`)).body.$data).toEqual({ name: 'Term 0', state: expect.any(String) });
    expect((await get(`${BASE}/sessions/${id}?$fields=name`)).body.$data).toEqual({ name: 'Term 0' });
    expect((await get(`${BASE}/sessions/${id}?$fields=name&$properties=name`)).body.$data).toEqual({ name: 'Term 0' });
    const unknown = await get(`${BASE}/sessions/${id}?$properties=name,colour`);
    expect(unknown.body.$warnings).toEqual([{ code: 'INVALID_FIELD_REQUESTED', message: expect.stringContaining('colour') }]);
    const both = await get(`${BASE}/sessions?$properties=id&$fields=name`);
    expect(both.status).toBe(400);
    expect(both.body.$errors[0]).toMatchObject({ code: 'BAD_REQUEST', message: expect.stringContaining('alias') });
  });

  it('refuses a cursor whose expiry, page size or position was edited, and an unsigned one', async () => {
    const first = await get(`${BASE}/sessions?$first=1`);
    const cursor = new URL(first.body.$next).searchParams.get('$cursor')!;
    const [payload, mac] = cursor.split('.') as [string, string];
    const packed = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as unknown[];
    expect((await get(`${BASE}/sessions?$cursor=${cursor}`)).status).toBe(200);
    const edits: [string, (p: unknown[]) => void][] = [
      ['page size', (p) => (p[6] = 10_000)],
      ['expiry', (p) => (p[8] = (p[8] as number) + 365 * 24 * 3600 * 1000)],
      ['position', (p) => (p[7] = 0)],
    ];
    for (const [what, edit] of edits) {
      const changed = structuredClone(packed);
      edit(changed);
      const forged = `${Buffer.from(JSON.stringify(changed)).toString('base64url')}.${mac}`;
      const res = await get(`${BASE}/sessions?$cursor=${forged}`);
      expect(res.status, what).toBe(400);
      expect(res.body.$errors[0]).toMatchObject({ code: 'INVALID_CURSOR', message: expect.stringContaining('changed') });
    }
    const unsigned = await get(`${BASE}/sessions?$cursor=${payload}`);
    expect(unsigned.body.$errors[0].code).toBe('INVALID_CURSOR');
  });

  it('lets every server on the database honour the cursors any of them issued', async () => {
    const second = await anotherServer();
    const first = await get(`${BASE}/sessions?$first=2`);
    const page = await get(pathOf(first.body.$next), second);
    expect(page.status).toBe(200);
    expect(page.body.$data.map((s: Json) => s.name)).toEqual(['Term 2', 'Term 3']);
    expect((await get(pathOf(page.body.$next))).body.$data.map((s: Json) => s.name)).toEqual(['Term 4']);
  });

  it('signs with TERMBRIDGE_CURSOR_KEY when it is set, and refuses a short one', async () => {
    const before = process.env[CURSOR_KEY_ENV];
    try {
      process.env[CURSOR_KEY_ENV] = 'k'.repeat(40);
      const [a, b] = [await anotherServer(), await anotherServer()];
      const issued = await get(`${BASE}/sessions?$first=2`, a);
      expect((await get(pathOf(issued.body.$next), b)).status).toBe(200);
      // A cursor signed with the database's key is not one of this key's.
      expect((await get(pathOf(issued.body.$next))).body.$errors[0].code).toBe('INVALID_CURSOR');
      process.env[CURSOR_KEY_ENV] = 'short';
      await expect(buildApp({ store: t.store })).rejects.toThrow(/TERMBRIDGE_CURSOR_KEY must be a secret of at least 32 characters/);
    } finally {
      if (before === undefined) delete process.env[CURSOR_KEY_ENV];
      else process.env[CURSOR_KEY_ENV] = before;
    }
  });
});
