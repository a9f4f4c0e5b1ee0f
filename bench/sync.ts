// Bench: the SIS -> Ed-Fi sync at state size. 2,000 schools x 3 calendars x 12 terms, 180
// instructional days per calendar (1.08 M calendar-day rows), 6 grading periods per school.
// Measures derive + plan time and memory for the initial sync, an unchanged re-plan, and an
// incremental run after one term changes (which must plan exactly one operation), both
// whole-district and scoped to the changed school as the worker does it. With --store it also
// loads the district into the embedded database and times the stored incremental path.
// With --send N it also sends an N-school district to a second termbridge app (the Ed-Fi target)
// over loopback with OAuth2, and times the worker and one SIS change end to end.
//   node --expose-gc bin/run-ts.js bench/sync.ts [--schools 2000] [--store] [--send 100]
import { mkdirSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { addDays } from '../src/domain/calendar-date.ts';
import { deriveEdfiSessions, type Derivation } from '../src/sync/derive/derive-edfi-sessions.ts';
import { planSync, type SentRecord } from '../src/sync/plan.ts';
import type { SisDataset } from '../src/sync/sis-model.ts';
import { loadStateRuleBook } from '../src/sync/state-rule-book.ts';

const { values } = parseArgs({ args: process.argv.slice(process.argv.findIndex((a) => a.endsWith('sync.ts')) + 1), options: { schools: { type: 'string' }, store: { type: 'boolean' }, send: { type: 'string' } } });
const SCHOOLS = Number(values.schools ?? 2000);
const CALENDARS = 3;
const DAYS = 180;
const CODES = ['Q1', 'Q2', 'Q3', 'Q4', 'S1', 'S2', 'T1', 'T2', 'T3', 'YR', 'SM', 'MT']; // MT: not mapped, never reported
const YEAR = 2026;

function district(): SisDataset {
  const sis: SisDataset = { schools: [], calendars: [], terms: [], calendarDays: [], courseSections: [], gradingPeriods: [], termTypeMappings: [], syncYears: [] };
  // 180 weekdays from 2025-08-18.
  const days: string[] = [];
  for (let d = '2025-08-18'; days.length < DAYS; d = addDays(d, 1)) {
    const dow = new Date(`${d}T00:00:00Z`).getUTCDay();
    if (dow !== 0 && dow !== 6) days.push(d);
  }
  const span = (from: number, to: number) => [days[from]!, days[Math.min(to, DAYS - 1)]!] as const;
  const spans: Record<string, readonly [string, string]> = {
    Q1: span(0, 44), Q2: span(45, 89), Q3: span(90, 134), Q4: span(135, 179),
    S1: span(0, 89), S2: span(90, 179), T1: span(0, 59), T2: span(60, 119), T3: span(120, 179),
    YR: span(0, 179), SM: ['2026-06-01', '2026-07-15'], MT: span(10, 20),
  };
  for (let s = 0; s < SCHOOLS; s++) {
    const schoolId = 255_900_000 + s;
    sis.schools.push({ schoolId, name: `School ${s}`, exclude: false });
    for (let c = 0; c < CALENDARS; c++) {
      const calendarId = `${schoolId}-c${c}`;
      sis.calendars.push({ calendarId, schoolId, schoolYear: YEAR, name: `Calendar ${c}`, exclude: false });
      for (const code of CODES) {
        const [b, e] = spans[code]!;
        // Calendars start a day or two apart, so grouping has real earliest/latest work to do.
        sis.terms.push({ termId: `${calendarId}-${code}`, calendarId, scheduleStructure: `ss${c}`, name: code, termTypeCode: code, startDate: addDays(b, c), endDate: addDays(e, c) });
      }
      for (let i = 0; i < DAYS; i++) sis.calendarDays.push({ calendarId, date: addDays(days[i]!, c), instructional: true });
    }
    for (let g = 0; g < 6; g++) {
      const [b, e] = span(g * 30, g * 30 + 29);
      sis.gradingPeriods.push({ gradingPeriodId: `${schoolId}-gp${g}`, schoolId, schoolYear: YEAR, name: `Six Weeks ${g + 1}`, descriptor: 'uri://ed-fi.org/GradingPeriodDescriptor#Grading Period', periodSequence: g + 1, beginDate: b, endDate: e });
    }
  }
  const descriptor: Record<string, string> = {
    Q1: 'First Quarter', Q2: 'Second Quarter', Q3: 'Third Quarter', Q4: 'Fourth Quarter', S1: 'Fall Semester', S2: 'Spring Semester',
    T1: 'First Trimester', T2: 'Second Trimester', T3: 'Third Trimester', YR: 'Year Round', SM: 'Summer Semester',
  };
  for (const code of CODES.filter((c) => c !== 'MT')) sis.termTypeMappings.push({ schoolYear: YEAR, termTypeCode: code, termDescriptor: `uri://ed-fi.org/TermDescriptor#${descriptor[code]}` });
  sis.syncYears.push({ schoolYear: YEAR, stateCode: 'KS', sessionsEnabled: true });
  return sis;
}

const gc = (globalThis as { gc?: () => void }).gc;
const mb = (n: number) => Math.round((n / 1024 / 1024) * 10) / 10;

function measure<T>(label: string, fn: () => T): { value: T; ms: number; heapDeltaMb: number; heapAfterMb: number; rssMb: number } {
  gc?.();
  const before = process.memoryUsage().heapUsed;
  const t0 = performance.now();
  const value = fn();
  const ms = Math.round((performance.now() - t0) * 10) / 10;
  const after = process.memoryUsage();
  const r = { value, ms, heapDeltaMb: mb(after.heapUsed - before), heapAfterMb: mb(after.heapUsed), rssMb: mb(after.rss) };
  process.stdout.write(`${label.padEnd(46)} ${String(ms).padStart(9)} ms   heap +${r.heapDeltaMb} MB (now ${r.heapAfterMb} MB, rss ${r.rssMb} MB)\n`);
  return r;
}

function acknowledge(d: Derivation): SentRecord[] {
  return d.records.map((r, i) => ({ resource: r.resource, keyText: r.keyText, naturalKey: r.naturalKey, edfiId: `id${i}`, hash: r.hash, sources: r.sources, schoolId: r.schoolId, schoolYear: r.schoolYear, dependsOn: r.dependsOn }));
}

function scopedTo(sis: SisDataset, schoolId: number): SisDataset {
  const calendars = new Set(sis.calendars.filter((c) => c.schoolId === schoolId).map((c) => c.calendarId));
  const terms = new Set(sis.terms.filter((t) => calendars.has(t.calendarId)).map((t) => t.termId));
  return {
    ...sis,
    schools: sis.schools.filter((s) => s.schoolId === schoolId),
    calendars: sis.calendars.filter((c) => calendars.has(c.calendarId)),
    terms: sis.terms.filter((t) => calendars.has(t.calendarId)),
    calendarDays: sis.calendarDays.filter((d) => calendars.has(d.calendarId)),
    courseSections: sis.courseSections.filter((c) => terms.has(c.termId)),
    gradingPeriods: sis.gradingPeriods.filter((g) => g.schoolId === schoolId),
  };
}

const rules = loadStateRuleBook();
process.stdout.write(`SIS -> Ed-Fi sync bench: ${SCHOOLS} schools x ${CALENDARS} calendars x ${CODES.length} terms, ${DAYS} days per calendar; node ${process.version}${gc ? '' : ' (run with --expose-gc for steadier memory figures)'}\n`);
const gen = measure('generate SIS data (not part of the sync)', district);
const sis = gen.value;
process.stdout.write(`  ${sis.terms.length} terms, ${sis.calendarDays.length} calendar days, ${sis.gradingPeriods.length} grading periods\n`);

const derive1 = measure('derive (whole district)', () => deriveEdfiSessions(sis, rules));
const counts = (d: Derivation) => Object.fromEntries(['schoolYearTypes', 'gradingPeriods', 'sessions'].map((r) => [r, d.records.filter((x) => x.resource === r).length]));
process.stdout.write(`  derived ${JSON.stringify(counts(derive1.value))}, ${derive1.value.issues.length} issues\n`);
const plan1 = measure('plan initial sync (empty identity map)', () => planSync(derive1.value, [], { mode: 'incremental' }));
const sent = acknowledge(derive1.value);
const replan = measure('derive + plan, nothing changed', () => planSync(deriveEdfiSessions(sis, rules), sent, { mode: 'incremental' }));

// One term changes: school 1234's first calendar's S2 ends a day later.
const changedSchool = 255_900_000 + Math.min(1234, SCHOOLS - 1);
const term = sis.terms.find((t) => t.termId === `${changedSchool}-c0-S2`)!;
term.endDate = addDays(term.endDate!, 3);
const incremental = measure('derive + plan after one term changed', () => planSync(deriveEdfiSessions(sis, rules), sent, { mode: 'incremental' }));
const sentForSchool = sent.filter((r) => r.schoolId === null || r.schoolId === changedSchool);
const scoped = measure('  same, scoped to the changed school', () => planSync(deriveEdfiSessions(scopedTo(sis, changedSchool), rules), sentForSchool, { mode: 'incremental' }));

const ops = incremental.value.ops.map((o) => `${o.action} ${o.resource} ${o.naturalKey.sessionName ?? ''} @${o.schoolId}`);
process.stdout.write(`  incremental plan: ${ops.join('; ')}\n`);
const ok = incremental.value.ops.length === 1 && scoped.value.ops.length === 1 && incremental.value.ops[0]!.action === 'put' && replan.value.ops.length === 0;

const result: Record<string, unknown> = {
  bench: 'sync',
  at: new Date().toISOString(),
  node: process.version,
  gcExposed: !!gc,
  shape: { schools: SCHOOLS, calendarsPerSchool: CALENDARS, termsPerCalendar: CODES.length, daysPerCalendar: DAYS, terms: sis.terms.length, calendarDays: sis.calendarDays.length, gradingPeriods: sis.gradingPeriods.length },
  derived: counts(derive1.value),
  initial: { deriveMs: derive1.ms, deriveHeapDeltaMb: derive1.heapDeltaMb, planMs: plan1.ms, planOps: plan1.value.ops.length, heapAfterMb: plan1.heapAfterMb, rssMb: plan1.rssMb },
  unchanged: { deriveAndPlanMs: replan.ms, ops: replan.value.ops.length },
  oneTermChanged: { deriveAndPlanMs: incremental.ms, ops: incremental.value.ops.length, scopedToSchoolMs: scoped.ms, scopedOps: scoped.value.ops.length, plannedOps: ops },
  pass: ok,
};

if (values.store) {
  const { openStore } = await import('../src/store/database.ts');
  const { TenantRepository } = await import('../src/store/tenant-repository.ts');
  const { SisRepository } = await import('../src/sync/sis-repository.ts');
  const { enqueueDirty, enqueuePlan } = await import('../src/sync/sync-planning.ts');
  const { recordUpsert } = await import('../src/sync/identity-map.ts');
  const store = await openStore({ dataDir: 'memory://' });
  const tenantId = 'bench';
  await new TenantRepository(store.db).create({ tenantId, name: 'Bench district' });
  term.endDate = addDays(term.endDate!, -3);
  const t0 = performance.now();
  const saved = await new SisRepository(store.db).save(tenantId, sis);
  const loadMs = Math.round(performance.now() - t0);
  process.stdout.write(`${'store: load the district (one transaction)'.padEnd(46)} ${String(loadMs).padStart(9)} ms   ${saved.problems.length} problems\n`);
  const t1 = performance.now();
  const first = await enqueuePlan(store.db, tenantId, { mode: 'incremental', schools: null });
  const planMs = Math.round(performance.now() - t1);
  process.stdout.write(`${'store: derive + plan + enqueue whole district'.padEnd(46)} ${String(planMs).padStart(9)} ms   ${first.ops} ops\n`);
  // Pretend the target acknowledged everything, then change one term through the repository.
  const ack = deriveEdfiSessions(sis, rules);
  await store.db.transaction().execute(async (tx) => {
    for (const r of ack.records) await recordUpsert(tx, tenantId, { ...r, previousKeyText: null, edfiId: null });
  });
  const { sql } = await import('kysely');
  await sql`UPDATE sync_outbox SET status = 'sent' WHERE tenant_id = ${tenantId}`.execute(store.db);
  await new SisRepository(store.db).save(tenantId, { ...district0(), terms: [{ ...term, endDate: addDays(term.endDate!, 3) }] });
  const t2 = performance.now();
  const dirty = await enqueueDirty(store.db, tenantId);
  const dirtyMs = Math.round(performance.now() - t2);
  process.stdout.write(`${'store: one term changed -> worker plans school'.padEnd(46)} ${String(dirtyMs).padStart(9)} ms   ${dirty.ops} op(s) for schools ${JSON.stringify(dirty.schools)}\n`);
  result.store = { loadMs, planEnqueueWholeDistrictMs: planMs, wholeDistrictOps: first.ops, oneTermChangedPlanMs: dirtyMs, oneTermChangedOps: dirty.ops };
  result.pass = ok && dirty.ops === 1;
  await store.close();
}

if (values.send) {
  const n = Number(values.send);
  const { openStore } = await import('../src/store/database.ts');
  const { TenantRepository } = await import('../src/store/tenant-repository.ts');
  const { ClientRepository } = await import('../src/auth/client-repository.ts');
  const { buildApp } = await import('../src/server.ts');
  const { SisRepository } = await import('../src/sync/sis-repository.ts');
  const { enqueueDirty } = await import('../src/sync/sync-planning.ts');
  const { drainOutbox } = await import('../src/sync/worker.ts');
  const { EdfiClient } = await import('../src/sync/edfi-client.ts');
  const small: SisDataset = scopedToSchools(sis, n);
  // BENCH_DATABASE_URL puts both apps on PostgreSQL (tenants get unique names); else PGlite.
  const pgUrl = process.env.BENCH_DATABASE_URL;
  const suffix = Date.now().toString(36);
  const STATE = `state_${suffix}`;
  const DISTRICT = `district_${suffix}`;
  const storeOptions = pgUrl ? { databaseUrl: pgUrl } : { dataDir: 'memory://' };
  // The target: a second termbridge app with the same schools, on a loopback port.
  const targetStore = await openStore(storeOptions);
  const targetApp = await buildApp({ store: targetStore });
  await new TenantRepository(targetStore.db).create({ tenantId: STATE, name: 'State ODS' });
  await new TenantRepository(targetStore.db).addSchoolYear(STATE, YEAR);
  for (const s of small.schools) await new TenantRepository(targetStore.db).addSchool(STATE, { name: s.name, schoolId: s.schoolId });
  const { client, secret } = await new ClientRepository(targetStore.db).create(STATE, 'sync', ['edfi:read', 'edfi:write']);
  await targetApp.listen({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${(targetApp.server.address() as import('node:net').AddressInfo).port}`;
  const store = await openStore(storeOptions);
  await new TenantRepository(store.db).create({ tenantId: DISTRICT, name: 'District' });
  await new SisRepository(store.db).save(DISTRICT, small);
  const edfi = new EdfiClient({ baseUrl: url, key: client.clientId, secret });
  const t0 = performance.now();
  const planned = await enqueueDirty(store.db, DISTRICT);
  const planMs = performance.now() - t0;
  const t1 = performance.now();
  const stats = await drainOutbox(store.db, DISTRICT, edfi, { concurrency: 8 });
  const sendMs = performance.now() - t1;
  const opsPerSecond = Math.round((stats.sent / sendMs) * 1000);
  process.stdout.write(`${`send: plan ${n}-school district`.padEnd(46)} ${String(Math.round(planMs)).padStart(9)} ms   ${planned.ops} ops\n`);
  process.stdout.write(`${'send: worker to a termbridge target (8 at once)'.padEnd(46)} ${String(Math.round(sendMs)).padStart(9)} ms   sent ${stats.sent}, failed ${stats.failed}: ${opsPerSecond} ops/s\n`);
  const changed = small.terms.find((t) => t.termTypeCode === 'S2')!;
  const t2 = performance.now();
  // Three days later than every calendar's S2 (calendars are a day apart), so the session changes.
  await new SisRepository(store.db).save(DISTRICT, { ...district0(), terms: [{ ...changed, endDate: addDays(changed.endDate!, 3) }] });
  const one = await enqueueDirty(store.db, DISTRICT);
  const oneStats = await drainOutbox(store.db, DISTRICT, edfi, { concurrency: 8 });
  const oneMs = Math.round(performance.now() - t2);
  process.stdout.write(`${'send: one term changed, SIS write to ODS ack'.padEnd(46)} ${String(oneMs).padStart(9)} ms   planned ${one.ops}, sent ${oneStats.sent}\n`);
  result.send = { targetDatabase: pgUrl ? 'postgres' : 'pglite', schools: n, ops: planned.ops, planMs: Math.round(planMs), sendMs: Math.round(sendMs), sent: stats.sent, failed: stats.failed, opsPerSecond, oneTermEndToEndMs: oneMs, oneTermOps: one.ops };
  result.pass = result.pass === true && stats.failed === 0 && one.ops === 1 && oneStats.sent === 1;
  await targetApp.close();
  await targetStore.close();
  await store.close();
}

/**
 * The first n schools, without trimesters and with quarter grading periods: termbridge as a
 * target refuses a grading period that begins before the session referencing it (real ODSs do
 * not check this), and six-week periods inside trimesters would trip that check.
 */
function scopedToSchools(sis: SisDataset, n: number): SisDataset {
  const schools = new Set(sis.schools.slice(0, n).map((s) => s.schoolId));
  const calendars = new Set(sis.calendars.filter((c) => schools.has(c.schoolId)).map((c) => c.calendarId));
  const terms = sis.terms.filter((t) => calendars.has(t.calendarId) && !['T1', 'T2', 'T3'].includes(t.termTypeCode ?? ''));
  const gradingPeriods = [...schools].flatMap((schoolId) =>
    ['Q1', 'Q2', 'Q3', 'Q4'].map((code, i) => {
      const q = terms.find((t) => t.termId === `${schoolId}-c0-${code}`)!;
      return { gradingPeriodId: `${schoolId}-nine-${i + 1}`, schoolId, schoolYear: YEAR, name: `Nine Weeks ${i + 1}`, descriptor: 'uri://ed-fi.org/GradingPeriodDescriptor#Grading Period', periodSequence: i + 1, beginDate: q.startDate!, endDate: q.endDate! };
    }),
  );
  return {
    ...sis,
    schools: sis.schools.filter((s) => schools.has(s.schoolId)),
    calendars: sis.calendars.filter((c) => calendars.has(c.calendarId)),
    terms: terms.map((t) => ({ ...t })),
    calendarDays: sis.calendarDays.filter((d) => calendars.has(d.calendarId)),
    courseSections: [],
    gradingPeriods,
  };
}

function district0(): SisDataset {
  return { schools: [], calendars: [], terms: [], calendarDays: [], courseSections: [], gradingPeriods: [], termTypeMappings: [], syncYears: [] };
}

mkdirSync('bench/results', { recursive: true });
const file = `bench/results/sync-${new Date().toISOString().replace(/[:.]/g, '-')}.json`;
writeFileSync(file, JSON.stringify(result, null, 2) + '\n');
process.stdout.write(`${result.pass ? 'PASS' : 'FAIL'}: one changed term planned ${incremental.value.ops.length} operation(s) (scoped: ${scoped.value.ops.length}); results in ${file}\n`);
if (!result.pass) process.exitCode = 1;
