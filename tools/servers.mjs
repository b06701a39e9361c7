// The local servers Fabflow needs, how to reach them, and how to start each one as the machine does.
import { connect } from 'node:net';

export const SERVERS = [
  {
    name: 'PostgreSQL',
    host: '127.0.0.1',
    port: 5432,
    start: 'pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start',
  },
  {
    name: 'Redis',
    host: '127.0.0.1',
    port: 6379,
    start:
      'redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no',
  },
  { name: 'RabbitMQ', host: '127.0.0.1', port: 5672, start: 'rabbitmq-server -detached' },
];

export function reachable({ host, port }, timeoutMs = 1500) {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** Returns the servers that do not answer, each with the command that starts it. */
export async function unreachableServers() {
  const results = await Promise.all(SERVERS.map(async (s) => [s, await reachable(s)]));
  return results.filter(([, ok]) => !ok).map(([s]) => s);
}
