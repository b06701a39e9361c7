import type { z } from 'zod';

export type Publisher = 'shop' | 'crm' | 'mes';

/** One event type of the catalogue: its CloudEvents type, where it is published, its data schema. */
export interface EventDefinition<T extends z.ZodType = z.ZodType> {
  /** CloudEvents `type`, e.g. `fabflow.shop.order.placed.v1`. */
  type: string;
  /** `OrderPlaced`: the name handlers are called after. */
  name: string;
  publisher: Publisher;
  /** Topic exchange of the publisher (`shop.events`). */
  exchange: string;
  /** Routing key = event name (`order.placed`). */
  routingKey: string;
  version: number;
  schema: T;
  description: string;
}

export function defineEvent<T extends z.ZodType>(
  publisher: Publisher,
  name: string,
  routingKey: string,
  version: number,
  schema: T,
  description: string,
): EventDefinition<T> {
  return {
    type: `fabflow.${publisher}.${routingKey}.v${version}`,
    name,
    publisher,
    exchange: `${publisher}.events`,
    routingKey,
    version,
    schema,
    description,
  };
}

export type EventData<E extends EventDefinition> = z.output<E['schema']>;
