// `npm start`: checks the local servers, builds, runs every service as its own process with
// prefixed logs, prints the URLs once all are ready, and stops everything cleanly on Ctrl-C.
import { spawn, spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { unreachableServers } from './servers.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// Without S3_ENDPOINT, uploads go to the embedded S3-compatible server (objects in .data/s3).
const EMBEDDED_S3 = process.env.S3_ENDPOINT
  ? []
  : [
      {
        name: 'embedded-s3',
        entry: 'libs/storage/dist/embedded-s3/main.js',
        ready: 4569,
        color: 34,
      },
    ];
const SERVICES = [
  ...EMBEDDED_S3,
  { name: 'crm-api', port: 3001, color: 35 },
  { name: 'shop-api', port: 3000, color: 36 },
  { name: 'mes-api', port: 3002, color: 33 },
  { name: 'pricing-worker', color: 32 },
];

const down = await unreachableServers();
if (down.length > 0) {
  for (const s of down) {
    console.error(
      `✗ ${s.name} is not reachable at ${s.host}:${s.port}. Start it with:\n    ${s.start}`,
    );
  }
  console.error('(or run `npm run services`, which starts whichever are down; needs root)');
  process.exit(1);
}

const build = spawnSync(process.execPath, [join(root, 'tools/build.mjs')], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

const children = new Map();
let stopping = false;

function pretty(line) {
  try {
    const o = JSON.parse(line);
    const { level, msg, time: _t, service: _s, ...rest } = o;
    const extra = Object.keys(rest).length > 0 ? ` ${JSON.stringify(rest)}` : '';
    return `${String(level).toUpperCase().padEnd(5)} ${msg}${extra}`;
  } catch {
    return line;
  }
}

function run(svc) {
  const env = { ...process.env, ...(svc.port ? { PORT: String(svc.port) } : {}) };
  const child = spawn(
    process.execPath,
    ['--enable-source-maps', join(root, svc.entry ?? `apps/${svc.name}/dist/main.js`)],
    {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const prefix = `\x1b[${svc.color}m[${svc.name}]\x1b[0m`;
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on('line', (l) => console.log(`${prefix} ${pretty(l)}`));
  }
  child.on('exit', (code, signal) => {
    children.delete(svc.name);
    if (!stopping) {
      console.error(`${prefix} exited (${signal ?? code}); stopping everything`);
      void stopAll(1);
    }
  });
  children.set(svc.name, child);
}

async function ready(svc, timeoutMs = 60_000) {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until && !stopping) {
    try {
      // The S3 server answers an unsigned request with 403: it is up.
      const res = svc.ready
        ? await fetch(`http://127.0.0.1:${svc.ready}/`)
        : await fetch(`http://127.0.0.1:${svc.port}/health/ready`);
      if (res.ok || (svc.ready && res.status === 403)) return true;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  return false;
}

async function stopAll(code = 0) {
  if (stopping) return;
  stopping = true;
  console.log('\nstopping services…');
  const exits = [...children.values()].map(
    (c) =>
      new Promise((resolve) => {
        const timer = setTimeout(() => c.kill('SIGKILL'), 15_000);
        c.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        c.kill('SIGTERM');
      }),
  );
  await Promise.all(exits);
  console.log('all services stopped');
  process.exit(code);
}

process.on('SIGINT', () => void stopAll(0));
process.on('SIGTERM', () => void stopAll(0));

for (const svc of EMBEDDED_S3) {
  run(svc);
  if (!(await ready(svc))) {
    console.error(`[${svc.name}] did not become ready`);
    await stopAll(1);
  }
}
for (const svc of SERVICES.filter((s) => s.port)) run(svc);
for (const svc of SERVICES.filter((s) => s.port)) {
  if (!(await ready(svc))) {
    console.error(`[${svc.name}] did not become ready`);
    await stopAll(1);
  }
}
run(SERVICES.find((s) => s.name === 'pricing-worker'));
console.log(`
Fabflow is up:
  Shop API   http://127.0.0.1:3000   docs http://127.0.0.1:3000/docs
  CRM API    http://127.0.0.1:3001   docs http://127.0.0.1:3001/docs
  MES API    http://127.0.0.1:3002   docs http://127.0.0.1:3002/docs
  Operator dashboard  http://127.0.0.1:3002/dashboard/  (log in as operator@fabflow.local)
  Pricing    worker metrics http://127.0.0.1:9464/metrics
Development staff (password fabflow-dev-password): manager@fabflow.local, operator@fabflow.local, admin@fabflow.local
Ctrl-C stops everything.
`);
