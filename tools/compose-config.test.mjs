// docker-compose.yml is checked with `docker-compose config` (no Docker engine runs here).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const compose = (...args) =>
  execFileSync('docker-compose', ['-f', join(root, 'docker-compose.yml'), ...args], {
    cwd: root,
    encoding: 'utf8',
  });

const BROKERS = ['rabbitmq-1', 'rabbitmq-2', 'rabbitmq-3'];
const APPS = ['shop-api', 'crm-api', 'mes-api', 'pricing-worker'];
const MONITORING = [
  'alertmanager',
  'grafana',
  'jaeger',
  'loki',
  'otel-collector',
  'prometheus',
  'promtail',
];

/**
 * The resolved configuration as an object. docker-compose 1.29 prints YAML only, so it is read
 * with PyYAML by the Python interpreter docker-compose itself runs on (its shebang).
 */
function resolvedConfig() {
  const yaml = compose('config');
  const bin = execFileSync('sh', ['-c', 'command -v docker-compose'], { encoding: 'utf8' }).trim();
  const shebang = readFileSync(bin, 'utf8')
    .split('\n')[0]
    .replace(/^#!\s*/, '')
    .split(/\s+/);
  const python = shebang[0].endsWith('/env') ? shebang.slice(1) : shebang.slice(0, 1);
  const json = execFileSync(
    python[0],
    [
      ...python.slice(1),
      '-c',
      'import json, sys, yaml; json.dump(yaml.safe_load(sys.stdin), sys.stdout)',
    ],
    { input: yaml, encoding: 'utf8' },
  );
  return JSON.parse(json);
}

describe('docker-compose.yml', () => {
  let config;
  before(() => {
    config = resolvedConfig();
  });

  it('is a valid compose file', () => {
    compose('config', '-q');
  });

  it('runs Postgres, Redis, MinIO, a 3-node RabbitMQ cluster, every service and the monitoring stack', () => {
    const services = compose('config', '--services').trim().split('\n').sort();
    assert.deepEqual(
      services,
      [
        'crm-api',
        'mes-api',
        'minio',
        'nginx',
        'postgres',
        'pricing-worker',
        'rabbitmq-1',
        'rabbitmq-2',
        'rabbitmq-3',
        'redis',
        'shop-api',
        ...MONITORING,
      ].sort(),
    );
    for (const svc of APPS) {
      assert.equal(config.services[svc].build.args.SERVICE, svc, `${svc} is built with SERVICE`);
      assert.equal(config.services[svc].build.dockerfile, 'deploy/docker/service.Dockerfile');
    }
  });

  it('gives the shop and the pricing worker MinIO as their S3, with its credentials, one bucket, and upload URLs the host can reach', () => {
    const minio = config.services.minio;
    assert.match(minio.image, /^minio\/minio:RELEASE\./);
    assert.deepEqual(minio.command.slice(0, 2), ['server', '/data']);
    assert.deepEqual(minio.healthcheck.test, ['CMD', 'mc', 'ready', 'local']);
    const published = (port) =>
      minio.ports.some((p) => Number(p.target ?? String(p).split(':')[1]) === port);
    assert.ok(published(9000), 'the S3 API is published on 9000');
    const buckets = new Set();
    for (const svc of ['shop-api', 'pricing-worker']) {
      const env = config.services[svc].environment;
      assert.equal(env.S3_ENDPOINT, 'http://minio:9000', `${svc} S3_ENDPOINT`);
      assert.equal(env.S3_ACCESS_KEY_ID, minio.environment.MINIO_ROOT_USER, `${svc} access key`);
      assert.equal(
        env.S3_SECRET_ACCESS_KEY,
        minio.environment.MINIO_ROOT_PASSWORD,
        `${svc} secret`,
      );
      assert.equal(env.S3_FORCE_PATH_STYLE, 'true', `${svc} path-style addressing`);
      assert.ok(env.S3_BUCKET, `${svc} S3_BUCKET`);
      buckets.add(env.S3_BUCKET);
      assert.equal(config.services[svc].depends_on.minio?.condition, 'service_healthy');
    }
    assert.equal(buckets.size, 1, 'the worker reads the bucket the shop writes');
    // The host part is signed: clients on the Docker host reach MinIO at localhost:9000.
    assert.equal(
      config.services['shop-api'].environment.S3_PUBLIC_ENDPOINT,
      'http://localhost:9000',
    );
    assert.ok(
      (minio.volumes ?? []).some((v) => String(v.target ?? v).includes('/data')),
      'MinIO keeps its data in a volume',
    );
  });

  it('runs several shop instances behind nginx, which alone is published on :3000', () => {
    const shop = config.services['shop-api'];
    assert.ok((shop.scale ?? 1) >= 2, 'at least two shop instances');
    assert.equal(shop.ports, undefined, 'the instances have no host port of their own');
    assert.equal(shop.environment.RATE_LIMIT_INSTANCES, String(shop.scale));
    assert.ok(shop.environment.TRUSTED_PROXIES, 'X-Forwarded-For from nginx is believed');
    const nginx = config.services.nginx;
    assert.ok(
      nginx.volumes.includes(`${join(root, 'deploy/nginx/nginx.conf')}:/etc/nginx/nginx.conf:ro`),
      nginx.volumes.join(', '),
    );
    assert.ok(nginx.ports.some((p) => String(p.published ?? p).startsWith('3000')));
    assert.ok(nginx.depends_on['shop-api']);
    const conf = readFileSync(join(root, 'deploy/nginx/nginx.conf'), 'utf8');
    assert.match(conf, /server shop-api:3000 /, 'the upstream is the compose service');
    assert.match(conf, new RegExp(`listen ${nginx.ports[0].target ?? 8080};`));
  });

  it('clusters the three RabbitMQ nodes: one cookie, own hostnames, classic peer discovery', () => {
    const cookies = new Set();
    for (const name of BROKERS) {
      const node = config.services[name];
      assert.equal(node.image, 'rabbitmq:3.10-management', `${name} image`);
      assert.equal(node.hostname, name, `${name} is rabbit@${name}`);
      assert.equal(node.environment.RABBITMQ_DEFAULT_USER, 'fabflow');
      assert.ok(node.environment.RABBITMQ_ERLANG_COOKIE, `${name} has an Erlang cookie`);
      cookies.add(node.environment.RABBITMQ_ERLANG_COOKIE);
      assert.deepEqual(node.healthcheck.test.slice(0, 2), ['CMD', 'rabbitmq-diagnostics']);
      assert.ok(
        node.volumes.includes(
          `${join(root, 'deploy/rabbitmq/rabbitmq.conf')}:/etc/rabbitmq/rabbitmq.conf:ro`,
        ),
        `${name} mounts deploy/rabbitmq/rabbitmq.conf`,
      );
    }
    assert.equal(cookies.size, 1, 'all nodes share one Erlang cookie');

    const conf = readFileSync(join(root, 'deploy/rabbitmq/rabbitmq.conf'), 'utf8');
    assert.match(conf, /^cluster_formation\.peer_discovery_backend = classic_config$/m);
    const peers = [...conf.matchAll(/^cluster_formation\.classic_config\.nodes\.\d+ = (\S+)$/gm)];
    assert.deepEqual(
      peers.map((m) => m[1]),
      BROKERS.map((b) => `rabbit@${b}`),
    );
  });

  it('gives every service all three nodes in AMQP_URLS and waits for the cluster', () => {
    for (const svc of APPS) {
      assert.ok(config.services[svc].environment.AMQP_URLS, `${svc} has AMQP_URLS`);
    }
    for (const [svc, def] of Object.entries(config.services)) {
      const urls = def.environment?.AMQP_URLS;
      if (urls !== undefined) {
        const hosts = urls.split(',').map((u) => new URL(u).host);
        assert.deepEqual(
          hosts,
          BROKERS.map((b) => `${b}:5672`),
          `${svc} AMQP_URLS lists every node`,
        );
      }
      const deps = Object.keys(def.depends_on ?? {});
      if (deps.some((d) => d.startsWith('rabbitmq'))) {
        for (const b of BROKERS) {
          assert.equal(def.depends_on[b]?.condition, 'service_healthy', `${svc} waits for ${b}`);
        }
      }
    }
  });

  it('mounts the monitoring configuration from deploy/ and sends the services’ telemetry to the collector', () => {
    const mounts = (svc) => config.services[svc].volumes ?? [];
    const mounted = (svc, from, to) =>
      assert.ok(
        mounts(svc).some((v) => v.startsWith(`${join(root, from)}:${to}`)),
        `${svc} mounts ${from} at ${to}: ${mounts(svc).join(', ')}`,
      );
    mounted('prometheus', 'deploy/prometheus', '/etc/prometheus');
    assert.ok(
      config.services.prometheus.command.includes('--config.file=/etc/prometheus/prometheus.yml'),
    );
    mounted('alertmanager', 'deploy/alertmanager', '/etc/alertmanager');
    mounted('grafana', 'deploy/grafana/provisioning', '/etc/grafana/provisioning');
    mounted('grafana', 'deploy/grafana/dashboards', '/etc/grafana/dashboards');
    const provider = readFileSync(
      join(root, 'deploy/grafana/provisioning/dashboards/fabflow.yml'),
      'utf8',
    );
    assert.match(
      provider,
      /^\s+path: \/etc\/grafana\/dashboards$/m,
      'the provider reads the mount',
    );
    mounted('otel-collector', 'deploy/otel/collector.yml', '/etc/otelcol-contrib/config.yaml');
    assert.match(
      config.services['otel-collector'].image,
      /^otel\/opentelemetry-collector-contrib:/,
    );
    mounted('promtail', 'deploy/promtail/promtail.yml', '/etc/promtail/promtail.yml');
    for (const svc of APPS) {
      assert.equal(
        config.services[svc].environment.OTEL_EXPORTER_OTLP_ENDPOINT,
        'http://otel-collector:4318',
        `${svc} exports OTLP to the collector`,
      );
    }
  });

  it('has Prometheus scrape each API at its compose name and port, and alert through Alertmanager', () => {
    const prom = readFileSync(join(root, 'deploy/prometheus/prometheus.yml'), 'utf8');
    const targets = [...prom.matchAll(/^\s+- targets: \['([^']+)'\]$/gm)].map((m) => m[1]);
    for (const svc of ['shop-api', 'crm-api', 'mes-api']) {
      const port = config.services[svc].environment.PORT;
      assert.ok(
        targets.includes(`${svc}:${port}`),
        `${svc}:${port} is scraped: ${targets.join(', ')}`,
      );
    }
    assert.match(
      prom,
      /alertmanagers:\n\s+- static_configs:\n\s+- targets: \['alertmanager:9093'\]/,
      'alerts go to the alertmanager service',
    );
    assert.ok(
      config.services.alertmanager.ports.some((p) => String(p.target ?? p).includes('9093')),
    );
    for (const target of targets) {
      const host = target.split(':')[0];
      assert.ok(host === 'localhost' || config.services[host], `${target} is a compose service`);
    }
  });
});
