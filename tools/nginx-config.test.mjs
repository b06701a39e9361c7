// deploy/nginx/nginx.conf checked with the real nginx (Debian package nginx-light, see .ci/run):
// `nginx -t`, then nginx running in front of local upstream servers standing in for the
// instances of each API: load balancing, the client address and request id passed on, the
// per-IP flood limit, the body size limit, the CRM and MES servers, unbuffered event streams.
// Only addresses and paths are rewritten (the compose service names do not resolve here).
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { createServer as netServer } from 'node:net';
import { tmpdir } from 'node:os';
import { performance } from 'node:perf_hooks';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { writeLocalNginx } from './nginx-local.mjs';
import { TextDecoder } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

const freePort = () =>
  new Promise((resolve) => {
    const s = netServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

describe('deploy/nginx/nginx.conf', () => {
  let dir;
  let nginx;
  let base;
  let crmBase;
  let mesBase;
  let statusBase;
  let fabflowLog;
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
    // One stand-in instance each for the CRM and the MES; the MES one also streams events.
    const others = {};
    for (const name of ['crm', 'mes']) {
      const srv = createServer((req, res) => {
        if (req.url === '/work-orders/stream') {
          res.writeHead(200, { 'content-type': 'text/event-stream' });
          res.write('event: hello\ndata: {}\n\n');
          setTimeout(() => res.end(), 1500);
          return;
        }
        req.resume();
        req.on('end', () => res.writeHead(200, { 'content-type': 'text/plain' }).end(name));
      });
      srv.listen(0, '127.0.0.1');
      await once(srv, 'listening');
      others[name] = srv;
      upstreams.push(srv);
    }
    const ports = {
      shop: await freePort(),
      crm: await freePort(),
      mes: await freePort(),
      status: await freePort(),
    };
    const portOf = (srv) => srv.address().port;
    ({ fabflowLog } = writeLocalNginx(dir, ports, {
      shop: upstreams.slice(0, 2).map(portOf),
      crm: [portOf(others.crm)],
      mes: [portOf(others.mes)],
    }));
    statusBase = `http://127.0.0.1:${ports.status}`;
    base = `http://127.0.0.1:${ports.shop}`;
    crmBase = `http://127.0.0.1:${ports.crm}`;
    mesBase = `http://127.0.0.1:${ports.mes}`;
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

  it('puts the CRM on its own server and the MES on another, each to its instances', async () => {
    const crm = await fetch(`${crmBase}/orders`, { headers: { 'x-request-id': 'rid-crm' } });
    assert.equal(await crm.text(), 'crm');
    assert.equal(crm.headers.get('x-request-id'), 'rid-crm');
    const mes = await fetch(`${mesBase}/dashboard/`);
    assert.equal(await mes.text(), 'mes');
  });

  it('passes event streams on as they are written (no buffering)', async () => {
    const started = performance.now();
    const res = await fetch(`${mesBase}/work-orders/stream`);
    const reader = res.body.getReader();
    const first = new TextDecoder().decode((await reader.read()).value);
    const firstAfter = performance.now() - started;
    assert.match(first, /^event: hello/);
    while (!(await reader.read()).done);
    const endAfter = performance.now() - started;
    // The stand-in ends the stream 1.5 s after its first event: a buffering proxy would hold
    // the event until then.
    assert.ok(
      endAfter - firstAfter > 1000,
      `first event at ${firstAfter} ms, end at ${endAfter} ms`,
    );
  });

  it('reports its connections on stub_status and logs every response with its API for mtail', async () => {
    const status = await (await fetch(`${statusBase}/stub_status`)).text();
    assert.match(status, /^Active connections: \d+/);
    assert.match(status, /server accepts handled requests\n \d+ \d+ \d+/);
    for (const url of [`${base}/a`, `${crmBase}/b`, `${mesBase}/c`])
      await (await fetch(url)).text();
    // What nginx logged, read as JSON, and what the mtail program counts from the same file.
    const logged = new Map();
    for (const line of readFileSync(fabflowLog, 'utf8').trim().split('\n')) {
      const { api, status: code } = JSON.parse(line);
      logged.set(`${api} ${code}`, (logged.get(`${api} ${code}`) ?? 0) + 1);
    }
    for (const key of ['shop-api 200', 'shop-api 413', 'crm-api 200', 'mes-api 200'])
      assert.ok(logged.get(key) > 0, `${key} logged: ${[...logged.keys()].join(', ')}`);
    const r = spawnSync(
      'mtail',
      [
        '--one_shot',
        '--one_shot_format=prometheus',
        `--progs=${join(root, 'deploy/mtail')}`,
        `--logs=${fabflowLog}`,
        '--logtostderr',
        '--address=127.0.0.1',
        '--port=0',
      ],
      { encoding: 'utf8' },
    );
    if (r.error) throw new Error(`mtail: ${r.error.message} (installed by .ci/run)`);
    assert.equal(r.status, 0, r.stderr);
    const counted = new Map();
    for (const m of r.stdout.matchAll(/^fabflow_nginx_responses_total\{([^}]*)\} (\d+)/gm)) {
      const api = /api="([^"]*)"/.exec(m[1])[1];
      const code = /status="([^"]*)"/.exec(m[1])[1];
      counted.set(`${api} ${code}`, Number(m[2]));
    }
    assert.deepEqual(counted, logged, 'mtail counts every logged response by API and status');
  });

  // Last: it uses up this address's allowance, which every server shares.
  it('answers a flood from one address with 429 problems and Retry-After', async () => {
    // 100 r/s with a burst of 200: ten clients as fast as they can go pass the burst within
    // a few hundred requests; a slow (busy) machine only takes longer to get there.
    const statuses = [];
    let limited;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: 10 }, async () => {
        while (!limited && statuses.length < 5000) {
          const r = await fetch(`${base}/flood`);
          statuses.push(r.status);
          if (r.status === 429) limited = { headers: r.headers, body: await r.json() };
          else await r.text();
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    const admitted = statuses.filter((s) => s === 200).length;
    assert.ok(statuses.every((s) => s === 200 || s === 429));
    assert.ok(limited, `some were limited: ${admitted} of ${statuses.length} admitted`);
    assert.ok(admitted >= 200, `the burst passes: ${admitted}`);
    assert.ok(
      admitted <= 200 + 100 * seconds + 10,
      `no more than burst + rate × time: ${admitted} in ${seconds.toFixed(2)} s`,
    );
    assert.equal(limited.headers.get('retry-after'), '1');
    assert.equal(limited.body.status, 429);
  });
});
