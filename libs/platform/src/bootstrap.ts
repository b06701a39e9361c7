import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { SwaggerModule } from '@nestjs/swagger';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { PinoNestLogger, runWithContext, type Logger, type Registry } from '@fabflow/observability';
import { instrumentHttp } from './http-metrics';
import { createOpenApiDocument, type OpenApiInfo } from './openapi/openapi-document';
import { ProblemFilter } from './problem.filter';

export interface ServiceBootstrapOptions {
  module: unknown;
  /** Title, description and security schemes of the OpenAPI document. */
  api: OpenApiInfo;
  logger: Logger;
  host: string;
  port: number;
  docs: boolean;
  bodyLimitBytes?: number;
  shutdownTimeoutMs?: number;
  /** Where the HTTP RED histogram is registered (the service's /metrics registry). */
  metrics?: Registry;
  /**
   * Browser origins (`https://mes.example.com`) allowed to call this service cross-origin with
   * a bearer token, e.g. the operator dashboard logging in at the CRM. Empty: no CORS headers.
   */
  corsOrigins?: readonly string[];
}

/** SIGTERM/SIGINT: close the app (drain requests, consumers, connections), then exit 0; force exit 1 on timeout. */
function installSignalHandlers(
  app: NestFastifyApplication,
  logger: Logger,
  timeoutMs: number,
): void {
  let closing = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (closing) return;
    closing = true;
    logger.info({ signal }, 'signal received: shutting down gracefully');
    const force = setTimeout(() => {
      logger.error({ timeoutMs }, 'graceful shutdown timed out; exiting');
      process.exit(1);
    }, timeoutMs);
    force.unref();
    app
      .close()
      .then(() => process.exit(0))
      .catch((err: unknown) => {
        logger.error({ err }, 'error during shutdown');
        process.exit(1);
      });
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Node's server.close() closes idle keep-alive connections but not those that have not sent a
 * request yet — a browser's pre-opened socket, or a client pool reconnecting after a dropped
 * live-update stream — and waits for them until their timeouts, holding the graceful shutdown
 * up. When closing starts, connections without a request in progress are closed; requests in
 * progress still finish.
 */
function closeUnusedConnectionsOnClose(fastify: FastifyInstance): void {
  const requests = new Map<Socket, number>();
  let closing = false;
  fastify.server.on('connection', (socket: Socket) => {
    requests.set(socket, 0);
    socket.once('close', () => requests.delete(socket));
  });
  fastify.server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const socket = req.socket;
    requests.set(socket, (requests.get(socket) ?? 0) + 1);
    res.once('close', () => {
      const left = Math.max(0, (requests.get(socket) ?? 1) - 1);
      requests.set(socket, left);
      // Answered during the drain: no further request on this connection.
      if (closing && left === 0) socket.end();
    });
  });
  fastify.addHook('preClose', (done) => {
    closing = true;
    for (const [socket, inProgress] of requests) if (inProgress === 0) socket.destroy();
    done();
  });
}

/**
 * Starts a Nest service on Fastify: request ids and log context, problem+json errors
 * (Fastify's own 4xx included), OpenAPI at /docs, and graceful shutdown on SIGTERM/SIGINT
 * (stop taking requests, finish in-flight ones, then close consumers and connections).
 */
export async function bootstrapService(
  opts: ServiceBootstrapOptions,
): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    bodyLimit: opts.bodyLimitBytes ?? 1024 * 1024,
    return503OnClosing: true,
    genReqId: (req: { headers: Record<string, string | string[] | undefined> }) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
  });
  const fastify = adapter.getInstance();
  fastify.addHook('onRequest', (req: FastifyRequest, reply: FastifyReply, done: () => void) => {
    void reply.header('x-request-id', req.id);
    runWithContext({ correlationId: req.id, fields: {} }, done);
  });
  fastify.addHook('onResponse', (req: FastifyRequest, reply: FastifyReply, done: () => void) => {
    opts.logger.info(
      {
        method: req.method,
        url: req.url,
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime),
      },
      'request',
    );
    done();
  });
  closeUnusedConnectionsOnClose(fastify);
  if (opts.metrics) instrumentHttp(fastify, opts.metrics);

  const app = await NestFactory.create<NestFastifyApplication>(opts.module as never, adapter, {
    logger: new PinoNestLogger(opts.logger),
    abortOnError: false,
  });
  // Every error answers problem+json through this filter, Fastify's own 4xx (malformed JSON, body
  // too large, wrong content type) included: Nest installs Fastify's error handler at init and
  // hands those errors to the global filters as HttpExceptions. A handler of our own set on the
  // instance would only be overridden (Fastify's FSTWRN004 warning).
  app.useGlobalFilters(new ProblemFilter(opts.logger));
  if (opts.corsOrigins && opts.corsOrigins.length > 0) {
    // Tokens travel in the Authorization header, never in cookies: no credentials mode.
    app.enableCors({
      origin: [...opts.corsOrigins],
      methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
      allowedHeaders: ['authorization', 'content-type', 'idempotency-key', 'x-request-id'],
      exposedHeaders: ['x-request-id', 'retry-after'],
      maxAge: 600,
    });
  }
  // app.close() runs the lifecycle hooks; Nest's own signal listeners would re-raise the signal.
  installSignalHandlers(app, opts.logger, opts.shutdownTimeoutMs ?? 15_000);

  if (opts.docs) {
    const document = createOpenApiDocument(app, opts.api);
    SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs/json' });
  }

  await app.listen(opts.port, opts.host);
  opts.logger.info({ url: await app.getUrl() }, `${opts.api.title} listening`);
  return app;
}
