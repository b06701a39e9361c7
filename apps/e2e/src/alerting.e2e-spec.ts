import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { SUBSCRIPTION_QUEUES } from '@fabflow/contracts';
import { IsolatedService, REPO_ROOT, testEnv, waitFor } from '@fabflow/testing';
import { AlertmanagerProcess } from './support/alertmanager-process';
import { WebhookSink, SmtpSink, type ReceivedMail } from './support/notification-sinks';
import { PrometheusProcess } from './support/prometheus-process';

/*
 * Alerts reach a person: the real Prometheus (the rules of deploy/prometheus/rules) and the real
 * Alertmanager (deploy/alertmanager, rendered from the environment by its render-config.sh, as in
 * compose) from the Debian packages, on free ports; the broker's own metrics of the CRM's vhost;
 * a chat webhook (Slack-compatible) and an SMTP server run by this test. The CRM is stopped, so
 * its queues have no consumer: FabflowQueueNoConsumer fires and its notification arrives by chat
 * and by email with the summary, the queue, the labels and the runbook link; the CRM starts
 * again and the resolved notification arrives.
 *
 * Test-only timings: every rule's `for:` becomes 2 s (a copy of the rule files, expressions and
 * annotations untouched), Prometheus scrapes and evaluates every second and sends alerts at once
 * (--rules.alert.resend-delay), Alertmanager groups for 1 s and re-notifies a group after 2 s.
 */

const RULES_DIR = join(REPO_ROOT, 'deploy', 'prometheus', 'rules');
const QUEUE = SUBSCRIPTION_QUEUES.crm.orders;
const RUNBOOK_BASE = 'https://runbooks.example/fabflow/';
const RUNBOOK = `${RUNBOOK_BASE}docs/runbooks.md#fabflowqueuenoconsumer`;
const ONCALL = 'oncall@fabflow.test';

interface SlackMessage {
  channel: string;
  attachments: Array<{ title: string; title_link: string; text: string }>;
}

/** The rule files with every `for:` shortened to 2 s (nothing else changed). */
function fastRules(dir: string): string {
  for (const f of readdirSync(RULES_DIR).filter((n) => n.endsWith('.yml'))) {
    const text = readFileSync(join(RULES_DIR, f), 'utf8');
    writeFileSync(join(dir, f), text.replace(/^(\s+for:) \d+[smh]$/gm, '$1 2s'));
  }
  return join(dir, '*.yml');
}

