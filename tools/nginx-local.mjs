// deploy/nginx/nginx.conf made runnable on this machine, for the tests that start the real nginx
// (tools/nginx-config.test.mjs with stand-in upstreams, apps/e2e/src/prometheus.e2e-spec.ts in
// front of the real services): only addresses and paths are rewritten — the listen ports, the
// upstream servers (compose service names do not resolve here), the pid file, temporary
// directories and the access logs — so what runs is the deployed configuration.
import assert from 'node:assert/strict';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const deployDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'deploy', 'nginx');

/** The API servers of nginx.conf: its listen port and its upstream in compose. */
export const NGINX_APIS = [
  { name: 'shop', listen: 8080, upstream: 'shop-api:3000' },
  { name: 'crm', listen: 8081, upstream: 'crm-api:3001' },
  { name: 'mes', listen: 8082, upstream: 'mes-api:3002' },
];
/** The stub_status server (nginx-prometheus-exporter reads it). */
export const NGINX_STATUS_LISTEN = 8090;
/** The access log mtail reads, in compose. */
export const NGINX_FABFLOW_LOG = '/var/log/nginx/fabflow/access.log';

/**
 * Writes nginx.conf and its includes into `dir`, listening on 127.0.0.1 at `ports.shop|crm|mes|
 * status` and proxying each API to `upstreams[api]` (ports on 127.0.0.1). Returns the paths of
 * the configuration, the access log (stdout in compose: Node's stdio pipes are sockets, which
 * /dev/stdout cannot be opened on) and the log mtail reads.
 */
export function writeLocalNginx(dir, ports, upstreams) {
  const accessLog = join(dir, 'access.log');
  const fabflowLog = join(dir, 'fabflow-access.log');
  let out = readFileSync(join(deployDir, 'nginx.conf'), 'utf8')
    .replace(/^pid .*;$/m, `pid ${join(dir, 'nginx.pid')};`)
    .replace(/\/tmp\/nginx-/g, join(dir, 'nginx-'))
    .replace('access_log /dev/stdout', `access_log ${accessLog}`)
    .replace(`access_log ${NGINX_FABFLOW_LOG}`, `access_log ${fabflowLog}`)
    .replace(/^worker_processes auto;$/m, 'worker_processes 1;');
  for (const api of NGINX_APIS) {
    const listen = new RegExp(`^\\s*listen ${api.listen};$`, 'm');
    assert.match(out, listen, `${api.name} listens on ${api.listen}`);
    out = out.replace(listen, `    listen 127.0.0.1:${ports[api.name]};`);
    const server = new RegExp(`^\\s*server ${api.upstream} (.*);$`, 'm');
    assert.match(out, server, `${api.name} upstream ${api.upstream}`);
    out = out.replace(
      server,
      upstreams[api.name].map((p) => `    server 127.0.0.1:${p} $1;`).join('\n'),
    );
  }
  const status = new RegExp(`^\\s*listen ${NGINX_STATUS_LISTEN};$`, 'm');
  assert.match(out, status, `stub_status listens on ${NGINX_STATUS_LISTEN}`);
  out = out.replace(status, `    listen 127.0.0.1:${ports.status};`);
  assert.doesNotMatch(out, /(shop|crm|mes)-api:30/);
  assert.doesNotMatch(out, /^[^#\n]*\/var\/log\//m);
  const conf = join(dir, 'nginx.conf');
  writeFileSync(conf, out);
  for (const f of ['fabflow-proxy.conf', 'fabflow-errors.conf'])
    copyFileSync(join(deployDir, f), join(dir, f));
  return { conf, accessLog, fabflowLog };
}
