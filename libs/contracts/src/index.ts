export * from './api';
export * from './events';
export * from './jobs';
export * from './state-machine';
export * from './statuses';
export * from './b2b';
export * from './order-lines';
