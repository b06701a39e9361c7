export * from './catalogue';
export * from './event-definition';
