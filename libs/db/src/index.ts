export * from './database';
export * from './migrate';
export * from './pg-errors';
export * from './uuidv7';
