import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { RedisSentinelGroup, SseRecorder, waitFor, type HttpClient } from '@fabflow/testing';
import { FabflowSystem } from '../support/fabflow-system';
import { journeyClients, placeOrder, waitForCrmStatus, waitForWorkOrder } from '../support/journey';
import { uploadModel } from '../support/quotes';
import {
  auditPricing,
  DashboardReads,
  LiveFollower,
  QuoteRequests,
  Requests,
} from '../support/redis-outage';

/**
 * Fault test: no single Redis. The whole system (three services and the pricing worker) runs
 * on Redis with Sentinel (libs/testing/scripts/redis-sentinel.sh: a primary, a replica, three Sentinels), every
 * Redis client of every process connecting through the Sentinels (REDIS_SENTINELS).
 *
 * 1. The primary is SIGKILLed while a customer asks for a quote every 250 ms, an operator's
 *    dashboard reads the work queue every 100 ms and someone fails to log in every 300 ms:
 *    Sentinel promotes the replica; every quote is priced exactly once; every dashboard read is
 *    answered (from Postgres while the cache is away); every login is answered by the limiter
 *    (401, or 429 past the burst); the live-update stream is ended once its subscription is back
 *    and the reconnected dashboard gets the next change; no service is restarted.
 * 2. Then all of Redis (servers and Sentinels) is down for 30 s: quotes are still accepted (they
 *    wait, CALCULATING), the dashboard still answers, the limiter limits each instance on its own
 *    (fail-local, docs/operations.md) — and once Redis is back every quote asked for during the
 *    outage is priced, once.
 *
 * Fixed ports (the script's): run under `flock /tmp/fabflow-chaos.lock`, like the whole tier.
 */
