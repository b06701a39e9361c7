// deploy/k8s against what the services really are: every Deployment probed, bounded, scaled
// (2..5) and covered by a disruption budget, given time to shut down gracefully, and configured
// only with variables its service's config declares (secrets only from the Secret). There is no
// API server here, so this reads the manifests themselves (PyYAML, as the compose test does).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dir = join(root, 'deploy', 'k8s');
const require = createRequire(import.meta.url);

/** Each service's config spec, compiled: the variables it reads and which are sensitive. */
const SPECS = {
  'shop-api': ['apps/shop-api/dist/app.config.js', 'appConfigSpec'],
  'crm-api': ['apps/crm-api/dist/crm.config.js', 'crmConfigSpec'],
  'mes-api': ['apps/mes-api/dist/mes.config.js', 'mesConfigSpec'],
  'pricing-worker': ['apps/pricing-worker/dist/worker.config.js', 'workerConfigSpec'],
};
const spec = (name) => {
  const [file, exported] = SPECS[name];
  return require(join(root, file))[exported];
};

function loadAll(file) {
  const json = execFileSync(
    'python3',
    ['-c', 'import json, sys, yaml; json.dump(list(yaml.safe_load_all(sys.stdin)), sys.stdout)'],
    { input: readFileSync(join(dir, file), 'utf8'), encoding: 'utf8' },
  );
  return JSON.parse(json).filter(Boolean);
}

const { ConfigError, loadConfig } = require(join(root, 'libs/config/dist/index.js'));

/** The plain (not secret) settings of a container. */
const plainEnv = (c) =>
  Object.fromEntries(c.env.filter((e) => e.value !== undefined).map((e) => [e.name, e.value]));

/** The variables a service refuses to start without with NODE_ENV=production and `env`. */
function refusedInProduction(vars, env) {
  try {
    loadConfig(vars, { ...env, NODE_ENV: 'production' });
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    return err.issues.filter((i) => /development value/.test(i.message)).map((i) => i.variable);
  }
  return [];
}

const matches = (selector, labels) => Object.entries(selector).every(([k, v]) => labels?.[k] === v);

