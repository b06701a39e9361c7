export * from './backoff';
export * from './wakeable-loop';