describe('Redis with Sentinel: primary killed mid-stream, then all of Redis down for 30 s', () => {
  let redis: RedisSentinelGroup;
  let sys: FabflowSystem;
  let shop: HttpClient;
  let crm: HttpClient;
  let mes: HttpClient;
  let operatorToken: string;
  let fileId: string;
  let pids: Array<number | undefined>;
  const allQuotes: string[] = [];

  before(async () => {
    redis = await RedisSentinelGroup.start();
    sys = await FabflowSystem.start('redisha', {
      pricing: true,
      env: {
        ...redis.env,
        // Jobs Redis lost are looked for every 2 s (default 30 s).
        PRICING_RECOVERY_MS: '2000',
        // The anonymous-IP limit small enough to reach in a few requests.
        RATE_LIMIT_ANONYMOUS_PER_MINUTE: '60',
        RATE_LIMIT_ANONYMOUS_BURST: '10',
      },
    });
    ({ shop, crm, mes } = await journeyClients(sys));
    operatorToken = mes.token!;
    fileId = (await uploadModel(shop)).id;
    await waitFor('pla-black on the published price list', async () => {
      const res = await shop.get<{ items: Array<{ id: string }> }>('/materials');
      return res.body.items.some((m) => m.id === 'pla-black');
    });
    pids = [sys.shop.pid, sys.crm.pid, sys.mes.pid, sys.pricingWorker?.pid];
  });

  after(async () => {
    await sys?.stop();
    // Its data is this test's only: the next run starts afresh.
    await redis?.wipe();
  });

  /** A work order to change on the dashboard (an approved order). */
  async function workOrder(): Promise<string> {
    const orderId = await placeOrder(shop);
    await waitForCrmStatus(crm, orderId, 'AWAITING_CONFIRMATION');
    assert.equal((await crm.post(`/orders/${orderId}/approve`, {})).status, 200);
    return (await waitForWorkOrder(mes, orderId)).id as string;
  }

  const openLive = async () => {
    const live = await SseRecorder.open(`${sys.mes.url}/work-orders/stream`, {
      authorization: `Bearer ${operatorToken}`,
    });
    await waitFor('the stream ready', () => live.events.some((e) => e.event === 'ready'));
    return live;
  };

  it('fails over when the primary is killed: quotes priced once, the dashboard answers, live updates reconnect, no restart', async (t) => {
    const wo = await workOrder();
    const live = await openLive();
    const quotes = new QuoteRequests(shop, fileId, 250);
    const reads = new DashboardReads(mes, 100);
    // Failed logins from one address (the anonymous-IP limiter, burst 10): 401 until the burst
    // is used, then 429 — before, during and after the failover; never an error.
    const logins = new Requests(
      async () =>
        (
          await sys
            .client('shop')
            .post('/auth/login', { email: 'nobody@example.com', password: 'wrong-password' })
        ).status,
      300,
    );
    t.after(async () => {
      live.close();
      await Promise.all([quotes.stop(), reads.stop(), logins.stop()]);
    });
    quotes.start();
    reads.start();
    logins.start();
    await new Promise((r) => setTimeout(r, 3000));

    const oldPrimary = await redis.primaryPort();
    const killedAt = Date.now();
    await redis.kill(RedisSentinelGroup.serverOn(oldPrimary));
    const newPrimary = await waitFor(
      'Sentinel to promote the replica',
      async () => {
        const p = await redis.primaryPort().catch(() => oldPrimary);
        return p !== oldPrimary ? p : undefined;
      },
      30_000,
      100,
    );
    const failoverMs = Date.now() - killedAt;

    // The stream open across the failover is ended once the subscription is back.
    await Promise.race([
      live.ended,
      new Promise((_, reject) =>
        setTimeout(() => reject(new Error('the live stream was not ended after failover')), 30_000),
      ),
    ]);
    // The dashboard reconnects (as the page does) and the operator works on. A change reaches it
    // as an event, or — made while this instance could not publish yet — by its stream being
    // ended for a reload once it can: never silently lost. Changes until one arrives as an event.
    const follower = new LiveFollower(`${sys.mes.url}/work-orders/stream`, operatorToken);
    t.after(() => follower.stop());
    await waitFor('the dashboard reconnected', () => follower.readyAt.length > 0, 15_000);
    const changes: number[] = [];
    let claimed = false;
    const flowingAt = await waitFor(
      'a change to arrive on the live stream',
      async () => {
        const at = Date.now();
        const res = await mes.post(`/work-orders/${wo}/${claimed ? 'release' : 'claim'}`);
        assert.equal(res.status, 200, JSON.stringify(res.body));
        claimed = !claimed;
        changes.push(at);
        return waitFor(
          'the event',
          () => follower.events.find((e) => e.id === wo && e.at >= at)?.at,
          2000,
          20,
        ).catch(() => undefined);
      },
      30_000,
      0,
    );
    for (const at of changes.slice(0, -1))
      assert.ok(
        follower.reconnectsAfter(at) > 0 || follower.events.some((e) => e.id === wo && e.at >= at),
        'a change not delivered as an event ended the stream for a reload',
      );
    const liveAgainMs = flowingAt - killedAt;

    await new Promise((r) => setTimeout(r, 3000));
    await Promise.all([quotes.stop(), reads.stop(), logins.stop()]);
    const stoppedAt = Date.now();
    await redis.startNode(RedisSentinelGroup.serverOn(oldPrimary));
    await redis.waitHealthy();

    assert.deepEqual(quotes.failures([202]), [], 'every quote request accepted');
    assert.deepEqual(reads.failures([200]), [], 'every dashboard read answered');
    assert.deepEqual(logins.failures([401, 429]), [], 'the limiter answered every login');
    const audit = await auditPricing(sys, quotes.quoteIds, 90_000);
    allQuotes.push(...quotes.quoteIds);
    const recovered = await sys.metric('mes', 'fabflow_pricing_recovered_total');
    const cacheErrors = await sys.metric('mes', 'fabflow_cache_errors_total');
    console.log(
      `redis failover: primary :${oldPrimary} killed, :${newPrimary} promoted in ${failoverMs} ms; ` +
        `live updates on the dashboard again ${liveAgainMs} ms after the kill ` +
        `(${changes.length} change(s), ${follower.readyAt.length} stream connection(s)); ` +
        `${quotes.quoteIds.length} quotes asked, ${audit.pricedOnce} priced once ` +
        `(${audit.attempts} worker runs, ${recovered} jobs re-added after Redis lost them); ` +
        `${reads.samples.length} dashboard reads, slowest during the failover ` +
        `${reads.slowest(killedAt, stoppedAt).toFixed(0)} ms, ${cacheErrors} cache errors (read the database); ` +
        `logins ${logins.count(401)}× 401, ${logins.count(429)}× 429, nothing else`,
    );
    assert.equal(audit.pricedOnce, quotes.quoteIds.length, JSON.stringify(audit));
    assert.deepEqual(audit.pricedTwice, []);
    assert.deepEqual(audit.failed, []);
    assert.ok(quotes.quoteIds.length >= 20, `a stream of quotes: ${quotes.quoteIds.length}`);
    assert.deepEqual(
      [sys.shop.pid, sys.crm.pid, sys.mes.pid, sys.pricingWorker?.pid],
      pids,
      'no process was restarted',
    );
  });

  it('loses nothing when all of Redis is down for 30 s: what was asked meanwhile is priced once it is back', async (t) => {
    const quotes = new QuoteRequests(shop, fileId, 1000);
    const reads = new DashboardReads(mes, 250);
    t.after(() => Promise.all([quotes.stop(), reads.stop()]));
    await redis.killAll();
    const downAt = Date.now();
    quotes.start();
    reads.start();

    // The limiter limits on its own: the anonymous-IP policy (burst 10) from this address lets
    // the burst through and refuses the rest with 429 — neither open nor closed.
    await waitFor('the shop limiter to notice', async () => {
      await shop.post('/auth/login', { email: 'nobody@example.com', password: 'wrong-password' });
      return (await sys.metric('shop', 'fabflow_rate_limit_degraded')) === 1;
    });
    const logins: number[] = [];
    for (let i = 0; i < 25; i++)
      logins.push(
        (
          await sys
            .client('shop')
            .post('/auth/login', { email: 'x@example.com', password: 'wrong-pw-1' })
        ).status,
      );
    assert.ok(
      logins.every((s) => s === 401 || s === 429),
      `login answers: ${logins.join(',')}`,
    );
    assert.ok(logins.includes(401) && logins.includes(429), `limited locally: ${logins.join(',')}`);

    await new Promise((r) => setTimeout(r, Math.max(0, 30_000 - (Date.now() - downAt))));
    // Nothing could be priced: the quotes wait, CALCULATING.
    const waiting = await sys.query<{ n: number }>(
      'shop',
      `SELECT count(*)::int AS n FROM quotes WHERE id = ANY($1::uuid[]) AND status = 'CALCULATING'`,
      [quotes.quoteIds],
    );
    assert.equal(waiting[0]!.n, quotes.quoteIds.length, 'asked during the outage: all waiting');
    await Promise.all([quotes.stop(), reads.stop()]);

    const backAt = Date.now();
    await redis.startAll();
    const audit = await auditPricing(sys, quotes.quoteIds, 120_000);
    const pricedAfterMs = Date.now() - backAt;
    allQuotes.push(...quotes.quoteIds);
    const all = await auditPricing(sys, allQuotes, 10_000);
    await waitFor(
      'the limiter back on Redis',
      async () => {
        await sys.client('shop').get('/health/ready');
        await shop.post('/auth/login', { email: 'nobody@example.com', password: 'wrong-password' });
        return (await sys.metric('shop', 'fabflow_rate_limit_degraded')) === 0;
      },
      30_000,
      500,
    );
    console.log(
      `redis down 30 s: ${quotes.quoteIds.length} quotes asked meanwhile (all accepted, all waiting), ` +
        `all priced ${pricedAfterMs} ms after Redis was back; ${reads.samples.length} dashboard reads ` +
        `all answered (slowest ${reads.slowest().toFixed(0)} ms); login during the outage: ` +
        `${logins.filter((s) => s === 401).length}× 401 then ${logins.filter((s) => s === 429).length}× 429; ` +
        `both phases: ${all.pricedOnce}/${all.requested} quotes priced exactly once`,
    );
    assert.deepEqual(quotes.failures([202]), [], 'quotes accepted during the outage');
    assert.deepEqual(reads.failures([200]), [], 'the dashboard answered during the outage');
    assert.equal(audit.pricedOnce, quotes.quoteIds.length, JSON.stringify(audit));
    assert.equal(all.pricedOnce, allQuotes.length, JSON.stringify(all));
    assert.deepEqual([...all.pricedTwice, ...all.failed], []);
    assert.deepEqual(
      [sys.shop.pid, sys.crm.pid, sys.mes.pid, sys.pricingWorker?.pid],
      pids,
      'no process was restarted',
    );
  });
});
