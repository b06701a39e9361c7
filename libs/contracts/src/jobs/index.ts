export * from './price-quote.job';
