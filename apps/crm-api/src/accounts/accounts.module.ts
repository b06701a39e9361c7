import { Module } from '@nestjs/common';
import { AccountsRepository } from './accounts.repository';
import { CustomerRegisteredHandler } from './customer-registered.handler';

/** Customer and organisation accounts (organisations themselves: the b2b module). */
@Module({
  providers: [AccountsRepository, CustomerRegisteredHandler],
  exports: [AccountsRepository, CustomerRegisteredHandler],
})
export class AccountsModule {}