describe('alerts reach a person: a queue without consumer, through the real Prometheus and Alertmanager', () => {
  let crm: IsolatedService;
  let chat: WebhookSink;
  let smtp: SmtpSink;
  let alertmanager: AlertmanagerProcess;
  let prom: PrometheusProcess;
  let rulesDir: string;

  before(async () => {
    [chat, smtp, crm] = await Promise.all([
      WebhookSink.start(),
      SmtpSink.start(),
      IsolatedService.start('crm-api', 'alerting'),
    ]);
    alertmanager = await AlertmanagerProcess.start({
      env: {
        ALERT_SMTP_SMARTHOST: smtp.hostPort,
        ALERT_SMTP_FROM: 'alertmanager@fabflow.test',
        ALERT_SMTP_REQUIRE_TLS: 'false',
        ALERT_EMAIL_ONCALL: ONCALL,
        ALERT_EMAIL_TEAM: 'team@fabflow.test',
        ALERT_CHAT_WEBHOOK_URL: `${chat.url}/hooks/fabflow`,
        ALERT_RUNBOOK_BASE_URL: RUNBOOK_BASE,
      },
      groupWait: '1s',
      groupInterval: '2s',
    });
    rulesDir = mkdtempSync(join(tmpdir(), 'fabflow-fast-rules-'));
    const rabbit = testEnv.TEST_RABBITMQ_PROMETHEUS;
    prom = await PrometheusProcess.start({
      jobs: [
        {
          job: 'rabbitmq-queues',
          service: 'rabbitmq',
          targets: [rabbit],
          metricsPath: '/metrics/detailed',
          params: {
            family: ['queue_coarse_metrics', 'queue_consumer_count'],
            vhost: [crm.vhost.vhost],
          },
        },
      ],
      ruleFiles: [fastRules(rulesDir)],
      alertmanager: alertmanager.hostPort,
    });
  });

  after(async () => {
    await prom?.stop();
    await alertmanager?.stop();
    await crm?.stop();
    await chat?.stop();
    await smtp?.stop();
    if (rulesDir) rmSync(rulesDir, { recursive: true, force: true });
  });

  const chatAbout = (status: 'FIRING' | 'RESOLVED') =>
    chat.received
      .map((r) => r.body as SlackMessage)
      .filter((m) =>
        m.attachments.some(
          (a) =>
            a.title.startsWith(`[${status}`) &&
            a.title.includes('FabflowQueueNoConsumer') &&
            a.title.includes(`queue ${QUEUE}`),
        ),
      );
  const mailAbout = (status: 'FIRING' | 'RESOLVED'): ReceivedMail[] =>
    smtp.received.filter((m) =>
      new RegExp(
        `^Subject: \\[${status}[^\\n]*FabflowQueueNoConsumer[^\\n]*queue ${QUEUE}`,
        'm',
      ).test(m.data),
    );

  it('notifies on-call by chat and email when a queue loses its consumers, and again when they are back', async () => {
    const consumers = `rabbitmq_detailed_queue_consumers{queue="${QUEUE}"}`;
    await waitFor(
      'Prometheus to see the CRM consuming',
      async () => {
        const r = (await prom.query(`${consumers} > 0`)).length > 0;
        return r;
      },
      30_000,
      250,
    );
    assert.deepEqual(chatAbout('FIRING'), [], 'no alert while the CRM consumes');

    const stopped = Date.now();
    await crm.process.stop();
    const [message] = await waitFor(
      'the firing chat message',
      () => {
        const m = chatAbout('FIRING');
        return m.length > 0 ? m : undefined;
      },
      60_000,
      200,
    );
    const firedAfter = Date.now() - stopped;
    const a = message!.attachments[0]!;
    assert.equal(message!.channel, '#fabflow-oncall', 'critical: the on-call channel');
    assert.match(a.title, /^\[FIRING:1\] FabflowQueueNoConsumer \(critical\) queue crm\.orders/);
    assert.equal(a.title_link, RUNBOOK, 'the title links the runbook');
    assert.match(a.text, new RegExp(`^Queue ${QUEUE} has no consumer$`, 'm'), 'the summary');
    assert.match(
      a.text,
      new RegExp(`Nothing has consumed queue ${QUEUE} \\(vhost ${crm.vhost.vhost}\\)`),
    );
    assert.match(
      a.text,
      new RegExp(`^Affected: queue ${QUEUE} \\(vhost ${crm.vhost.vhost}\\); `, 'm'),
    );
    assert.match(a.text, new RegExp(`^Runbook: ${RUNBOOK.replaceAll('.', '\\.')}$`, 'm'));
    for (const label of ['alertname=FabflowQueueNoConsumer', `queue=${QUEUE}`, 'severity=critical'])
      assert.ok(a.text.includes(label), `the labels: ${label} in\n${a.text}`);

    const [mail] = await waitFor(
      'the firing email',
      () => {
        const m = mailAbout('FIRING');
        return m.length > 0 ? m : undefined;
      },
      30_000,
      200,
    );
    assert.deepEqual(mail!.to, [ONCALL]);
    assert.ok(mail!.data.includes(`Queue ${QUEUE} has no consumer`), 'the summary by email');
    assert.ok(mail!.data.includes(`href="${RUNBOOK}"`), 'the runbook link by email');
    assert.ok(mail!.data.includes(`queue=${QUEUE}`), 'the labels by email');

    const restarted = Date.now();
    await crm.process.start();
    const [resolved] = await waitFor(
      'the resolved chat message',
      () => {
        const m = chatAbout('RESOLVED');
        return m.length > 0 ? m : undefined;
      },
      60_000,
      200,
    );
    const resolvedAfter = Date.now() - restarted;
    assert.match(
      resolved!.attachments[0]!.text,
      new RegExp(`^RESOLVED: Queue ${QUEUE} has no consumer$`, 'm'),
    );
    await waitFor('the resolved email', () => mailAbout('RESOLVED').length > 0, 30_000, 200);
    console.log(
      `alerting: CRM stopped → firing notification in ${firedAfter} ms; ` +
        `CRM back → resolved notification in ${resolvedAfter} ms ` +
        `(${chat.received.length} chat messages, ${smtp.received.length} emails in all)`,
    );
  });
});
