// The console in a real browser (playwright-core driving Debian's /usr/bin/chromium; never a
// downloaded one), on the demo district: every page the issue names, axe-core on each (no
// serious or critical violation), and a screenshot of each into docs/console/ for the README.
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClientRepository } from '../../src/auth/client-repository.ts';
import { ConnectionRepository } from '../../src/connectors/connection-repository.ts';
import { connectDemoTarget, DEMO_BROKEN_TERM, DEMO_CONNECTION, seedDemoConnection, seedDemoSync } from '../../src/console/demo-sync.ts';
import { pullWithProgress } from '../../src/console/routes-connections.ts';
import { runSync } from '../../src/console/sync-console.ts';
import { DEMO_TENANT, seedDemoDistrict } from '../../src/store/demo-district.ts';
import { startApp, type TestApp } from '../harness.ts';

const CHROMIUM = '/usr/bin/chromium';
// The README's screenshots are refreshed with UPDATE_SCREENSHOTS=1; other runs keep theirs in a
// temporary directory, so a test run leaves the work tree as it was.
const SHOTS = process.env.UPDATE_SCREENSHOTS ? 'docs/console' : join(tmpdir(), 'termbridge-console-shots');
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

interface AxeResult {
  violations: { id: string; impact: string | null; help: string; nodes: { target: unknown[] }[] }[];
}

