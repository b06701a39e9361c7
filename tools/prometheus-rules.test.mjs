// Monitoring as code: the Prometheus configuration, alert and recording rules (with their promtool
// unit tests), the Alertmanager configuration and the Grafana dashboards in deploy/ are checked
// with the real tools (Debian packages prometheus and prometheus-alertmanager, see .ci/run).
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const deploy = (...p) => join(root, 'deploy', ...p);
const yamlFiles = (dir) =>
  readdirSync(dir)
    .filter((f) => f.endsWith('.yml'))
    .sort()
    .map((f) => join(dir, f));
const RULE_FILES = yamlFiles(deploy('prometheus/rules'));
const RULE_TESTS = yamlFiles(deploy('prometheus/tests'));
const DASHBOARDS = readdirSync(deploy('grafana/dashboards'))
  .filter((f) => f.endsWith('.json'))
  .sort();

/** Runs a tool; returns its exit code and output (stdout and stderr together). */
function run(cmd, args) {
  const r = spawnSync(cmd, args, { cwd: root, encoding: 'utf8' });
  if (r.error) throw new Error(`${cmd}: ${r.error.message} (installed by .ci/run)`);
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

function ok(cmd, args) {
  const { code, out } = run(cmd, args);
  assert.equal(code, 0, `${cmd} ${args.join(' ')} failed:\n${out}`);
  return out;
}

/** A YAML file as an object, read by PyYAML (python3-yaml comes with docker-compose). */
function readYaml(file) {
  const json = execFileSync(
    'python3',
    [
      '-c',
      'import json, sys, yaml; json.dump(yaml.safe_load(open(sys.argv[1])), sys.stdout)',
      file,
    ],
    { encoding: 'utf8' },
  );
  return JSON.parse(json);
}

/** GitHub's heading anchors in a Markdown file. */
function anchors(markdown) {
  return new Set(
    [...markdown.matchAll(/^#{1,6} (.+)$/gm)].map((m) =>
      m[1]
        .trim()
        .toLowerCase()
        .replace(/[^\p{L}\p{N} _-]/gu, '')
        .replace(/ /g, '-'),
    ),
  );
}

describe('Prometheus configuration and rules', () => {
  it('the configuration is valid and loads the rule files', () => {
    const out = ok('promtool', ['check', 'config', deploy('prometheus/prometheus.yml')]);
    assert.match(out, new RegExp(`SUCCESS: ${RULE_FILES.length} rule files found`));
  });

  it('the rule files are valid', () => {
    ok('promtool', ['check', 'rules', ...RULE_FILES]);
  });

  it('the rule unit tests pass (alerts fire, and do not fire, as specified)', () => {
    assert.ok(RULE_TESTS.length >= 4, 'rule tests exist');
    const out = ok('promtool', ['test', 'rules', ...RULE_TESTS]);
    assert.equal(out.match(/SUCCESS/g)?.length, RULE_TESTS.length, out);
  });

  it('a rule test whose expectation is wrong fails', () => {
    // The same rules, with an expectation that contradicts them: promtool must exit non-zero.
    const dir = mkdtempSync(join(tmpdir(), 'fabflow-promtool-'));
    try {
      const file = join(dir, 'wrong.test.yml');
      writeFileSync(
        file,
        [
          'rule_files:',
          `  - ${JSON.stringify(deploy('prometheus/rules/fabflow-alerts.yml'))}`,
          'evaluation_interval: 1m',
          'tests:',
          '  - interval: 1m',
          '    input_series:',
          `      - series: 'up{job="mes-api",instance="mes-api:3002",service="mes-api"}'`,
          "        values: '0x10'",
          '    alert_rule_test:',
          '      - alertname: FabflowInstanceDown',
          '        eval_time: 5m',
          '        exp_alerts: []',
          '',
        ].join('\n'),
      );
      const { code, out } = run('promtool', ['test', 'rules', file]);
      assert.notEqual(code, 0, out);
      assert.match(out, /FAILED/);
      assert.match(out, /FabflowInstanceDown/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('every alert has a severity, a summary, a description, a runbook entry and a unit test', () => {
    const runbooks = anchors(readFileSync(join(root, 'docs/runbooks.md'), 'utf8'));
    const tests = RULE_TESTS.map((f) => readFileSync(f, 'utf8')).join('\n');
    const alerts = RULE_FILES.flatMap((f) => readYaml(f).groups ?? [])
      .flatMap((g) => g.rules)
      .filter((r) => r.alert);
    assert.ok(alerts.length >= 9, `alerts: ${alerts.map((a) => a.alert).join(', ')}`);
    for (const a of alerts) {
      assert.match(a.labels?.severity ?? '', /^(critical|warning)$/, `${a.alert} severity`);
      assert.ok(a.annotations?.summary, `${a.alert} has a summary`);
      assert.ok(a.annotations?.description, `${a.alert} has a description`);
      const url = a.annotations?.runbook_url ?? '';
      const m = /^docs\/runbooks\.md#(.+)$/.exec(url);
      assert.ok(m, `${a.alert} runbook_url points into docs/runbooks.md: ${url}`);
      assert.ok(runbooks.has(m[1]), `docs/runbooks.md has a heading for #${m[1]} (${a.alert})`);
      assert.match(tests, new RegExp(`alertname: ${a.alert}\\b`), `${a.alert} has a promtool test`);
    }
  });
});

describe('Alertmanager configuration', () => {
  const source = deploy('alertmanager');
  const renderer = deploy('alertmanager/render-config.sh');
  const ENV = {
    ALERT_SMTP_SMARTHOST: 'smtp.example.com:587',
    ALERT_SMTP_FROM: 'alerts@example.com',
    ALERT_SMTP_AUTH_USERNAME: 'alerts',
    ALERT_SMTP_AUTH_PASSWORD: "it's secret",
    ALERT_EMAIL_ONCALL: 'oncall@example.com',
    ALERT_EMAIL_TEAM: 'team@example.com',
    ALERT_CHAT_WEBHOOK_URL: 'https://chat.example.com/hooks/abc?x=1&y=2',
    ALERT_RUNBOOK_BASE_URL: 'https://git.example.com/fabflow/-/blob/main/',
  };
  /** Renders the configuration with `env` (and PATH only) into a fresh directory. */
  const render = (env) => {
    const dir = mkdtempSync(join(tmpdir(), 'fabflow-alertmanager-'));
    const r = spawnSync('sh', [renderer, source, dir], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH, ...env },
    });
    return { dir, config: join(dir, 'alertmanager.yml'), code: r.status, err: r.stderr };
  };
  let rendered;
  before(() => {
    rendered = render(ENV);
    assert.equal(rendered.code, 0, rendered.err);
  });
  after(() => rmSync(rendered.dir, { recursive: true, force: true }));

  it('is rendered from the environment into a valid configuration with its templates', () => {
    const out = ok('amtool', ['check-config', rendered.config]);
    assert.match(out, /2 receivers/);
    const config = readYaml(rendered.config);
    assert.equal(config.global.smtp_smarthost, ENV.ALERT_SMTP_SMARTHOST);
    assert.equal(config.global.smtp_auth_password, ENV.ALERT_SMTP_AUTH_PASSWORD, 'quotes survive');
    const oncall = config.receivers.find((r) => r.name === 'fabflow-oncall');
    assert.equal(oncall.email_configs[0].to, ENV.ALERT_EMAIL_ONCALL);
    assert.equal(oncall.slack_configs[0].api_url, ENV.ALERT_CHAT_WEBHOOK_URL);
    assert.equal(oncall.slack_configs[0].send_resolved, true);
    assert.match(
      readFileSync(join(rendered.dir, 'templates/runbook.tmpl'), 'utf8'),
      /\{\{ define "fabflow.runbook_base" \}\}https:\/\/git\.example\.com\/fabflow\/-\/blob\/main\/\{\{ end \}\}/,
    );
  });

  it('leaves the chat receivers out without a webhook, and names every missing variable', () => {
    const { ALERT_CHAT_WEBHOOK_URL: _chat, ...noChat } = ENV;
    const r = render(noChat);
    try {
      assert.equal(r.code, 0, r.err);
      ok('amtool', ['check-config', r.config]);
      assert.ok(readYaml(r.config).receivers.every((x) => !x.slack_configs));
    } finally {
      rmSync(r.dir, { recursive: true, force: true });
    }
    const bad = render({ ALERT_SMTP_FROM: 'alerts@example.com' });
    try {
      assert.notEqual(bad.code, 0);
      for (const v of ['ALERT_SMTP_SMARTHOST', 'ALERT_EMAIL_ONCALL', 'ALERT_EMAIL_TEAM'])
        assert.match(bad.err, new RegExp(`${v} is not set`));
      assert.throws(() => readFileSync(bad.config), /ENOENT/, 'nothing is written');
    } finally {
      rmSync(bad.dir, { recursive: true, force: true });
    }
  });

  it('has no placeholder receivers left', () => {
    for (const f of ['alertmanager.yml.tmpl', 'templates/fabflow.tmpl'])
      assert.doesNotMatch(readFileSync(join(source, f), 'utf8'), /\.invalid\b/, f);
  });

  it('pages on-call for critical alerts and tells the team about warnings', () => {
    const route = (...labels) =>
      ok('amtool', ['config', 'routes', 'test', `--config.file=${rendered.config}`, ...labels])
        .split('\n')
        .filter((l) => l && !l.startsWith('Warning:'))
        .join(',');
    assert.equal(route('alertname=FabflowOutboxStuck', 'severity=critical'), 'fabflow-oncall');
    assert.equal(route('alertname=FabflowQueueNoConsumer', 'severity=critical'), 'fabflow-oncall');
    assert.equal(route('alertname=FabflowDLQNotEmpty', 'severity=warning'), 'fabflow-team');
    assert.equal(route('alertname=Unlabelled'), 'fabflow-team');
  });

  it('notifications carry the summary, the affected queue and service, the labels and the runbook link', () => {
    const out = ok('amtool', [
      'template',
      'render',
      `--template.glob=${join(rendered.dir, 'templates', '*.tmpl')}`,
      '--template.text={{ template "fabflow.text" . }}',
    ]);
    // amtool's example alerts have no annotations; what each carries comes from its labels.
    assert.match(out, /Affected: instance foo\.bar:1234; /);
    assert.match(out, /Runbook: https:\/\/git\.example\.com\/fabflow\/-\/blob\/main\//);
    assert.match(out, /Labels: .*label1=value1/);
  });

  it('lets an instance that is down inhibit the other alerts of its service', () => {
    const { inhibit_rules: rules } = readYaml(rendered.config);
    const down = rules.find((r) => r.source_matchers.includes('alertname="FabflowInstanceDown"'));
    assert.ok(down, 'an inhibit rule with FabflowInstanceDown as its source');
    assert.deepEqual(down.equal, ['service']);
  });
});

describe('mtail programs', () => {
  it('compile (deploy/mtail)', () => {
    ok('mtail', [
      '--compile_only',
      '--progs',
      deploy('mtail'),
      '--logtostderr',
      '--address=127.0.0.1',
      '--port=0',
    ]);
  });
});

describe('Grafana dashboards', () => {
  const datasource = readYaml(
    deploy('grafana/provisioning/datasources/prometheus.yml'),
  ).datasources.find((d) => d.type === 'prometheus');

  it('are provisioned from deploy/grafana/dashboards', () => {
    assert.ok(datasource?.uid, 'a provisioned Prometheus data source with a uid');
    assert.ok(DASHBOARDS.length >= 5, `dashboards: ${DASHBOARDS.join(', ')}`);
  });

  const uids = new Set();
  for (const file of DASHBOARDS) {
    it(`${file}: parses, has a uid, a title and panels, all on the provisioned Prometheus`, () => {
      const d = JSON.parse(readFileSync(deploy('grafana/dashboards', file), 'utf8'));
      assert.match(d.uid ?? '', /^[a-z0-9-]{1,40}$/, 'a stable uid');
      assert.ok(!uids.has(d.uid), `uid ${d.uid} is unique`);
      uids.add(d.uid);
      assert.ok(d.title, 'a title');
      assert.equal(typeof d.schemaVersion, 'number');
      const panels = d.panels.flatMap((p) => [p, ...(p.panels ?? [])]);
      const ids = panels.map((p) => p.id);
      assert.equal(new Set(ids).size, ids.length, 'panel ids are unique');
      const queried = panels.filter((p) => p.type !== 'row' && p.type !== 'text');
      assert.ok(queried.length > 0, 'panels with queries');
      for (const p of queried) {
        const where = `${d.uid} panel "${p.title}"`;
        assert.deepEqual(p.datasource, { type: 'prometheus', uid: datasource.uid }, where);
        assert.ok(p.targets?.length > 0, `${where} has queries`);
        for (const t of p.targets) {
          assert.equal(t.datasource?.uid ?? datasource.uid, datasource.uid, where);
          assert.equal(typeof t.expr, 'string', `${where} ${t.refId} has an expr`);
          assert.ok(t.expr.trim().length > 0, `${where} ${t.refId} expr is not empty`);
        }
      }
      for (const v of d.templating?.list ?? []) {
        if (v.type === 'query')
          assert.equal(v.datasource?.uid, datasource.uid, `variable ${v.name}`);
      }
    });
  }
});