describe('Kubernetes manifests (deploy/k8s)', () => {
  let kustomization;
  let docs;
  const of = (kind) => docs.filter((d) => d.kind === kind);

  before(() => {
    [kustomization] = loadAll('kustomization.yaml');
    docs = kustomization.resources.flatMap(loadAll);
  });

  it('are all listed in the kustomization, which sets one namespace', () => {
    const files = readdirSync(dir).filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml');
    assert.deepEqual([...kustomization.resources].sort(), files.sort());
    assert.equal(kustomization.namespace, 'fabflow');
    assert.ok(of('Namespace').some((n) => n.metadata.name === 'fabflow'));
  });

  it('run every service, each from its compiled entry point', () => {
    const names = of('Deployment').map((d) => d.metadata.name);
    assert.deepEqual(names.sort(), Object.keys(SPECS).sort());
    for (const d of of('Deployment')) {
      const [c] = d.spec.template.spec.containers;
      const entry = c.command.find((a) => a.endsWith('/main.js'));
      assert.equal(entry, `apps/${d.metadata.name}/dist/main.js`);
      assert.ok(existsSync(join(root, entry)), `${entry} is built`);
    }
  });

  it('probe, bound and harden every pod, and roll without losing capacity', () => {
    for (const d of of('Deployment')) {
      const name = d.metadata.name;
      assert.ok(matches(d.spec.selector.matchLabels, d.spec.template.metadata.labels), name);
      assert.equal(d.spec.strategy.rollingUpdate.maxUnavailable, 0, `${name} rolls surge-first`);
      const pod = d.spec.template.spec;
      assert.equal(pod.securityContext.runAsNonRoot, true, name);
      const [c] = pod.containers;
      const ports = new Set(c.ports.map((p) => p.name));
      for (const probe of ['startupProbe', 'readinessProbe', 'livenessProbe']) {
        const get = c[probe]?.httpGet;
        assert.ok(get, `${name} has a ${probe}`);
        assert.match(get.path, /^\/health\/(live|ready)$/, `${name} ${probe}`);
        assert.ok(ports.has(get.port), `${name} ${probe} port ${get.port}`);
      }
      assert.equal(
        c.startupProbe.httpGet.path,
        '/health/ready',
        `${name} starts once its deps answer`,
      );
      assert.equal(c.livenessProbe.httpGet.path, '/health/live', `${name} liveness`);
      assert.ok(c.resources.requests.cpu && c.resources.requests.memory, `${name} requests`);
      assert.ok(c.resources.limits.memory, `${name} memory limit`);
      assert.equal(c.securityContext.allowPrivilegeEscalation, false, name);
    }
  });

  it('give each pod time to drain: grace period > preStop + SHUTDOWN_TIMEOUT_MS', () => {
    const config = of('ConfigMap').find((m) => m.metadata.name === 'fabflow-config').data;
    for (const d of of('Deployment')) {
      const pod = d.spec.template.spec;
      const [c] = pod.containers;
      const own = c.env.find((e) => e.name === 'SHUTDOWN_TIMEOUT_MS')?.value;
      const shutdownMs = Number(own ?? config.SHUTDOWN_TIMEOUT_MS ?? 10_000);
      const preStopMs = (c.lifecycle?.preStop?.sleep?.seconds ?? 0) * 1000;
      assert.ok(
        pod.terminationGracePeriodSeconds * 1000 > shutdownMs + preStopMs,
        `${d.metadata.name}: ${pod.terminationGracePeriodSeconds} s for ${shutdownMs + preStopMs} ms`,
      );
    }
  });

  it('scale each Deployment from 2 to 5 and keep one pod through voluntary disruptions', () => {
    for (const d of of('Deployment')) {
      const name = d.metadata.name;
      const hpa = of('HorizontalPodAutoscaler').find((h) => h.spec.scaleTargetRef.name === name);
      assert.ok(hpa, `${name} has an autoscaler`);
      assert.equal(hpa.spec.scaleTargetRef.kind, 'Deployment');
      assert.equal(hpa.spec.minReplicas, 2, name);
      assert.equal(hpa.spec.maxReplicas, 5, name);
      const pdb = of('PodDisruptionBudget').find((p) =>
        matches(p.spec.selector.matchLabels, d.spec.template.metadata.labels),
      );
      assert.ok(pdb, `${name} has a disruption budget`);
      assert.ok(pdb.spec.minAvailable >= 1 && pdb.spec.minAvailable < hpa.spec.minReplicas, name);
    }
  });

  it('configure each service only with variables it declares, secrets only from the Secret', () => {
    const config = of('ConfigMap').find((m) => m.metadata.name === 'fabflow-config').data;
    const secret = of('Secret').find((s) => s.metadata.name === 'fabflow-secrets').stringData;
    const usedSecretKeys = new Set();
    const usedConfigKeys = new Set();
    for (const d of of('Deployment')) {
      const name = d.metadata.name;
      const vars = spec(name);
      const [c] = d.spec.template.spec.containers;
      for (const e of c.env) {
        assert.ok(vars[e.name], `${name}: ${e.name} is not a setting of ${name}`);
        const ref = e.valueFrom?.secretKeyRef;
        if (ref) {
          assert.equal(ref.name, 'fabflow-secrets');
          assert.ok(ref.key in secret, `${name}: secret key ${ref.key}`);
          usedSecretKeys.add(ref.key);
        } else {
          assert.ok(
            !vars[e.name].sensitive,
            `${name}: ${e.name} is sensitive, give it from the Secret`,
          );
        }
      }
      for (const key of Object.keys(config)) if (vars[key]) usedConfigKeys.add(key);
      // Every setting production refuses to leave at its development value is given: the
      // config library's own answer for this pod's plain settings (docs/security.md).
      for (const required of refusedInProduction(vars, { ...config, ...plainEnv(c) }))
        assert.ok(
          c.env.some((e) => e.name === required && (e.value !== undefined || e.valueFrom)),
          `${name}: ${required} must be set in production`,
        );
    }
    for (const key of Object.keys(config)) {
      assert.ok(usedConfigKeys.has(key), `ConfigMap key ${key} is a setting of no service`);
      for (const name of Object.keys(SPECS))
        assert.ok(!spec(name)[key]?.sensitive, `${key} is sensitive (${name}): not in a ConfigMap`);
    }
    assert.deepEqual(
      Object.keys(secret).filter((k) => !usedSecretKeys.has(k)),
      [],
      'unused secrets',
    );
  });

  it('route each API host to a Service that selects its pods', () => {
    const services = new Map(of('Service').map((s) => [s.metadata.name, s]));
    for (const s of services.values())
      assert.ok(
        of('Deployment').some((d) => matches(s.spec.selector, d.spec.template.metadata.labels)),
        `${s.metadata.name} selects a Deployment`,
      );
    const [ingress] = of('Ingress');
    const backends = ingress.spec.rules.flatMap((r) => r.http.paths.map((p) => p.backend.service));
    assert.deepEqual(backends.map((b) => b.name).sort(), ['crm-api', 'mes-api', 'shop-api']);
    for (const b of backends)
      assert.ok(
        services.get(b.name).spec.ports.some((p) => p.name === b.port.name),
        b.name,
      );
  });
});
