// termbridge sync target set|show, plan, run, worker, resync, errors, status — the SIS -> Ed-Fi
// sync of one tenant. See README "SIS → Ed-Fi sync".
import { sql } from 'kysely';
import type { Db } from '../store/database.ts';
import { archiveError, listErrors, retryErrors, type ErrorState } from '../sync/error-log.ts';
import { outboxCounts, pruneOutbox } from '../sync/outbox.ts';
import type { PlannedOp } from '../sync/plan.ts';
import { resync } from '../sync/resync.ts';
import { enqueueDirty, enqueuePlan, planTenant } from '../sync/sync-planning.ts';
import { checkTarget } from '../sync/target-check.ts';
import { describeSchoolChange, listSchoolChanges } from '../sync/school-changes.ts';
import { enqueueSchoolDelete, planSchoolDelete } from '../sync/school-delete.ts';
import { getTargets, setTarget } from '../sync/target-repository.ts';
import { hasAnyTarget, routeTargets } from '../sync/target-router.ts';
import { drainOutbox } from '../sync/worker.ts';
import { parse, UsageError } from './args.ts';
import { takeSecret } from './secret-input.ts';

export const TARGET_SECRET_ENV = 'TERMBRIDGE_TARGET_SECRET';
import { openExclusiveStore } from './exclusive-store.ts';

export const SYNC_USAGE =
  'sync target set --url URL --key K --secret-stdin (or TERMBRIDGE_TARGET_SECRET) [--year 2026] | target show | target check | plan [--school ID] [--resync] | run [--school ID] | worker [--interval SECONDS] [--once] (run and worker: [--request-timeout SECONDS]) | resync [--school ID] [--resource sessions|gradingPeriods] | delete --school OLD [--confirm] | errors [--state open|archived|all] [--retry ID | --retry-all | --archive ID] | status   (all take --tenant T [--data-dir DIR])';

const OPTIONS = {
  tenant: { type: 'string' },
  'data-dir': { type: 'string' },
  url: { type: 'string' },
  key: { type: 'string' },
  secret: { type: 'string' },
  'secret-stdin': { type: 'boolean' },
  'request-timeout': { type: 'string' },
  year: { type: 'string' },
  school: { type: 'string', multiple: true },
  resource: { type: 'string', multiple: true },
  resync: { type: 'boolean' },
  interval: { type: 'string' },
  once: { type: 'boolean' },
  concurrency: { type: 'string' },
  state: { type: 'string' },
  retry: { type: 'string' },
  'retry-all': { type: 'boolean' },
  archive: { type: 'string' },
  json: { type: 'boolean' },
  confirm: { type: 'boolean' },
} as const;

