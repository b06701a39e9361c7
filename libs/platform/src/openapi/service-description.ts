import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { OpenAPIObject } from '@nestjs/swagger';
import { loadConfig, type ConfigOf, type EnvSpec } from '@fabflow/config';
import { createDatabase } from '@fabflow/db';
import type { MessagingTables, QueueSubscription } from '@fabflow/messaging';
import { createLogger, createMetricsRegistry } from '@fabflow/observability';
import { serviceModule, type RunServiceOptions, type ServiceConfig } from '../run-service';
import { EventSubscriptions } from '../event-subscriptions.module';
import { createOpenApiDocument } from './openapi-document';

/**
 * Runs `use` on the service's app wired exactly as `runService` wires it, with its default
 * configuration, but never started: no lifecycle hook runs before `close`, so no server,
 * consumer or relay starts, and the core's pool and clients connect lazily. In preview mode
 * Nest only scans modules and controllers; otherwise it also constructs the providers (one
 * that connects in its constructor, like the MES's pricing queue, may try; nothing here
 * needs it to succeed: the documents are generated without any server reachable).
 */
async function withDetachedService<S extends EnvSpec, T>(
  opts: RunServiceOptions<S>,
  preview: boolean,
  use: (app: INestApplication) => T,
): Promise<T> {
  const config = loadConfig(opts.spec, {}) as ConfigOf<S> & ServiceConfig;
  const logger = createLogger({ service: `${opts.service}-api`, level: 'silent' });
  const database = createDatabase<MessagingTables>(config.DATABASE_URL);
  const module = serviceModule(opts, config, {
    logger,
    database,
    metricsRegistry: createMetricsRegistry(`${opts.service}-api`),
  });
  const app = await NestFactory.create(module, new FastifyAdapter(), {
    preview,
    logger: false,
    abortOnError: false,
  });
  try {
    return use(app);
  } finally {
    await app.close();
    // Constructed, the service's lifecycle provider closed the pool on close; in preview it never existed.
    if (preview) await database.close();
  }
}

/** The service's OpenAPI document, as /docs/json serves it with the default configuration. */
export function serviceOpenApiDocument<S extends EnvSpec>(
  opts: RunServiceOptions<S>,
): Promise<OpenAPIObject> {
  return withDetachedService(opts, true, (app) =>
    createOpenApiDocument(app, {
      title: opts.title,
      description: opts.description,
      securitySchemes: opts.securitySchemes,
    }),
  );
}

/**
 * The service's subscriptions as it binds them at start: each queue with the events of its
 * handlers. The handlers name their event on the instance, so the providers are constructed.
 */
export function serviceSubscriptions<S extends EnvSpec>(
  opts: RunServiceOptions<S>,
): Promise<QueueSubscription[]> {
  return withDetachedService(opts, false, (app) => {
    const subscriptions = app.get(EventSubscriptions, { strict: false });
    return subscriptions.resolve().map(([queue, handlers]) => ({
      service: opts.service,
      queue,
      events: handlers.map((h) => h.event),
    }));
  });
}

/** A service's part of docs/api: its OpenAPI document and its subscriptions on the bus. */
export interface ServiceApiDocuments {
  openapi: OpenAPIObject;
  subscriptions: QueueSubscription[];
}

/** Everything `npm run api:docs` needs of one service. */
export async function describeService<S extends EnvSpec>(
  opts: RunServiceOptions<S>,
): Promise<ServiceApiDocuments> {
  return {
    openapi: await serviceOpenApiDocument(opts),
    subscriptions: await serviceSubscriptions(opts),
  };
}
