import { Module } from '@nestjs/common';
import { MaterialsController } from './materials.controller';
import { PriceListPublishedHandler } from './price-list-published.handler';
import { PriceListsRepository } from './price-lists.repository';

@Module({
  controllers: [MaterialsController],
  providers: [PriceListsRepository, PriceListPublishedHandler],
  exports: [PriceListsRepository],
})
export class PriceListsModule {}
