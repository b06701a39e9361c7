export * from './b2b.events';
export * from './catalogue';
export * from './event-definition';
export * from './order.events';
export * from './quote.events';
export * from './subscriptions';
export * from './work-order.events';
