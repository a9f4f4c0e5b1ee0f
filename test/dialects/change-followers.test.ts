// Ten writers at once on PostgreSQL while consumers follow the changes the way the README tells
// them to: an Ed-Fi change-query follower (availableChangeVersions, then the window
// minChangeVersion..newestChangeVersion read with Next-Page-Token) and two OneRoster delta
// followers (`dateLastModified>'<newest seen>'`, and the keyset form that pages any delta), and
// an Edlink `updated_date` follower. Every committed update must reach every follower, and the
// Ed-Fi and OneRoster ones exactly once (the Edlink recipe re-reads by design).
import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROSTER_CORE_READONLY } from '../../src/dialects/oneroster/scopes.ts';
import { buildApp } from '../../src/server.ts';
import { openStore, type Store } from '../../src/store/database.ts';
import { SessionRepository } from '../../src/store/session-repository.ts';
import { createTenant, type TestTenant } from '../harness.ts';
import { DATA, sessionBody } from './edfi/edfi-fixtures.ts';
import { P } from './oneroster/fixtures.ts';

const WRITERS = 10;
const UPDATES = 1500;
/** The value every update writes; seen on a follower, the update reached it. */
const UPDATED_DAYS = 81;

const uuidOf = (edfiId: string) => `${edfiId.slice(0, 8)}-${edfiId.slice(8, 12)}-${edfiId.slice(12, 16)}-${edfiId.slice(16, 20)}-${edfiId.slice(20)}`;

/** What a follower received: how often each updated session arrived in its updated state. */
class Deliveries {
  readonly counts = new Map<string, number>();
  add(id: string): void {
    this.counts.set(id, (this.counts.get(id) ?? 0) + 1);
  }
  report(updated: string[]): { updates: number; missed: number; seenTwice: number } {
    return {
      updates: updated.length,
      missed: updated.filter((id) => !this.counts.has(id)).length,
      seenTwice: [...this.counts.values()].filter((n) => n > 1).length,
    };
  }
}

