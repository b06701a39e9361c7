// The benchmark's OTLP/HTTP trace receiver, in its own process (forked by bench/observability.mjs)
// so that decoding spans does not slow down the load generator's event loop. It accepts what
// `@opentelemetry/exporter-trace-otlp-http` sends (JSON, optionally gzip), counts the spans and
// answers 200, as a collector would. Its CPU is reported apart from the services'.
//
// IPC: sends { ready: port } once listening; answers 'stats' with { stats: { requests, spans,
// bytes, refused, byName } } (byName: spans per `service: span name`).
import { Buffer } from 'node:buffer';
import { createServer } from 'node:http';
import { gunzipSync } from 'node:zlib';

const stats = { requests: 0, spans: 0, bytes: 0, refused: 0, byName: {} };

/** `service: name` of a span, the route or queue kept and ids left out (bounded keys). */
function spanKey(service, span) {
  return `${service}: ${span.name}`;
}

const server = createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    if (req.method !== 'POST' || req.url !== '/v1/traces') {
      stats.refused += 1;
      res.writeHead(404).end();
      return;
    }
    try {
      let body = Buffer.concat(chunks);
      stats.bytes += body.length;
      if (req.headers['content-encoding'] === 'gzip') body = gunzipSync(body);
      const payload = JSON.parse(body.toString('utf8'));
      for (const rs of payload.resourceSpans ?? []) {
        const service =
          rs.resource?.attributes?.find((a) => a.key === 'service.name')?.value?.stringValue ?? '?';
        for (const ss of rs.scopeSpans ?? [])
          for (const span of ss.spans ?? []) {
            stats.spans += 1;
            const key = spanKey(service, span);
            stats.byName[key] = (stats.byName[key] ?? 0) + 1;
          }
      }
      stats.requests += 1;
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    } catch {
      stats.refused += 1;
      res.writeHead(400).end();
    }
  });
});

server.listen(0, '127.0.0.1', () => process.send?.({ ready: server.address().port }));
process.on('message', (m) => {
  if (m === 'stats') process.send?.({ stats });
});
process.on('disconnect', () => process.exit(0));