export async function syncCommand(argv: string[]): Promise<void> {
  const { values, positionals } = parse(argv, OPTIONS);
  const [sub, subsub] = positionals;
  const tenantId = values.tenant;
  if (!tenantId) throw new UsageError('--tenant is required');
  const schools = values.school?.map((s) => {
    if (!/^\d+$/.test(s)) throw new UsageError(`--school '${s}' must be a numeric schoolId`);
    return Number(s);
  });
  const store = await openExclusiveStore(values['data-dir'], `sync ${sub ?? ''}`.trim());
  const out = (s: string): void => void process.stdout.write(`${s}\n`);
  try {
    const db = store.db;
    const t = await sql`SELECT 1 FROM tenants WHERE tenant_id = ${tenantId}`.execute(db);
    if (t.rows.length === 0) throw new Error(`tenant '${tenantId}' does not exist`);
    const client = async () => {
      const targets = await getTargets(db, tenantId);
      if (!hasAnyTarget(targets)) throw new Error(`no Ed-Fi target for tenant '${tenantId}'; run: termbridge sync target set --tenant ${tenantId} --url URL --key KEY --secret-stdin`);
      return routeTargets(tenantId, targets, timeoutMs === undefined ? {} : { timeoutMs });
    };
    const timeoutMs = values['request-timeout'] === undefined ? undefined : Number(values['request-timeout']) * 1000;
    if (timeoutMs !== undefined && !(timeoutMs > 0)) throw new UsageError(`--request-timeout '${values['request-timeout']}' must be a number of seconds above 0`);
    const year = values.year === undefined ? undefined : Number(values.year);
    if (year !== undefined && (!Number.isInteger(year) || year < 1991 || year > 2100)) throw new UsageError(`--year '${values.year}' must be a school year such as 2026`);
    const concurrency = values.concurrency ? Number(values.concurrency) : 4;
    switch (sub) {
      case 'target': {
        if (subsub === 'set') {
          const secret = await takeSecret({ argv: values.secret, argvFlag: '--secret', stdin: values['secret-stdin'], stdinFlag: '--secret-stdin', envName: TARGET_SECRET_ENV });
          await setTarget(db, tenantId, { baseUrl: values.url ?? '', key: values.key ?? '', secret: secret ?? '' }, year);
          out(`target for ${tenantId}${year === undefined ? '' : ` school year ${year}`}: ${values.url}`);
        } else if (subsub === 'show') {
          const targets = await getTargets(db, tenantId, { secrets: false });
          if (!hasAnyTarget(targets)) out('no target set');
          if (targets.default) out(`default: ${targets.default.baseUrl} (key ${targets.default.key})`);
          for (const [y, t] of [...targets.byYear].sort(([a], [b]) => a - b)) out(`${y}: ${t.baseUrl} (key ${t.key})`);
        } else if (subsub === 'check') {
          const report = await checkTarget(db, tenantId, await client());
          for (const line of report.lines) out(line);
          if (!report.ok) process.exitCode = 1;
        } else throw new UsageError(`sync target ${subsub ?? ''}: expected set, show or check`);
        return;
      }
      case 'plan': {
        const { plan, derivation } = await planTenant(db, tenantId, { mode: values.resync ? 'resync' : 'incremental', schools: schools ?? null });
        if (values.json) {
          out(JSON.stringify({ ops: plan.ops, issues: derivation.issues }, null, 2));
          return;
        }
        out(opsTable(plan.ops));
        for (const c of plan.schoolChanges)
          out(`school id change: ${c.oldSchoolId} -> ${c.newSchoolId}: ${c.keyTexts.length} item(s) stay under ${c.oldSchoolId}; ${c.newSchoolId} is sent by a resync`);
        out(`${plan.ops.length} operation(s); ${derivation.records.length} Ed-Fi item(s) derived; ${derivation.issues.length} held back by errors (see: termbridge sync errors)`);
        for (const i of derivation.issues.slice(0, 10)) out(`  held: school ${i.schoolId} ${i.schoolYear} ${i.sources.join(',')}: ${i.message}`);
        return;
      }
      case 'run': {
        const c = await client();
        const planned = await enqueuePlan(db, tenantId, { mode: 'incremental', schools: schools ?? null });
        if (planned.deferred) out('another worker has operations in flight; sending what is queued');
        const stats = await drainOutbox(db, tenantId, c, { concurrency });
        out(`planned ${planned.ops} operation(s); sent ${stats.sent}, failed ${stats.failed}, held ${stats.blocked}, retries ${stats.retried}, still queued ${stats.left}`);
        if (stats.failed || stats.blocked) out('see: termbridge sync errors --tenant ' + tenantId);
        return;
      }
      case 'worker': {
        const c = await client();
        const interval = Number(values.interval ?? 2) * 1000;
        for (let round = 0; ; round++) {
          // The outbox keeps a week of sent operations for inspection.
          if (round % 1000 === 0) await pruneOutbox(db, tenantId, 7);
          const planned = await enqueueDirty(db, tenantId);
          const stats = await drainOutbox(db, tenantId, c, { concurrency, deadlineMs: interval });
          if (planned.ops || stats.sent || stats.failed || stats.blocked) out(`${new Date().toISOString()} planned ${planned.ops}, sent ${stats.sent}, failed ${stats.failed}, held ${stats.blocked}`);
          if (values.once) return;
          await new Promise((r) => setTimeout(r, interval));
        }
      }
      case 'resync': {
        const resources = values.resource?.map((r) => {
          if (r !== 'sessions' && r !== 'gradingPeriods') throw new UsageError(`--resource '${r}': expected sessions or gradingPeriods`);
          return r;
        });
        const c = await client();
        const report = await resync(db, tenantId, c, { schools, resources });
        const stats = await drainOutbox(db, tenantId, c, { concurrency });
        out(`resync: ${report.forgotten} identity-map row(s) not in the ODS dropped, ${report.orphans} ODS item(s) without identity-map row found; planned ${report.enqueued.ops}; sent ${stats.sent}, failed ${stats.failed}, held ${stats.blocked}`);
        return;
      }
      case 'errors':
        return await errorsCommand(db, tenantId, values, out);
      case 'delete': {
        if (!schools || schools.length !== 1) throw new UsageError('sync delete needs exactly one --school (the school id whose items to remove from the target)');
        const schoolId = schools[0]!;
        if (!values.confirm) {
          const ops = await planSchoolDelete(db, tenantId, schoolId);
          out(opsTable(ops));
          out(`${ops.length} item(s) of school ${schoolId} would be deleted from the target; nothing was sent. To delete them: termbridge sync delete --tenant ${tenantId} --school ${schoolId} --confirm`);
          return;
        }
        const c = await client();
        const ops = await enqueueSchoolDelete(db, tenantId, schoolId);
        const stats = await drainOutbox(db, tenantId, c, { concurrency });
        out(`deleting ${ops.length} item(s) of school ${schoolId}: sent ${stats.sent}, failed ${stats.failed}, still queued ${stats.left}`);
        if (stats.failed) out('see: termbridge sync errors --tenant ' + tenantId);
        return;
      }
      case 'status': {
        const c = await outboxCounts(db, tenantId);
        out(`pending ${c.pending}, in flight ${c.inFlight}, sent ${c.sent}, failed ${c.failed}, held ${c.blocked}, superseded ${c.superseded}`);
        for (const change of await listSchoolChanges(db, tenantId)) for (const line of describeSchoolChange(change, tenantId)) out(line);
        return;
      }
      default:
        throw new UsageError(`unknown sync subcommand '${sub ?? ''}'`);
    }
  } finally {
    await store.close();
  }
}

