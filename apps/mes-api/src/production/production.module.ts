import { Module } from '@nestjs/common';
import { ProductionController } from './production.controller';
import { ProductionRecords } from './production-records';
import { ProductionViews } from './production-views';
import { ProductionRepository } from './production.repository';

/**
 * Orders and lines in production: their records, the statuses the MES derives from their work
 * orders (with the versions that order them), and the view of an order's production.
 */
@Module({
  controllers: [ProductionController],
  providers: [ProductionRepository, ProductionRecords, ProductionViews],
  exports: [ProductionRepository, ProductionRecords, ProductionViews],
})
export class ProductionModule {}
