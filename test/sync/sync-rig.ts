// End-to-end rig: a source termbridge app (SIS API + sync) and a second termbridge app as the
// Ed-Fi target on a real loopback port, behind a fault-injecting proxy that can answer 500,
// hang past the client timeout, or forward a request and then lose the answer.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ClientRepository } from '../../src/auth/client-repository.ts';
import { EdfiClient } from '../../src/sync/edfi-client.ts';
import { createTenant, startApp, type Driver, type TestApp, type TestTenant } from '../harness.ts';

// Sync target secrets are sealed at rest: the tests (and the commands they start) need the key.
process.env.TERMBRIDGE_SECRET_KEY ??= randomBytes(32).toString('hex');

export type Fault = '500' | '503' | '429' | 'hang' | 'lose-answer' | '401' | 'key-change-not-supported';

export interface SentRequest {
  method: string;
  path: string;
  body: unknown;
  status: number | null;
}

export class FaultProxy {
  /** Faults applied to the next data-modifying requests (POST/PUT/DELETE on /data), in order. */
  faults: Fault[] = [];
  /** Every request that reached the target. */
  log: SentRequest[] = [];
  private server!: Server;
  url = '';

  constructor(private readonly targetUrl: string) {}

  async start(): Promise<void> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  private async handle(req: IncomingMessage, res: import('node:http').ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    const writes = req.method !== 'GET' && req.url!.startsWith('/data/');
    const fault = writes ? this.faults.shift() : undefined;
    if (fault === '500' || fault === '503' || fault === '429' || fault === '401') {
      res.writeHead(Number(fault), { 'content-type': 'application/json' }).end(JSON.stringify({ status: Number(fault), detail: 'injected' }));
      return;
    }
    if (fault === 'key-change-not-supported') {
      // What an ODS answers when its Data Standard has no cascading key update for the resource.
      res.writeHead(400, { 'content-type': 'application/json' }).end(
        JSON.stringify({ type: 'urn:ed-fi:api:bad-request:data-validation-failed:key-change-not-supported', title: 'Key Change Not Supported', status: 400 }),
      );
      return;
    }
    if (fault === 'hang') {
      setTimeout(() => res.destroy(), 3000).unref();
      return;
    }
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string' && k !== 'host' && k !== 'content-length') headers[k] = v;
    const upstream = await fetch(`${this.targetUrl}${req.url}`, { method: req.method!, headers, ...(body.length ? { body } : {}) });
    const text = await upstream.text();
    if (writes) this.log.push({ method: req.method!, path: req.url!.split('?')[0]!, body: body.length ? JSON.parse(body.toString()) : null, status: upstream.status });
    if (fault === 'lose-answer') {
      res.destroy(); // the target did the work; the caller never hears of it
      return;
    }
    const out: Record<string, string> = {};
    for (const h of ['content-type', 'location', 'etag']) {
      const v = upstream.headers.get(h);
      if (v) out[h] = v;
    }
    res.writeHead(upstream.status, out).end(text);
  }

  close(): Promise<void> {
    return new Promise((r) => this.server.close(() => r()));
  }
}

export interface SyncRig {
  source: TestApp;
  target: TestApp;
  proxy: FaultProxy;
  close(): Promise<void>;
}

export async function startSyncRig(driver: Driver): Promise<SyncRig> {
  const source = await startApp(driver);
  const target = await startApp(driver);
  await target.app.listen({ port: 0, host: '127.0.0.1' });
  const port = (target.app.server.address() as AddressInfo).port;
  const proxy = new FaultProxy(`http://127.0.0.1:${port}`);
  await proxy.start();
  return {
    source,
    target,
    proxy,
    async close() {
      await proxy.close();
      await source.close();
      await target.close();
    },
  };
}

export interface SyncPair {
  /** The district in the source app (SIS side). */
  district: TestTenant;
  /** The state's ODS: a tenant of the target app. */
  ods: TestTenant;
  sisHeaders: { authorization: string };
  odsHeaders: { authorization: string };
  newClient(options?: { timeoutMs?: number }): EdfiClient;
  /** GET on the target app (as the state), parsed. */
  odsGet(path: string): Promise<any>;
}

