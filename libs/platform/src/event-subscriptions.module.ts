import { Inject, Injectable, Module, type DynamicModule, type Type } from '@nestjs/common';
import { ModuleRef, ModulesContainer } from '@nestjs/core';
import type { EventDefinition } from '@fabflow/contracts';
import type { EventHandler, MessagingTables } from '@fabflow/messaging';

/**
 * A handler class; a feature module provides it, the platform finds its instance. Each handler
 * is written against its own service's database (`EventHandler<CrmDatabase, …>`), which
 * Kysely's types make incomparable with another's, so the map only checks the shape: an event
 * definition and a `handle` of any context.
 */
export type EventHandlerClass = Type<{
  readonly event: EventDefinition;
  handle(ctx: never, event: never): Promise<void>;
}>;

/** Each subscription queue of a service with the handler classes that consume it. */
export type EventSubscriptionMap = Readonly<Record<string, readonly EventHandlerClass[]>>;

/** The service's EventSubscriptionMap (given to EventSubscriptionsModule.forRoot). */
export const EVENT_SUBSCRIPTIONS = Symbol('EVENT_SUBSCRIPTIONS');

const isHandler = (v: unknown): v is EventHandler<MessagingTables> =>
  typeof v === 'object' &&
  v !== null &&
  typeof (v as { handle?: unknown }).handle === 'function' &&
  typeof (v as { event?: { type?: unknown } }).event?.type === 'string';

/**
 * Turns the service's one subscription map into handler instances, once every module has been
 * instantiated (at bootstrap). Fails startup for a class listed twice, a listed class no module
 * provides, and a handler some module provides that no queue lists (it would never run); the
 * messaging registry then fails it for two handlers of one event type in a queue.
 */
@Injectable()
export class EventSubscriptions {
  constructor(
    @Inject(EVENT_SUBSCRIPTIONS) private readonly map: EventSubscriptionMap,
    private readonly ref: ModuleRef,
    private readonly modules: ModulesContainer,
  ) {}

  queues(): string[] {
    return Object.keys(this.map);
  }

  resolve(): Array<[queue: string, handlers: EventHandler<MessagingTables>[]]> {
    const listed = new Set<unknown>();
    const resolved = Object.entries(this.map).map(([queue, classes]) => {
      const handlers = classes.map((cls) => {
        if (listed.has(cls)) throw new Error(`${cls.name} is listed twice in the subscriptions`);
        listed.add(cls);
        return this.instance(cls, queue);
      });
      return [queue, handlers] as [string, EventHandler<MessagingTables>[]];
    });
    for (const module of this.modules.values())
      for (const wrapper of module.providers.values())
        if (isHandler(wrapper.instance) && !listed.has(wrapper.instance.constructor))
          throw new Error(
            `${wrapper.instance.constructor.name} (a handler of ${wrapper.instance.event.type}) is provided but subscribed to no queue; add it to the service's subscription map`,
          );
    return resolved;
  }

  private instance(cls: EventHandlerClass, queue: string): EventHandler<MessagingTables> {
    try {
      // The service's runtime runs on its own database: the handler's context is that one's.
      return this.ref.get<EventHandler<MessagingTables>>(cls, { strict: false });
    } catch {
      throw new Error(`${cls.name} (queue ${queue}) is not provided by any module`);
    }
  }
}

/**
 * A service's subscriptions, declared once: `EventSubscriptionsModule.forRoot({ [queue]:
 * [HandlerClass, …] })` in its app module; feature modules only provide their handlers.
 */
@Module({})
export class EventSubscriptionsModule {
  static forRoot(map: EventSubscriptionMap): DynamicModule {
    return {
      module: EventSubscriptionsModule,
      providers: [{ provide: EVENT_SUBSCRIPTIONS, useValue: map }, EventSubscriptions],
      exports: [EVENT_SUBSCRIPTIONS, EventSubscriptions],
    };
  }
}
