import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import {
  freePort,
  REPO_ROOT,
  ServiceProcess,
  testDatabaseUrl,
  testEnv,
  waitFor,
} from '@fabflow/testing';
import { FabflowSystem, STAFF_PASSWORD } from '../support/fabflow-system';
import {
  journeyClients,
  placeOrder,
  staffToken,
  waitForCrmStatus,
  waitForShopStatus,
  waitForWorkOrder,
} from '../support/journey';

/*
 * The operator dashboard in a real (headless Debian) Chromium. Two mes-api instances serve it,
 * as behind a load balancer: the operator's page talks to one, a second person's page to the
 * other. The operator logs in (at the CRM, cross-origin), filters, takes a new rush order and
 * moves it through production to SHIPPED, holding it once; the other page sees each change
 * live; the customer's order in the shop ends SHIPPED. Then a manager cancels an order whose
 * work order the operator has started: both pages show it held "order cancelled" without a
 * reload, and the operator finishes it to stock. Screenshots: test-results/dashboard/.
 */

const SHOTS = join(REPO_ROOT, 'test-results', 'dashboard');
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const LIVE_TIMEOUT_MS = 10_000;
/** The CRM's access tokens live this long here: the pages must renew them, silently. */
const ACCESS_TTL_S = 15;

describe('MES dashboard in Chromium: login, filter, take, produce, ship — live on a second page', () => {
  let sys: FabflowSystem;
  let mesA: ServiceProcess;
  let mesB: ServiceProcess;
  let browser: Browser;
  const latencies: Array<[string, number]> = [];
  /** The operator's page, when it logged in, and what it asked of the CRM and the MES. */
  let operator: Page;
  let operatorSince = 0;
  const refreshes: number[] = [];
  const mesUnauthorized: string[] = [];

  before(async () => {
    const [portA, portB] = [await freePort(), await freePort()];
    sys = await FabflowSystem.start('dash', {
      // The CRM lets the two dashboard origins log staff in.
      env: { CORS_ALLOWED_ORIGINS: `http://127.0.0.1:${portA},http://127.0.0.1:${portB}` },
      serviceEnv: { crm: { AUTH_ACCESS_TTL_SECONDS: String(ACCESS_TTL_S) } },
    });
    // As FabflowSystem configures its own MES (same retry queues), plus the login URL.
    const env = {
      AMQP_URLS: sys.vhost.url,
      RETRY_DELAYS_MS: '200,500,1000',
      DATABASE_URL: testDatabaseUrl(sys.databases.mes),
      REDIS_URL: testEnv.TEST_REDIS_URL,
      ...sys.authEnv.mes,
      OUTBOX_POLL_MS: '200',
      DASHBOARD_LOGIN_URL: `${sys.crm.url}/auth/login`,
    };
    mesA = new ServiceProcess('mes-api', portA, env, 'dash-mes-a');
    mesB = new ServiceProcess('mes-api', portB, env, 'dash-mes-b');
    // One after the other: on a loaded machine two cold starts at once can miss the readiness
    // deadline.
    await mesA.start();
    await mesB.start();
    mkdirSync(SHOTS, { recursive: true });
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      headless: true,
      args: CHROMIUM_ARGS,
    });
  });

  after(async () => {
    await browser?.close();
    await Promise.all([mesA?.stop(), mesB?.stop()]);
    await sys?.stop();
  });

  async function open(svc: ServiceProcess, email: string): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1680, height: 1050 } });
    const page = await context.newPage();
    page.on('pageerror', (err) => assert.fail(`page error on ${svc.url}: ${err.message}`));
    await page.goto(`${svc.url}/dashboard/`);
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(STAFF_PASSWORD);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByTestId('live-state').filter({ hasText: 'live' }).waitFor();
    return page;
  }

  const watched = (page: Page) => page.getByTestId('detail');
  const shot = (page: Page, name: string) =>
    page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });

  /** Runs `act` on one page and waits until `seen` holds on the other; records how long. */
  async function live(what: string, act: () => Promise<void>, seen: () => Promise<unknown>) {
    const t0 = performance.now();
    await act();
    await seen();
    latencies.push([what, Math.round(performance.now() - t0)]);
  }

  it('works end to end, and the second page follows every step live', async (t) => {
    operatorSince = Date.now();
    operator = await open(mesA, 'operator@fabflow.local');
    operator.on('request', (r) => {
      if (r.url() === `${sys.crm.url}/auth/refresh`) refreshes.push(Date.now());
    });
    operator.on('response', (r) => {
      if (r.url().startsWith(mesA.url) && r.status() === 401) mesUnauthorized.push(r.url());
    });
    const watcher = await open(mesB, 'admin@fabflow.local');

    // The operator looks for new rush work nobody has taken yet.
    await operator.getByLabel('Priority').selectOption('RUSH');
    await operator.getByRole('radio', { name: 'unassigned' }).check();
    await operator.getByRole('button', { name: /^queued/ }).click();

    const { shop } = await journeyClients(sys);
    const orderId = await placeOrder(shop);
    // Staff API clients outside the browser do not renew their tokens: each step logs in.
    const as = async (svc: 'crm' | 'mes', who: 'manager' | 'operator') =>
      sys.client(svc, await staffToken(sys, who));
    await waitForCrmStatus(await as('crm', 'manager'), orderId, 'AWAITING_CONFIRMATION');
    const approved = await (
      await as('crm', 'manager')
    ).post(`/orders/${orderId}/approve`, {
      priority: 'RUSH',
      dueInDays: 2,
    });
    assert.equal(approved.status, 200, JSON.stringify(approved.body));
    const wo = await waitForWorkOrder(await as('mes', 'operator'), orderId);
    const id = wo.id as string;
    const row = (page: Page, status?: string) =>
      page.locator(`[data-testid="wo-row-${id}"]${status ? `[data-status="${status}"]` : ''}`);

    // A new work order appears on both pages without a reload.
    await row(operator, 'QUEUED').waitFor({ timeout: LIVE_TIMEOUT_MS });
    await row(watcher, 'QUEUED').waitFor({ timeout: LIVE_TIMEOUT_MS });
    assert.match((await row(operator).getAttribute('class')) ?? '', /\brush\b/, 'rush stands out');
    // Its material, from the order, narrows the list further.
    const material = wo.material as string;
    await waitFor('the material among the filter values', async () =>
      (await operator.getByLabel('Material').locator('option').allTextContents()).includes(
        material,
      ),
    );
    await operator.getByLabel('Material').selectOption(material);
    await row(operator).waitFor();
    await shot(operator, '01-operator-filtered');

    await watcher.getByTestId(`wo-row-${id}`).click();
    const watched = watcher.getByTestId('detail');
    await watched.waitFor();
    await operator.getByTestId(`wo-row-${id}`).click();
    const detail = operator.getByTestId('detail');
    await detail.waitFor();

    await live(
      'take',
      () => detail.getByRole('button', { name: 'Take' }).click(),
      () =>
        watcher
          .locator(`[data-testid="wo-row-${id}"] [data-testid="assignee"]`)
          .filter({ hasText: 'taken' })
          .waitFor({ timeout: LIVE_TIMEOUT_MS }),
    );
    await detail.getByTestId('detail-assignee').filter({ hasText: 'me' }).waitFor();
    // Taken: no longer unassigned work; the operator switches to their own.
    await operator.getByRole('radio', { name: 'mine' }).check();
    await operator.getByRole('button', { name: 'open' }).click();
    await row(operator).waitFor();
    await shot(operator, '02-operator-taken');

    const move = async (label: string, status: string) =>
      live(
        label,
        () => detail.getByRole('button', { name: `Move to ${label}` }).click(),
        () => row(watcher, status).waitFor({ timeout: LIVE_TIMEOUT_MS }),
      );
    await move('in production', 'IN_PRODUCTION');
    await watched.getByTestId('detail-status').filter({ hasText: 'in production' }).waitFor();

    await detail.getByRole('spinbutton', { name: 'good' }).fill('2');
    await live(
      'report parts',
      () => detail.getByRole('button', { name: 'Report parts' }).click(),
      () =>
        watcher
          .getByTestId('detail-quantities')
          .filter({ hasText: 'good 2' })
          .waitFor({ timeout: LIVE_TIMEOUT_MS }),
    );
    await operator
      .getByRole('textbox', { name: 'Note', exact: true })
      .fill('first layer looks good');
    await live(
      'note',
      () => detail.getByRole('button', { name: 'Add note' }).click(),
      () =>
        watcher
          .getByTestId('notes')
          .filter({ hasText: 'first layer looks good' })
          .waitFor({ timeout: LIVE_TIMEOUT_MS }),
    );

    await detail.getByRole('textbox', { name: 'Reason' }).fill('waiting for a spare nozzle');
    await live(
      'hold',
      () => detail.getByRole('button', { name: 'Hold' }).click(),
      () => row(watcher, 'ON_HOLD').waitFor({ timeout: LIVE_TIMEOUT_MS }),
    );
    await operator
      .getByTestId('history')
      .filter({ hasText: 'waiting for a spare nozzle' })
      .waitFor();
    await shot(operator, '03-operator-on-hold');
    await shot(watcher, '04-watcher-on-hold');

    await move('in production', 'IN_PRODUCTION');
    await move('post processing', 'POST_PROCESSING');
    await move('quality check', 'QUALITY_CHECK');
    await move('packed', 'PACKED');
    await live(
      'ship',
      () => detail.getByRole('button', { name: 'Move to shipped' }).click(),
      // Shipped work leaves the open queue; the open detail says where it went.
      () => row(watcher).waitFor({ state: 'detached', timeout: LIVE_TIMEOUT_MS }),
    );
    await watched.getByTestId('detail-status').filter({ hasText: 'shipped' }).waitFor();
    await detail.getByTestId('detail-status').filter({ hasText: 'shipped' }).waitFor();
    await shot(operator, '05-operator-shipped');
    await shot(watcher, '06-watcher-shipped');

    const order = await waitForShopStatus(shop, orderId, 'SHIPPED');
    assert.equal(order.status, 'SHIPPED');
    t.diagnostic(
      `change → visible on the other instance's page (ms): ${latencies.map(([w, ms]) => `${w} ${ms}`).join(', ')}`,
    );
  });

  it('shows a work order held by a cancellation live ("order cancelled"); the operator finishes it to stock', async (t) => {
    const operator = await open(mesA, 'operator@fabflow.local');
    const watcher = await open(mesB, 'admin@fabflow.local');
    const { shop, crm, mes } = await journeyClients(sys);
    const orderId = await placeOrder(shop);
    await waitForCrmStatus(crm, orderId, 'AWAITING_CONFIRMATION');
    assert.equal((await crm.post(`/orders/${orderId}/approve`, { priority: 'RUSH' })).status, 200);
    const id = (await waitForWorkOrder(mes, orderId)).id as string;
    const row = (page: Page, status = '') =>
      page.locator(`[data-testid="wo-row-${id}"]${status && `[data-status="${status}"]`}`);
    // The operator took it and started it (as in the first test, through the dashboard).
    await row(operator).click();
    const detail = operator.getByTestId('detail');
    await detail.getByRole('button', { name: 'Take' }).click();
    await detail.getByRole('button', { name: 'Move to in production' }).click();
    await row(watcher, 'IN_PRODUCTION').waitFor({ timeout: LIVE_TIMEOUT_MS });
    await row(watcher).click();

    await live(
      'cancellation hold',
      async () => {
        const cancelled = await crm.post(`/orders/${orderId}/cancel`, {
          reason: 'the customer no longer needs the part',
        });
        assert.equal(cancelled.status, 200, JSON.stringify(cancelled.body));
      },
      () =>
        row(watcher, 'ON_HOLD')
          .getByTestId('hold-reason')
          .filter({ hasText: 'order cancelled' })
          .waitFor({ timeout: LIVE_TIMEOUT_MS }),
    );
    await operator
      .getByTestId('detail-hold-reason')
      .filter({ hasText: 'order cancelled' })
      .waitFor({ timeout: LIVE_TIMEOUT_MS });
    await watcher
      .getByTestId('detail-hold-reason')
      .filter({ hasText: 'order cancelled' })
      .waitFor({ timeout: LIVE_TIMEOUT_MS });
    await detail.getByTestId('line-cancelled').waitFor();
    assert.equal(
      await detail.getByRole('button', { name: /^Move to/ }).count(),
      0,
      'a held part of a cancelled line is only scrapped or finished to stock',
    );
    await shot(operator, '07-operator-order-cancelled');
    await shot(watcher, '08-watcher-order-cancelled');

    await live(
      'finish to stock',
      () => detail.getByRole('button', { name: 'Finish to stock' }).click(),
      () =>
        watched(watcher)
          .getByTestId('detail-status')
          .filter({ hasText: 'cancelled' })
          .waitFor({ timeout: LIVE_TIMEOUT_MS }),
    );
    await operator.getByTestId('history').filter({ hasText: 'finished to stock' }).waitFor();
    await waitForCrmStatus(crm, orderId, 'CANCELLED');
    t.diagnostic(
      `cancellation → held on the other page (ms): ${latencies
        .filter(([w]) => w === 'cancellation hold' || w === 'finish to stock')
        .map(([w, ms]) => `${w} ${ms}`)
        .join(', ')}`,
    );
  });

  it('keeps the operator logged in over several access-token lifetimes, renewing silently', async () => {
    // The page has been open since the first test; make it at least 3½ lifetimes.
    const lifetimes = 3.5;
    const left = operatorSince + lifetimes * ACCESS_TTL_S * 1000 - Date.now();
    if (left > 0) await new Promise((r) => setTimeout(r, left));

    const list = operator.waitForResponse(
      (r) => r.url().startsWith(`${mesA.url}/work-orders?`) && r.request().method() === 'GET',
    );
    await operator.getByRole('button', { name: 'Reset filters' }).click();
    assert.equal((await list).status(), 200, 'the MES takes its current token');
    await operator.getByTestId('live-state').filter({ hasText: 'live' }).waitFor();
    assert.ok(
      refreshes.length >= 3,
      `renewed before each expiry: ${refreshes.length} refreshes in ${Math.round((Date.now() - operatorSince) / 1000)} s`,
    );
    assert.deepEqual(mesUnauthorized, [], 'renewed before expiry: the MES never said 401');
  });

  it('renews once on a 401 and repeats the request; logging out ends the session at the CRM', async () => {
    // One list request answered 401, as after an expiry the timer missed (a sleeping laptop).
    const isList = (url: URL) => url.origin === mesA.url && url.pathname === '/work-orders';
    await operator.route(
      isList,
      (route) =>
        route.fulfill({
          status: 401,
          contentType: 'application/problem+json',
          body: JSON.stringify({ status: 401, title: 'Unauthorized', detail: 'expired' }),
        }),
      { times: 1 },
    );
    const stored = async () =>
      JSON.parse(
        (await operator.evaluate(() => sessionStorage.getItem('fabflow.mes.session'))) ?? '{}',
      ) as { accessToken?: string; refreshToken?: string };
    const tokenBefore = (await stored()).accessToken;
    const lists: number[] = [];
    operator.on('response', (r) => {
      if (r.url().startsWith(`${mesA.url}/work-orders?`)) lists.push(r.status());
    });
    const retried = operator.waitForResponse(
      (r) => r.url().startsWith(`${mesA.url}/work-orders?`) && r.status() === 200,
    );
    await operator.getByRole('button', { name: 'Reset filters' }).click();
    await retried;
    assert.deepEqual(lists, [401, 200], 'the list: refused once, then repeated');
    // Repeated with a renewed token (a refresh the 401 started, or the timer's, under way).
    assert.notEqual((await stored()).accessToken, tokenBefore, 'the session was renewed');
    await operator.getByTestId('live-state').filter({ hasText: 'live' }).waitFor();

    const { refreshToken } = await stored();
    assert.ok(refreshToken, 'the tab keeps a refresh token');
    await operator.getByRole('button', { name: 'Log out' }).click();
    await operator.getByRole('button', { name: 'Log in' }).waitFor();
    const reuse = await sys.client('crm').post('/auth/refresh', { refreshToken });
    assert.equal(reuse.status, 401, 'the session ended at the CRM, not only in the tab');
  });
});