export async function newPair(rig: SyncRig, schools = 2): Promise<SyncPair> {
  const district = await createTenant(rig.source, { schools: 0 });
  const ods = await createTenant(rig.target, { schools, schoolYears: [2026] });
  const { client, secret } = await new ClientRepository(rig.target.store.db).create(ods.tenantId, 'sync', ['edfi:read', 'edfi:write']);
  const odsHeaders = await ods.auth(['edfi:read']);
  return {
    district,
    ods,
    sisHeaders: await district.auth(['sis:write']),
    odsHeaders,
    newClient: (o = {}) => new EdfiClient({ baseUrl: rig.proxy.url, key: client.clientId, secret }, { timeoutMs: o.timeoutMs ?? 2000 }),
    async odsGet(path: string) {
      const res = await rig.target.app.inject({ method: 'GET', url: path, headers: odsHeaders });
      if (res.statusCode !== 200) throw new Error(`GET ${path} -> ${res.statusCode} ${res.body}`);
      return res.json();
    },
  };
}

/** A Kansas district SIS upload for the ODS tenant's schools. */
export function districtUpload(schoolIds: number[]) {
  const [hs, el] = schoolIds as [number, number];
  const days = (calendarId: string) => {
    const out: Array<{ calendarId: string; date: string; instructional: boolean }> = [];
    for (let t = Date.parse('2025-08-20T00:00:00Z'); t <= Date.parse('2026-05-22T00:00:00Z'); t += 86_400_000) {
      const d = new Date(t);
      out.push({ calendarId, date: d.toISOString().slice(0, 10), instructional: d.getUTCDay() !== 0 && d.getUTCDay() !== 6 });
    }
    return out;
  };
  return {
    schools: [
      { schoolId: hs, name: 'High' },
      { schoolId: el, name: 'Elementary' },
    ],
    calendars: [
      { calendarId: 'hs', schoolId: hs, schoolYear: 2026, name: 'HS' },
      { calendarId: 'el', schoolId: el, schoolYear: 2026, name: 'EL' },
    ],
    terms: [
      { termId: 'hs-s1', calendarId: 'hs', name: 'Semester 1', termTypeCode: 'S1', startDate: '2025-08-20', endDate: '2025-12-19' },
      { termId: 'hs-s2', calendarId: 'hs', name: 'Semester 2', termTypeCode: 'S2', startDate: '2026-01-05', endDate: '2026-05-22' },
      { termId: 'el-yr', calendarId: 'el', name: 'Year', termTypeCode: 'YR', startDate: '2025-08-20', endDate: '2026-05-22' },
    ],
    calendarDays: [...days('hs'), ...days('el')],
    gradingPeriods: [
      { gradingPeriodId: 'gp1', schoolId: hs, schoolYear: 2026, name: 'First Six Weeks', descriptor: 'uri://ed-fi.org/GradingPeriodDescriptor#First Six Weeks', periodSequence: 1, beginDate: '2025-08-20', endDate: '2025-10-03' },
      { gradingPeriodId: 'gp2', schoolId: hs, schoolYear: 2026, name: 'Second Six Weeks', descriptor: 'uri://ed-fi.org/GradingPeriodDescriptor#Second Six Weeks', periodSequence: 2, beginDate: '2025-10-06', endDate: '2025-11-14' },
    ],
    termTypeMappings: [
      { schoolYear: 2026, termTypeCode: 'S1', termDescriptor: 'uri://ed-fi.org/TermDescriptor#Fall Semester' },
      { schoolYear: 2026, termTypeCode: 'S2', termDescriptor: 'uri://ed-fi.org/TermDescriptor#Spring Semester' },
      { schoolYear: 2026, termTypeCode: 'Q1', termDescriptor: 'uri://ed-fi.org/TermDescriptor#First Quarter' },
      { schoolYear: 2026, termTypeCode: 'YR', termDescriptor: 'uri://ed-fi.org/TermDescriptor#Year Round' },
    ],
    syncYears: [{ schoolYear: 2026, stateCode: 'KS', sessionsEnabled: true }],
  };
}
