import 'reflect-metadata';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Injectable, Module, type DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { OrderApproved, OrderPlaced } from '@fabflow/contracts';
import {
  EventSubscriptions,
  EventSubscriptionsModule,
  type EventSubscriptionMap,
} from './event-subscriptions.module';

/*
 * The one subscription map of a service against real Nest dependency injection: feature
 * modules provide handlers (with dependencies of their own), the app module lists them once.
 */
@Injectable()
class Clock {
  now = () => 0;
}

@Injectable()
class PlacedHandler {
  readonly event = OrderPlaced;
  constructor(readonly clock: Clock) {}
  async handle(): Promise<void> {}
}

@Injectable()
class ApprovedHandler {
  readonly event = OrderApproved;
  async handle(): Promise<void> {}
}

@Module({ providers: [Clock, PlacedHandler, ApprovedHandler] })
class FeatureModule {}

@Module({ providers: [Clock, PlacedHandler] })
class PartialFeatureModule {}

async function resolve(
  map: EventSubscriptionMap,
  feature: DynamicModule['module'] = FeatureModule,
) {
  @Module({ imports: [EventSubscriptionsModule.forRoot(map), feature] })
  class App {}
  const app = await NestFactory.createApplicationContext(App, { logger: false });
  try {
    return { resolved: app.get(EventSubscriptions).resolve(), placed: app.get(PlacedHandler) };
  } finally {
    await app.close();
  }
}

describe('EventSubscriptionsModule', () => {
  it('gives each queue the instances its feature modules provide', async () => {
    const { resolved, placed } = await resolve({
      'svc.orders': [PlacedHandler],
      'svc.approvals': [ApprovedHandler],
    });
    assert.deepEqual(
      resolved.map(([queue, handlers]) => [queue, handlers.map((h) => h.event.type)]),
      [
        ['svc.orders', [OrderPlaced.type]],
        ['svc.approvals', [OrderApproved.type]],
      ],
    );
    assert.equal(resolved[0]![1][0], placed, 'the very instance, with its dependencies');
  });

  it('fails startup for a class listed twice', async () => {
    await assert.rejects(
      resolve({ a: [PlacedHandler, ApprovedHandler], b: [PlacedHandler] }),
      /PlacedHandler is listed twice/,
    );
  });

  it('fails startup for a listed class that no module provides', async () => {
    await assert.rejects(
      resolve({ a: [PlacedHandler, ApprovedHandler] }, PartialFeatureModule),
      /ApprovedHandler \(queue a\) is not provided by any module/,
    );
  });

  it('fails startup for a provided handler that no queue lists (it would never run)', async () => {
    await assert.rejects(
      resolve({ a: [PlacedHandler] }),
      /ApprovedHandler \(a handler of fabflow\.crm\.order\.approved\.v1\) is provided but subscribed to no queue/,
    );
  });
});
