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
  'mailpit',
  'otel-collector',
  'prometheus',
  'promtail',
];
/** One exporter for each piece of infrastructure that does not export its own metrics. */
const EXPORTERS = [
  'mtail',
  'nginx-exporter',
  'postgres-exporter',
  'postgres-replica-exporter',
  'redis-exporter',
];
const REDIS = ['redis-1', 'redis-2', 'redis-sentinel-1', 'redis-sentinel-2', 'redis-sentinel-3'];

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

  it('runs Postgres, Redis with Sentinel, MinIO, a 3-node RabbitMQ cluster, every service and the monitoring stack', () => {
    const services = compose('config', '--services').trim().split('\n').sort();
    assert.deepEqual(
      services,
      [
        'crm-api',
        'mes-api',
        'minio',
        'nginx',
        'postgres',
        'postgres-replica',
        'pricing-worker',
        'rabbitmq-1',
        'rabbitmq-2',
        'rabbitmq-3',
        ...REDIS,
        'shop-api',
        ...MONITORING,
        ...EXPORTERS,
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

  it('runs two or more instances of every API and the worker, the APIs behind nginx alone', () => {
    const nginx = config.services.nginx;
    for (const f of ['nginx.conf', 'fabflow-proxy.conf', 'fabflow-errors.conf'])
      assert.ok(
        nginx.volumes.includes(`${join(root, 'deploy/nginx', f)}:/etc/nginx/${f}:ro`),
        `${f}: ${nginx.volumes.join(', ')}`,
      );
    const conf = readFileSync(join(root, 'deploy/nginx/nginx.conf'), 'utf8');
    const published = (host, target) =>
      nginx.ports.some((p) => String(p.published) === host && Number(p.target) === target);
    for (const [svc, host, listen] of [
      ['shop-api', '3000', 8080],
      ['crm-api', '3001', 8081],
      ['mes-api', '3002', 8082],
    ]) {
      const def = config.services[svc];
      assert.ok((def.scale ?? 1) >= 2, `at least two ${svc} instances`);
      assert.equal(def.ports, undefined, `${svc} instances have no host port of their own`);
      assert.ok(nginx.depends_on[svc], `nginx waits for ${svc}`);
      assert.ok(published(host, listen), `nginx publishes ${svc} on ${host} (listen ${listen})`);
      assert.match(conf, new RegExp(`listen ${listen};`));
      assert.match(conf, new RegExp(`server ${svc}:${def.environment.PORT} `), `${svc} upstream`);
    }
    for (const svc of ['shop-api', 'crm-api']) {
      const env = config.services[svc].environment;
      assert.equal(env.RATE_LIMIT_INSTANCES, String(config.services[svc].scale), svc);
      assert.ok(env.TRUSTED_PROXIES, `${svc} believes X-Forwarded-For from nginx`);
    }
    assert.ok((config.services['pricing-worker'].scale ?? 1) >= 2, 'two pricing workers');
  });

  it('gives the MES a streaming replica of Postgres to read its work queue from', () => {
    const primary = config.services.postgres;
    const replica = config.services['postgres-replica'];
    assert.equal(replica.image, primary.image);
    assert.ok(
      primary.volumes.some((v) =>
        v.startsWith(
          `${join(root, 'deploy/postgres/init-replication.sh')}:/docker-entrypoint-initdb.d/`,
        ),
      ),
      'the primary creates the replication role at init',
    );
    assert.equal(
      replica.environment.POSTGRES_REPLICATION_PASSWORD,
      primary.environment.POSTGRES_REPLICATION_PASSWORD,
    );
    assert.equal(replica.depends_on.postgres.condition, 'service_healthy');
    const entry = readFileSync(join(root, 'deploy/postgres/replica-entrypoint.sh'), 'utf8');
    assert.match(entry, /pg_basebackup -h postgres -U replicator/);
    assert.match(entry, / -R /, 'pg_basebackup writes the standby configuration');
    assert.match(
      readFileSync(join(root, 'deploy/postgres/init-replication.sh'), 'utf8'),
      /host replication replicator all scram-sha-256/,
    );
    const mes = config.services['mes-api'].environment;
    assert.equal(new URL(mes.DATABASE_REPLICA_URLS).host, 'postgres-replica:5432');
    assert.equal(new URL(mes.DATABASE_REPLICA_URLS).pathname, new URL(mes.DATABASE_URL).pathname);
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

  it('runs Redis as a primary, a replica and three Sentinels, and points every service at the Sentinels', () => {
    const sentinels = REDIS.filter((r) => r.startsWith('redis-sentinel'));
    for (const name of REDIS) {
      const svc = config.services[name];
      assert.equal(svc.hostname, name, `${name} is reachable (and announced) by its name`);
      assert.equal(svc.environment.REDIS_ANNOUNCE_HOSTNAME, name);
      assert.ok(
        svc.volumes.includes(`${join(root, 'deploy/redis')}:/etc/fabflow:ro`),
        `${name} mounts deploy/redis`,
      );
      assert.ok(
        svc.volumes.some((v) => /^\w+:\/data(:rw)?$/.test(v)),
        `${name} keeps its (Sentinel-rewritten) configuration in a volume`,
      );
    }
    assert.equal(config.services['redis-2'].environment.REDIS_REPLICA_OF, 'redis-1 6379');
    assert.equal(config.services['redis-1'].environment.REDIS_REPLICA_OF, undefined);
    const sentinelConf = readFileSync(join(root, 'deploy/redis/sentinel.conf'), 'utf8');
    assert.match(sentinelConf, /^sentinel monitor fabflow redis-1 6379 2$/m, 'quorum 2 of 3');
    const redisConf = readFileSync(join(root, 'deploy/redis/redis.conf'), 'utf8');
    assert.match(redisConf, /^maxmemory-policy noeviction$/m, 'BullMQ needs noeviction');
    assert.match(redisConf, /^appendonly yes$/m);
    for (const svc of APPS) {
      const env = config.services[svc].environment;
      assert.deepEqual(
        env.REDIS_SENTINELS.split(','),
        sentinels.map((s) => `${s}:26379`),
        `${svc} asks every Sentinel`,
      );
      assert.equal(env.REDIS_SENTINEL_NAME, 'fabflow');
      assert.equal(env.REDIS_URL, undefined, `${svc} has no single Redis address`);
    }
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
    mounted('alertmanager', 'deploy/alertmanager', '/etc/alertmanager-src');
    const am = config.services.alertmanager;
    assert.deepEqual(am.entrypoint.slice(0, 2), [
      '/bin/sh',
      '/etc/alertmanager-src/render-config.sh',
    ]);
    assert.ok(am.command.includes('--config.file=/tmp/alertmanager/alertmanager.yml'));
    assert.equal(am.environment.ALERT_SMTP_SMARTHOST, 'mailpit:1025', 'email reaches Mailpit');
    for (const [k, v] of Object.entries(am.environment))
      assert.doesNotMatch(String(v), /\.invalid\b/, `${k} is no placeholder`);
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

  it('has Prometheus scrape every instance of each API and the worker, and alert through Alertmanager', () => {
    const prom = readFileSync(join(root, 'deploy/prometheus/prometheus.yml'), 'utf8');
    const targets = [...prom.matchAll(/^\s+- targets: \['([^']+)'\]$/gm)].map((m) => m[1]);
    // Scaled services are found by DNS: one A record per instance, each scraped.
    const discovered = [
      ...prom.matchAll(/- names: \['([^']+)'\]\n\s+type: A\n\s+port: (\d+)/g),
    ].map((m) => `${m[1]}:${m[2]}`);
    for (const svc of ['shop-api', 'crm-api', 'mes-api', 'pricing-worker']) {
      const env = config.services[svc].environment;
      const port = env.PORT ?? env.WORKER_METRICS_PORT ?? '9464';
      assert.ok(
        discovered.includes(`${svc}:${port}`),
        `every ${svc} instance on ${port} is scraped: ${discovered.join(', ')}`,
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
    for (const t of [
      'rabbitmq-1:15692',
      'postgres-exporter:9187',
      'nginx-exporter:9113',
      'mtail:3903',
    ])
      assert.match(prom, new RegExp(t.replace('.', '\\.')), `${t} is scraped`);
    assert.match(prom, /replacement: redis-exporter:9121/, 'the Redis servers are scraped');
    for (const r of REDIS)
      assert.match(prom, new RegExp(`- redis://${r}:`), `${r} is scraped through redis-exporter`);
    for (const n of ['1', '2', '3'])
      assert.ok(
        config.services[`rabbitmq-${n}`].volumes.includes(
          `${join(root, 'deploy/rabbitmq/enabled_plugins')}:/etc/rabbitmq/enabled_plugins:ro`,
        ),
        `rabbitmq-${n} enables rabbitmq_prometheus`,
      );
    assert.match(
      readFileSync(join(root, 'deploy/rabbitmq/enabled_plugins'), 'utf8'),
      /rabbitmq_prometheus/,
    );
    for (const target of [...targets, ...discovered]) {
      const host = target.split(':')[0];
      assert.ok(host === 'localhost' || config.services[host], `${target} is a compose service`);
    }
  });
});