async function errorsCommand(db: Db, tenantId: string, values: { state?: string; retry?: string; 'retry-all'?: boolean; archive?: string; json?: boolean }, out: (s: string) => void) {
  if (values.retry !== undefined || values['retry-all']) {
    const id = values['retry-all'] ? 'all' : Number(values.retry);
    if (id !== 'all' && !Number.isInteger(id)) throw new UsageError(`--retry '${values.retry}' must be an error id`);
    const n = await retryErrors(db, tenantId, id);
    if (n === 0) throw new Error(id === 'all' ? 'no open errors to retry' : `no open or archived error ${id}`);
    return out(`${n} error(s) queued for retry; the worker (or 'termbridge sync run') re-plans and sends them`);
  }
  if (values.archive !== undefined) {
    if (!(await archiveError(db, tenantId, Number(values.archive)))) throw new Error(`no open error ${values.archive}`);
    return out(`archived error ${values.archive}`);
  }
  const state = (values.state ?? 'open') as ErrorState | 'all';
  if (!['open', 'archived', 'retried', 'resolved', 'all'].includes(state)) throw new UsageError(`--state '${state}': expected open, archived, retried, resolved or all`);
  const errors = await listErrors(db, tenantId, { state, limit: 500 });
  if (values.json) return out(JSON.stringify(errors, null, 2));
  if (errors.length === 0) return out(`no ${state === 'all' ? '' : `${state} `}errors`);
  for (const e of errors) {
    out(`#${e.errorId} [${e.state}] ${e.kind} ${e.action ?? ''} ${e.resource} school ${e.schoolId ?? '-'} ${e.schoolYear ?? ''}${e.responseStatus ? ` HTTP ${e.responseStatus}` : ''}`);
    out(`    ${e.message}`);
    if (e.keyText) out(`    item: ${e.keyText}`);
    if (e.kind === 'send' && e.requestBody) out(`    request: ${JSON.stringify(e.requestBody)}`);
    if (e.kind === 'send' && e.responseBody) out(`    response: ${JSON.stringify(e.responseBody)}`);
  }
  out(`retry: termbridge sync errors --tenant ${tenantId} --retry ID | --retry-all; archive: --archive ID`);
}

/** The dry-run table: one line per operation. */
export function opsTable(ops: PlannedOp[]): string {
  const rows = ops.map((o) => [
    o.action.toUpperCase(),
    o.resource,
    o.schoolId === null ? '-' : String(o.schoolId),
    String(o.schoolYear),
    describeKey(o),
    o.reason + (o.previousKeyText && o.previousKeyText !== o.keyText ? ` (was ${describeText(o.previousKeyText)})` : ''),
  ]);
  const header = ['ACTION', 'RESOURCE', 'SCHOOL', 'YEAR', 'ITEM', 'WHY'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

function describeKey(o: PlannedOp): string {
  const k = o.naturalKey;
  return String(k.sessionName ?? k.gradingPeriodName ?? k.schoolYear);
}

function describeText(keyText: string): string {
  const k = JSON.parse(keyText.slice(keyText.indexOf(':') + 1)) as Record<string, unknown>;
  return String(k.sessionName ?? k.gradingPeriodName ?? k.schoolYear);
}
