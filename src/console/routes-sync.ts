// /console/sync: target and last check, outbox, error log (retry, retry all, archive), plan
// (dry run), resync with preview and confirmation, and "send now" — each a thin call into src/sync.
import { sql } from 'kysely';
import { archiveError, listErrors, retryErrors, type ErrorState } from '../sync/error-log.ts';
import { ConsoleRefusal, field, redirect, route, sendPage, type ConsoleApp } from './console-app.ts';
import { CONSOLE_READ, CONSOLE_WRITE } from './console-scopes.ts';
import { html } from './html.ts';
import { planTable, resyncBody, schoolPicker, syncBody } from './pages/sync-pages.ts';
import { checkAndRecord, NoTargetError, previewPlan, runResync, runSync, syncStatus, targetOf } from './sync-console.ts';

const STATES = ['open', 'archived', 'retried', 'resolved', 'all'];

/** What the page says after an action; only these fixed texts and numbers, never request text. */
function notice(q: Record<string, unknown>): string | undefined {
  const n = Number(field(q, 'n'));
  switch (field(q, 'done')) {
    case 'archived':
      return `Error #${n} archived.`;
    case 'retried':
      return `${n} error(s) queued for retry.`;
    case 'checked':
      return 'The target was checked; see the result below.';
    case 'no-target':
      return 'Queued; no target is set, so nothing was sent.';
  }
  return undefined;
}

function schoolParam(raw: string): number | null {
  if (raw === '') return null;
  if (!/^\d{1,12}$/.test(raw)) throw new ConsoleRefusal(400, `'${raw}' is not a school id; choose a school from the list.`);
  return Number(raw);
}

export function registerSyncRoutes(c: ConsoleApp): void {
  const db = () => c.ctx.store.db;
  const sisSchools = async (tenantId: string) =>
    (await sql<{ school_id: string; name: string }>`SELECT school_id, name FROM sis_schools WHERE tenant_id = ${tenantId} ORDER BY name, school_id`.execute(db())).rows.map((r) => ({
      schoolId: Number(r.school_id),
      name: r.name,
    }));

  route(c, 'GET', '/console/sync', CONSOLE_READ, async (request, reply, user) => {
    const q = request.query as Record<string, unknown>;
    const state = field(q, 'state') || 'open';
    if (!STATES.includes(state)) throw new ConsoleRefusal(400, `Show '${state}': choose one of ${STATES.join(', ')}.`);
    const [status, errors] = await Promise.all([syncStatus(db(), user.tenantId), listErrors(db(), user.tenantId, { state: state as ErrorState | 'all', limit: 200 })]);
    return sendPage(reply, { title: 'Sync to Ed-Fi', user, section: 'sync', notice: notice(q), body: syncBody(user, status, errors, state, c.jobs.recent(user.tenantId)) });
  });

  route(c, 'POST', '/console/sync/check', CONSOLE_WRITE, async (_request, reply, user) => {
    await checkAndRecord(db(), user.tenantId);
    return redirect(reply, '/console/sync?done=checked');
  });

  /** Starts a send in the background and shows its progress; without a target, says so. */
  const sendNow = async (tenantId: string, title: string, fallback: string) => {
    try {
      await targetOf(db(), tenantId);
    } catch (err) {
      if (err instanceof NoTargetError) return fallback;
      throw err;
    }
    const running = c.jobs.busy(tenantId);
    if (running) return `/console/jobs/${running.id}`;
    return `/console/jobs/${c.jobs.start(tenantId, title, (job) => runSync(db(), tenantId, job)).id}`;
  };

  route(c, 'POST', '/console/sync/run', CONSOLE_WRITE, async (_request, reply, user) => {
    return redirect(reply, await sendNow(user.tenantId, 'Send changes now', '/console/sync?done=no-target'));
  });

  route(c, 'POST', '/console/sync/errors/:errorId/retry', CONSOLE_WRITE, async (request, reply, user) => {
    const raw = (request.params as { errorId: string }).errorId;
    if (!/^\d{1,15}$/.test(raw)) throw new ConsoleRefusal(404, `There is no error #${raw}.`);
    const n = await retryErrors(db(), user.tenantId, Number(raw));
    if (n === 0) throw new ConsoleRefusal(404, `Error #${raw} is not open or archived (already retried or resolved?); nothing was changed.`);
    return redirect(reply, await sendNow(user.tenantId, `Retry of error #${raw}`, `/console/sync?done=retried&n=${n}`));
  });

  route(c, 'POST', '/console/sync/errors/retry', CONSOLE_WRITE, async (_request, reply, user) => {
    const n = await retryErrors(db(), user.tenantId, 'all');
    if (n === 0) throw new ConsoleRefusal(404, 'There are no open or archived errors to retry.');
    return redirect(reply, await sendNow(user.tenantId, `Retry of ${n} error(s)`, `/console/sync?done=retried&n=${n}`));
  });

  route(c, 'POST', '/console/sync/errors/:errorId/archive', CONSOLE_WRITE, async (request, reply, user) => {
    const raw = (request.params as { errorId: string }).errorId;
    if (!/^\d{1,15}$/.test(raw) || !(await archiveError(db(), user.tenantId, Number(raw))))
      throw new ConsoleRefusal(404, `Error #${raw} is not open; only open errors can be archived. Nothing was changed.`);
    return redirect(reply, `/console/sync?done=archived&n=${Number(raw)}`);
  });

  route(c, 'GET', '/console/sync/plan', CONSOLE_READ, async (request, reply, user) => {
    const school = schoolParam(field(request.query, 'school'));
    const preview = await previewPlan(db(), user.tenantId, 'incremental', school === null ? null : [school]);
    return sendPage(reply, {
      title: 'Plan (dry run)',
      user,
      section: 'sync',
      body: html`<p>What the next sync would send to the target, and why. Nothing is sent from this page.</p>${schoolPicker('/console/sync/plan', await sisSchools(user.tenantId), school, 'Plan for')}${planTable(preview)}`,
    });
  });

  route(c, 'GET', '/console/sync/resync', CONSOLE_READ, async (request, reply, user) => {
    const school = schoolParam(field(request.query, 'school'));
    const preview = await previewPlan(db(), user.tenantId, 'resync', school === null ? null : [school]);
    return sendPage(reply, { title: 'Resync', user, section: 'sync', body: resyncBody(user, await sisSchools(user.tenantId), school, preview) });
  });

  route(c, 'POST', '/console/sync/resync', CONSOLE_WRITE, async (request, reply, user) => {
    const school = schoolParam(field(request.body, 'school'));
    await targetOf(db(), user.tenantId).catch((err) => {
      throw err instanceof NoTargetError ? new ConsoleRefusal(409, err.message) : err;
    });
    const running = c.jobs.busy(user.tenantId);
    if (running) return redirect(reply, `/console/jobs/${running.id}`);
    const job = c.jobs.start(user.tenantId, `Resync of ${school === null ? 'the whole district' : `school ${school}`}`, (j) =>
      runResync(db(), user.tenantId, j, school === null ? undefined : [school]),
    );
    return redirect(reply, `/console/jobs/${job.id}`);
  });
}