describe.skipIf(!existsSync(CHROMIUM))('the console in Chromium', () => {
  let t: TestApp;
  let browser: Browser;
  let base: string;
  let admin: { id: string; secret: string };
  let viewer: { id: string; secret: string };

  beforeAll(async () => {
    // The demo's sync target keeps its secret sealed, as `serve --demo` does with a run key.
    process.env.TERMBRIDGE_SECRET_KEY ||= randomBytes(32).toString('hex');
    t = await startApp('pglite');
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
    await seedDemoDistrict(t.store.db);
    await seedDemoSync(t.store.db, DEMO_TENANT);
    await connectDemoTarget(t.store.db, DEMO_TENANT, base);
    t.app.consoleJobs.start(DEMO_TENANT, 'First sync to the state ODS', (job) => runSync(t.store.db, DEMO_TENANT, job));
    await seedDemoConnection(t.store.db, DEMO_TENANT, join(tmpdir(), `termbridge-console-test-${process.pid}`));
    const summer = (await new ConnectionRepository(t.store.db).get(DEMO_TENANT, DEMO_CONNECTION))!;
    t.app.consoleJobs.start(DEMO_TENANT, 'Pull', (job) => pullWithProgress(t.store, summer, null, 'America/Chicago', job));
    await t.app.consoleJobs.settle();
    const clients = new ClientRepository(t.store.db);
    const all = t.app.ctx.registry.knownScopes().filter((s) => s !== 'termbridge:admin');
    const a = await clients.create(DEMO_TENANT, 'Data coordinator', all);
    admin = { id: a.client.clientId, secret: a.secret };
    const v = await clients.create(DEMO_TENANT, 'Registrar (read-only)', ['console', 'edfi:read']);
    viewer = { id: v.client.clientId, secret: v.secret };
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
    mkdirSync(SHOTS, { recursive: true });
    // Seeding the demo and its first sync take ~20 s alone, several times that on a loaded machine.
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  /** axe-core, evaluated through the DevTools protocol (the page's CSP forbids injected scripts). */
  async function accessible(page: Page, name: string): Promise<void> {
    await page.evaluate(AXE);
    const result = (await page.evaluate(() => (globalThis as unknown as { axe: { run: () => Promise<unknown> } }).axe.run())) as AxeResult;
    const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    expect(bad.map((v) => `${v.id} (${v.impact}): ${v.help} at ${JSON.stringify(v.nodes.map((n) => n.target))}`), name).toEqual([]);
  }

  async function shot(page: Page, name: string): Promise<void> {
    await accessible(page, name);
    // No sideways scrolling of the page itself (a wide table or the timeline scrolls in its own box).
    expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth), `${name} is wider than the window`).toBeLessThanOrEqual(0);
    await page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true });
  }

  async function signIn(page: Page, who: { id: string; secret: string }): Promise<void> {
    await page.goto(`${base}/console`);
    await page.getByLabel('Client id').fill(who.id);
    await page.getByLabel('Client secret').fill(who.secret);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/console\/overview$/);
  }

  it('walks every page: calendar warnings, the APIs side by side, retry after a SIS fix, resync, clients, sign out', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const cspErrors: string[] = [];
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) cspErrors.push(m.text());
    });

    await page.goto(`${base}/console/sign-in`);
    await shot(page, 'sign-in');
    // Keyboard: the form starts in the client id; Tab walks to the secret and the button, each
    // with a visible focus ring.
    const focused = () =>
      page.evaluate(() => {
        const a = document.activeElement as HTMLElement;
        const style = getComputedStyle(a);
        return `${a.id || a.textContent} ${style.outlineStyle} ${style.outlineWidth}`;
      });
    const walk = [await focused()];
    for (let i = 0; i < 2; i++) {
      await page.keyboard.press('Tab');
      walk.push(await focused());
    }
    expect(walk).toEqual(['client_id solid 3px', 'client_secret solid 3px', 'Sign in solid 3px']);
    await signIn(page, admin);
    await expect(page.getByRole('heading', { level: 1 })).toBeDefined();
    expect(await page.locator('table.grid tbody tr').count()).toBe(3);
    await shot(page, 'overview');

    // Cottonwood 2026 (a cell of the grid, clicked through): the seeded overlap; Flint Hills 2026: the seeded gap.
    const cell = page.getByRole('link', { name: /^Cottonwood Middle School, 2025–2026:/ });
    expect(await cell.textContent()).toMatch(/1 school year · 2 semesters · 4 quarters · 1 term · 6 grading periods\s*! 2 warnings/);
    await cell.click();
    await page.waitForURL(/\/console\/calendars\/255901044\/2026$/);
    expect(await page.locator('ol.warnings li', { hasText: 'Overlap' }).count()).toBe(1);
    await shot(page, 'calendar');
    await page.goto(`${base}/console/calendars/255901107/2026`);
    expect(await page.locator('ol.warnings li', { hasText: 'Gap' }).count()).toBe(1);

    // A bar is a link a keyboard reaches: focus it, press Enter, land on the session.
    await page.locator('svg.timeline a[aria-label*="2026 Quarter 3 "]').focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/console\/sessions\//);
    const apis = page.locator('.side-by-side section');
    expect(await apis.count()).toBe(4);
    expect(await apis.locator('h3').allTextContents()).toEqual(['Ed-Fi ODS/API v7.3', 'OneRoster 1.2', 'Canvas', 'Edlink Graph v2']);
    expect(await apis.locator('p.muted > span').allTextContents()).toEqual(['200', '200', '200', '200']);
    expect(await page.locator('.side-by-side pre').first().textContent()).toContain('"sessionName": "2026 Quarter 3"');
    await shot(page, 'session');

    // The SIS term without an end date is in the error log; fix it in the SIS, retry, see it sent.
    await page.goto(`${base}/console/sync`);
    const entry = page.locator('tr', { hasText: 'EndDate is required' });
    expect(await entry.count()).toBe(1);
    // Found before sending (a derive error): where it comes from, on demand (a refused send shows
    // the request body and the target's response instead; see console-http.test.ts).
    await entry.getByText('Where it comes from').click();
    expect(await entry.locator('details pre').textContent()).toContain(`Term:${DEMO_BROKEN_TERM}`);
    expect(await entry.locator('details pre').first().isVisible()).toBe(true);
    await shot(page, 'sync');
    const token = await (await fetch(`${base}/oauth/token`, { method: 'POST', headers: { authorization: `Basic ${Buffer.from(`${admin.id}:${admin.secret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=client_credentials' })).json() as { access_token: string };
    const sis = (method: 'PUT' | 'DELETE', path: string, body?: unknown) =>
      fetch(`${base}/sis/v1/${path}`, { method, headers: { authorization: `Bearer ${token.access_token}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    const fixed = await sis('PUT', `terms/${DEMO_BROKEN_TERM}`, { calendarId: 'cms-2026', scheduleStructure: 'main', name: 'Quarter 4', termTypeCode: 'Q4', startDate: '2026-03-23', endDate: '2026-05-21' });
    expect(fixed.status).toBe(200);
    await entry.getByRole('button', { name: /^Retry #/ }).click();
    await page.waitForURL(/\/console\/jobs\//);
    await page.locator('p[role=status] strong', { hasText: /^Finished$/ }).waitFor({ timeout: 20_000 });
    expect(Number(await page.locator('dt:text-is("sent") + dd').textContent())).toBeGreaterThanOrEqual(1);
    await shot(page, 'retry-sent');
    await page.goto(`${base}/console/sync`);
    expect(await page.locator('tr', { hasText: 'EndDate is required' }).count()).toBe(0);

    // Three SIS changes at Cottonwood — a term's end moved, a grading period dropped, one added —
    // and the plan shows the PUT, DELETE and POST they make, with the target's values before.
    expect((await sis('PUT', 'terms/cms-2026-q3', { calendarId: 'cms-2026', scheduleStructure: 'main', name: 'Quarter 3', termTypeCode: 'Q3', startDate: '2026-01-06', endDate: '2026-03-20' })).status).toBe(200);
    expect((await sis('DELETE', 'gradingPeriods/cms-2026-gp6')).status).toBe(204);
    const summer = { schoolId: 255901044, schoolYear: 2026, name: 'Summer Six Weeks', descriptor: 'uri://ed-fi.org/GradingPeriodDescriptor#Summer Six Weeks', periodSequence: 7, beginDate: '2026-06-01', endDate: '2026-07-10' };
    expect((await sis('PUT', 'gradingPeriods/cms-2026-gp7', summer)).status).toBe(201);
    await page.goto(`${base}/console/sync/plan`);
    const plan = page.locator('table tbody tr');
    const q3 = plan.filter({ hasText: 'sessionName 2026 Quarter 3' });
    expect(await q3.locator('td').first().textContent()).toBe('PUT');
    expect(await q3.locator('li', { hasText: 'endDate' }).textContent()).toBe('endDate: 2026-03-13 → 2026-03-20');
    expect(await q3.locator('li', { hasText: 'schoolReference' }).count()).toBe(0); // the target's links are not a change
    // A collection that lost a member shows that member, not both lists whole.
    const semester = plan.filter({ hasText: 'sessionName 2026 Second Semester' }).locator('li', { hasText: 'gradingPeriods' });
    expect(await semester.locator('del').allTextContents()).toEqual([expect.stringContaining('"gradingPeriodName":"Sixth Six Weeks"')]);
    const gradingPeriod = (name: string) => plan.filter({ has: page.locator('td:nth-child(2)', { hasText: new RegExp(`^gradingPeriods.*${name}`) }) });
    expect(await gradingPeriod('Sixth Six Weeks').locator('td').first().textContent()).toBe('DELETE');
    expect(await gradingPeriod('Summer Six Weeks').locator('td').first().textContent()).toBe('POST');
    await shot(page, 'plan');

    // Resync one school: preview, confirm, progress.
    await page.goto(`${base}/console/sync/resync`);
    // The whole district is the default, previewed before any choice.
    expect(await page.getByRole('button', { name: 'Confirm: resync the whole district' }).count()).toBe(1);
    await accessible(page, 'resync');
    await page.getByLabel('Resync').selectOption('255901044');
    await page.getByRole('button', { name: 'Preview' }).click();
    await page.waitForURL(/school=255901044/);
    await shot(page, 'resync-preview');
    await page.getByRole('button', { name: /Confirm: resync school 255901044/ }).click();
    await page.waitForURL(/\/console\/jobs\//);
    await page.locator('p[role=status] strong', { hasText: /^Finished$/ }).waitFor({ timeout: 20_000 });
    expect(await page.locator('ol li').first().textContent()).toContain('comparing school 255901044');

    await page.goto(`${base}/console/connections`);
    expect(await page.locator('tr', { hasText: DEMO_CONNECTION }).locator('td').nth(2).textContent()).toBe('3'); // created by the first pull
    await shot(page, 'connections');
    await page.getByRole('button', { name: `Pull ${DEMO_CONNECTION} now` }).click();
    await page.waitForURL(/\/console\/jobs\//);
    await page.locator('p[role=status] strong', { hasText: /^Finished$/ }).waitFor({ timeout: 20_000 });
    expect(Number(await page.locator('dt:text-is("unchanged") + dd').textContent())).toBe(3);

    // Create a client (the secret shown once), then revoke it.
    await page.goto(`${base}/console/clients`);
    await page.getByLabel('Name').fill('Canvas sync');
    await page.getByRole('checkbox', { name: 'console', exact: true }).check();
    await page.getByRole('button', { name: 'Create client' }).click();
    const secret = await page.getByLabel('Client secret').inputValue();
    expect(secret.length).toBeGreaterThan(20);
    // The copy button is the console's one script: shown only when it runs (the CSP lets it), and it copies.
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base });
    await page.getByRole('button', { name: 'Copy the secret' }).click();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(secret);
    await shot(page, 'client-created');
    await page.getByRole('link', { name: 'Back to API clients' }).click();
    expect(await page.content()).not.toContain(secret); // shown once
    await page.getByRole('button', { name: 'Revoke Canvas sync' }).click();
    expect(await page.locator('tr', { hasText: 'Canvas sync' }).locator('.warn').textContent()).toContain('revoked');
    await shot(page, 'clients');

    // A POST without the CSRF token, from the signed-in page itself, is refused.
    const status = await page.evaluate(async () => (await fetch('/console/sync/errors/retry', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: '' })).status);
    expect(status).toBe(403);

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(/\/console\/sign-in/);
    await page.goto(`${base}/console/overview`);
    await page.waitForURL(/\/console\/sign-in\?next=/);
    expect(cspErrors).toEqual([]);
    await context.close();
  }, 60_000);

  it('shows a read-only client no button that writes, and reads well on a phone', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    await signIn(page, viewer);
    for (const url of ['/console/sync', '/console/clients', '/console/connections', '/console/sync/resync']) {
      await page.goto(`${base}${url}`);
      expect(await page.locator('form[method="post"]').count(), url).toBe(1); // sign out only
    }
    // Every page reads on a phone: axe passes and nothing but a table or the timeline (each in
    // its own sideways-scrolling box) is wider than the screen.
    const session = (await t.store.db.selectFrom('sessions').select('id').where('tenant_id', '=', DEMO_TENANT).where('name', '=', '2026 Quarter 1').executeTakeFirstOrThrow()).id;
    for (const url of ['/console/overview', '/console/calendars/255901044/2026', `/console/sessions/${session}`, '/console/sync', '/console/sync/plan', '/console/connections', '/console/clients', '/console/sessions/no-such-session']) {
      expect((await page.goto(`${base}${url}`))!.status(), url).toBe(url.endsWith('no-such-session') ? 404 : 200);
      expect(await page.evaluate(() => document.documentElement.scrollWidth), url).toBeLessThanOrEqual(390);
      if (url.includes('calendars')) {
        // The timeline keeps a legible size and scrolls inside its box rather than shrinking.
        expect(await page.locator('svg.timeline').evaluate((svg) => svg.getBoundingClientRect().width)).toBeGreaterThanOrEqual(1000);
        await shot(page, 'calendar-phone');
      } else await accessible(page, `${url} on a phone`);
    }
    await context.close();
  }, 40_000);
});
