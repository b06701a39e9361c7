// deploy/nginx/nginx.conf checked with the real nginx (Debian package nginx-light, see .ci/run):
// `nginx -t`, then nginx running in front of two local upstream servers: load balancing, the
// client address and request id passed on, the per-IP flood limit, the body size limit.
// Only addresses and paths are rewritten (the compose service names do not resolve here).
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createServer as netServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const source = readFileSync(join(root, 'deploy/nginx/nginx.conf'), 'utf8');

const freePort = () =>
  new Promise((resolve) => {
    const s = netServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

function rewrite(conf, dir, port, upstreams) {
  const out = conf
    .replace(/^pid .*;$/m, `pid ${join(dir, 'nginx.pid')};`)
    .replace(/\/tmp\/nginx-/g, join(dir, 'nginx-'))
    // Node's stdio pipes are sockets, which /dev/stdout cannot be opened on.
    .replace('access_log /dev/stdout', `access_log ${join(dir, 'access.log')}`)
    .replace(/^\s*listen 8080;$/m, `    listen 127.0.0.1:${port};`)
    .replace(
      /^\s*server shop-api:3000 (.*);$/m,
      upstreams.map((p) => `    server 127.0.0.1:${p} $1;`).join('\n'),
    )
    .replace(/^worker_processes auto;$/m, 'worker_processes 1;');
  assert.notEqual(out, conf);
  assert.doesNotMatch(out, /shop-api:3000/);
  return out;
}

describe('deploy/nginx/nginx.conf', () => {
  let dir;
  let nginx;
  let base;
  const upstreams = [];
  const seen = [];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fabflow-nginx-'));
    for (let i = 0; i < 2; i++) {
      const srv = createServer((req, res) => {
        seen.push({
          upstream: i,
          xff: req.headers['x-forwarded-for'],
          rid: req.headers['x-request-id'],
        });
        req.resume();
        req.on('end', () =>
          res.writeHead(200, { 'content-type': 'text/plain' }).end(`upstream ${i}`),
        );
      });
      srv.keepAliveTimeout = 60_000;
      srv.listen(0, '127.0.0.1');
      await once(srv, 'listening');
      upstreams.push(srv);
    }
    const port = await freePort();
    writeFileSync(
      join(dir, 'nginx.conf'),
      rewrite(
        source,
        dir,
        port,
        upstreams.map((s) => s.address().port),
      ),
    );
    base = `http://127.0.0.1:${port}`;
  });

  after(async () => {
    if (nginx && nginx.exitCode === null) {
      nginx.kill('SIGQUIT');
      await once(nginx, 'exit');
    }
    for (const s of upstreams) s.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('is valid (nginx -t)', () => {
    const r = spawnSync('nginx', ['-t', '-p', dir, '-c', join(dir, 'nginx.conf')], {
      encoding: 'utf8',
    });
    if (r.error) throw new Error(`nginx: ${r.error.message} (installed by .ci/run)`);
    assert.equal(r.status, 0, `exit ${r.status} ${r.signal}: ${r.stderr}`);
    assert.match(r.stderr, /syntax is ok/);
  });

  it('balances over the instances and passes the client address and the request id', async () => {
    nginx = spawn('nginx', ['-p', dir, '-c', join(dir, 'nginx.conf'), '-g', 'daemon off;'], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    for (let i = 0; ; i++) {
      const ok = await fetch(`${base}/nginx-health`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) break;
      if (i > 100) throw new Error('nginx did not start');
      await new Promise((r) => setTimeout(r, 50));
    }
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        fetch(`${base}/b2b/v1/me`, {
          headers: { 'x-request-id': `rid-${i}`, 'x-forwarded-for': '6.6.6.6' },
        }),
      ),
    );
    assert.ok(answers.every((r) => r.status === 200));
    assert.deepEqual(
      [...new Set(seen.map((s) => s.upstream))].sort(),
      [0, 1],
      'both instances served',
    );
    assert.ok(
      seen.every((s) => s.xff === '6.6.6.6, 127.0.0.1'),
      'the address nginx saw is appended',
    );
    assert.deepEqual(seen.map((s) => s.rid).sort(), answers.map((_, i) => `rid-${i}`).sort());
    const generated = await fetch(`${base}/x`);
    assert.match(generated.headers.get('x-request-id') ?? '', /^[0-9a-f]{32}$/);
  });

  it('refuses a body over 1 MiB with 413, before the instances see it', async () => {
    const before = seen.length;
    const r = await fetch(`${base}/b2b/v1/webhooks`, {
      method: 'POST',
      body: 'x'.repeat(1024 * 1024 + 1),
    });
    assert.equal(r.status, 413);
    assert.equal(r.headers.get('content-type'), 'application/problem+json');
    assert.equal(seen.length, before);
  });

  it('answers a flood from one address with 429 problems and Retry-After', async () => {
    const statuses = [];
    let limited;
    await Promise.all(
      Array.from({ length: 10 }, async () => {
        for (let i = 0; i < 50; i++) {
          const r = await fetch(`${base}/flood`);
          statuses.push(r.status);
          if (r.status === 429) limited = { headers: r.headers, body: await r.json() };
          else await r.text();
        }
      }),
    );
    const admitted = statuses.filter((s) => s === 200).length;
    assert.ok(statuses.every((s) => s === 200 || s === 429));
    assert.ok(admitted >= 200, `the burst passes: ${admitted}`);
    assert.ok(limited, `some were limited: ${admitted} of ${statuses.length} admitted`);
    assert.equal(limited.headers.get('retry-after'), '1');
    assert.equal(limited.body.status, 429);
  });
});
