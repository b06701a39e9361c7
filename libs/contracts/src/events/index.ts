export * from './catalogue';
export * from './event-definition';
export * from './subscriptions';
