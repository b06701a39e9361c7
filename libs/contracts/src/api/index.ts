export * from './common.api';
export * from './crm.api';
export * from './mes.api';
export * from './shop.api';
export * from './dlq.api';
export * from './quotes.api';
export * from './pricing.api';
