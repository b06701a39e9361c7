export * from './isolation';
export * from './test-env';
export * from './wait-for';