describe.skipIf(!process.env.TEST_DATABASE_URL)('following changes while ten writers run (PostgreSQL)', () => {
  let store: Store;
  let app: FastifyInstance;
  beforeAll(async () => {
    store = await openStore({ databaseUrl: process.env.TEST_DATABASE_URL, poolSize: WRITERS + 6 });
    app = await buildApp({ store, rateLimit: { max: 1_000_000, timeWindowMs: 60_000 } });
    await app.ready();
  });
  afterAll(async () => {
    await app.close();
    await store.close();
  });

  async function seed(tenant: TestTenant): Promise<{ id: string; body: Record<string, unknown> }[]> {
    const schoolId = tenant.schools[0]!.schoolId!;
    const sessions = await store.db.transaction().execute(async (tx) => {
      const repo = new SessionRepository(tx);
      const out: string[] = [];
      for (let i = 0; i < UPDATES; i++)
        out.push(
          (
            await repo.insert(tenant.tenantId, {
              schoolOrgId: tenant.schools[0]!.id,
              schoolYear: 2026,
              name: `Session ${i}`,
              type: 'term',
              beginDate: '2025-08-13',
              endDate: '2025-12-19',
              parentId: null,
              termDescriptor: 'uri://ed-fi.org/TermDescriptor#Fall Semester',
              gradingPeriodDescriptor: null,
              periodSequence: null,
              totalInstructionalDays: 80,
            })
          ).id,
        );
      return out;
    });
    return sessions.map((id, i) => ({ id, body: sessionBody(schoolId, { sessionName: `Session ${i}`, totalInstructionalDays: UPDATED_DAYS }) }));
  }

  async function writeAll(headers: Record<string, string>[], targets: { id: string; body: Record<string, unknown> }[]): Promise<void> {
    let next = 0;
    await Promise.all(
      headers.map(async (h) => {
        for (let i = next++; i < targets.length; i = next++) {
          const { id, body } = targets[i]!;
          const r = await app.inject({ method: 'PUT', url: `${DATA}/sessions/${id.replaceAll('-', '')}`, headers: h, payload: body });
          if (r.statusCode !== 204) throw new Error(`PUT ${id}: ${r.statusCode} ${r.body}`);
        }
      }),
    );
  }

  /** availableChangeVersions, then min..newest item by item with Next-Page-Token, until stopped. */
  async function followEdfi(h: Record<string, string>, stopped: () => boolean, got: Deliveries): Promise<void> {
    const newest = async () => Number((await app.inject({ url: '/changeQueries/v1/availableChangeVersions', headers: h })).json().newestChangeVersion);
    let last = await newest();
    for (let finalRound = false; ; ) {
      finalRound = stopped();
      const target = await newest();
      if (target > last) {
        let url = `${DATA}/sessions?minChangeVersion=${last + 1}&maxChangeVersion=${target}&limit=500`;
        for (;;) {
          const r = await app.inject({ url, headers: h });
          const items = r.json() as { id: string; totalInstructionalDays?: number }[];
          for (const s of items) if (s.totalInstructionalDays === UPDATED_DAYS) got.add(uuidOf(s.id));
          const token = r.headers['next-page-token'];
          if (items.length === 0 || !token) break;
          url = `${DATA}/sessions?minChangeVersion=${last + 1}&maxChangeVersion=${target}&pageToken=${encodeURIComponent(String(token))}&pageSize=500`;
        }
        last = target;
      }
      if (finalRound) return;
      await sleep(2);
    }
  }

  type Academic = { sourcedId: string; dateLastModified: string; metadata?: { totalInstructionalDays?: number } };

  /**
   * The README's delta: `dateLastModified>'<newest seen>'`, sorted by dateLastModified and
   * continued from the last row (dateLastModified, sourcedId) when a page is full.
   */
  async function followOneRoster(h: Record<string, string>, stopped: () => boolean, got: Deliveries, keyset: boolean): Promise<void> {
    const limit = 1000;
    const first = await app.inject({ url: `${P}/academicSessions?sort=dateLastModified&orderBy=desc&limit=1`, headers: h });
    let since = (first.json().academicSessions as Academic[])[0]!.dateLastModified;
    let after: string | null = null;
    for (let finalRound = false; ; ) {
      finalRound = stopped();
      if (finalRound) await sleep(5); // past the millisecond of the last write
      for (;;) {
        const filter: string = after === null ? `dateLastModified>'${since}'` : `dateLastModified>'${since}' OR (dateLastModified='${since}' AND sourcedId>'${after}')`;
        const r = await app.inject({ url: `${P}/academicSessions?filter=${encodeURIComponent(filter)}&sort=dateLastModified&limit=${limit}`, headers: h });
        if (r.statusCode !== 200) throw new Error(`OneRoster delta: ${r.statusCode} ${r.body}`);
        const rows = r.json().academicSessions as Academic[];
        for (const s of rows) if (s.metadata?.totalInstructionalDays === UPDATED_DAYS) got.add(s.sourcedId);
        const tail = rows.at(-1);
        if (tail) {
          // Rows come ordered by (dateLastModified, sourcedId): the tail is its millisecond's last.
          if (keyset) after = tail.sourcedId;
          since = tail.dateLastModified;
        }
        if (rows.length < limit) break;
        if (!keyset) throw new Error('a full page: the plain delta follower cannot page');
      }
      if (finalRound) return;
      await sleep(2);
    }
  }

  type EdlinkSession = { id: string; updated_date: string; properties: { total_instructional_days?: number } };

  /**
   * The README's Edlink recipe: walk `updated_date gt X` to the end of `$next`, then X = the
   * largest updated_date on that walk's first page.
   */
  async function followEdlink(h: Record<string, string>, stopped: () => boolean, got: Deliveries): Promise<void> {
    const newest = await app.inject({ url: `/api/v2/graph/sessions?$last=1`, headers: h });
    let since = (newest.json().$data as EdlinkSession[])[0]!.updated_date;
    for (let finalRound = false; ; ) {
      finalRound = stopped();
      if (finalRound) await sleep(5);
      const filter = JSON.stringify({ updated_date: [{ operator: 'gt', value: since }] });
      let url: string | null = `/api/v2/graph/sessions?$first=500&$filter=${encodeURIComponent(filter)}`;
      let firstPage: EdlinkSession[] | null = null;
      while (url) {
        const r = await app.inject({ url, headers: h });
        if (r.statusCode !== 200) throw new Error(`Edlink: ${r.statusCode} ${r.body}`);
        const body = r.json() as { $data: EdlinkSession[]; $next?: string };
        for (const s of body.$data) if (s.properties.total_instructional_days === UPDATED_DAYS) got.add(s.id);
        firstPage ??= body.$data;
        url = body.$next ? new URL(body.$next).pathname + new URL(body.$next).search : null;
      }
      for (const s of firstPage ?? []) if (s.updated_date > since) since = s.updated_date;
      if (finalRound && (firstPage ?? []).length === 0) return;
      if (!finalRound) await sleep(2);
    }
  }

  it(`every follower receives each of ${UPDATES} updates exactly once`, { timeout: 120_000 }, async () => {
    const tenant = await createTenant({ store });
    const targets = await seed(tenant);
    const writers = await Promise.all(Array.from({ length: WRITERS }, () => tenant.auth(['edfi:read', 'edfi:write'])));
    const edfi = await tenant.auth(['edfi:read']);
    const oneRoster = await tenant.auth([ROSTER_CORE_READONLY]);
    const edlink = await tenant.auth(['edlink:read']);
    let done = false;
    const stopped = () => done;
    const viaEdfi = new Deliveries();
    const viaDelta = new Deliveries();
    const viaKeyset = new Deliveries();
    const viaEdlink = new Deliveries();
    const followers = Promise.all([
      followEdfi(edfi, stopped, viaEdfi),
      followOneRoster(oneRoster, stopped, viaDelta, false),
      followOneRoster(oneRoster, stopped, viaKeyset, true),
      followEdlink(edlink, stopped, viaEdlink),
    ]);
    try {
      await writeAll(writers, targets);
    } finally {
      done = true;
    }
    await followers;
    const updated = targets.map((x) => x.id);
    const reports = { edfi: viaEdfi.report(updated), oneRosterDelta: viaDelta.report(updated), oneRosterKeyset: viaKeyset.report(updated), edlink: viaEdlink.report(updated) };
    console.log('followers after %d updates by %d writers: %j', UPDATES, WRITERS, reports);
    const clean = { updates: UPDATES, missed: 0, seenTwice: 0 };
    expect(reports).toEqual({ edfi: clean, oneRosterDelta: clean, oneRosterKeyset: clean, edlink: { updates: UPDATES, missed: 0, seenTwice: expect.any(Number) } });
  });
});
