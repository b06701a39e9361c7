import { Module } from '@nestjs/common';
import { ApiKeysController } from './api-keys.controller';
import { ApiKeysService } from './api-keys.service';
import { B2bRepository } from './b2b.repository';
import { WebhookSubscriptionDisabledHandler } from './events/webhook-subscription-disabled.handler';
import { OrganisationsController } from './organisations.controller';
import { OrganisationsService } from './organisations.service';
import { TiersController } from './tiers.controller';

/** B2B in the CRM: tiers, organisations, their API keys and the notifications to their managers. */
@Module({
  controllers: [TiersController, OrganisationsController, ApiKeysController],
  providers: [
    B2bRepository,
    OrganisationsService,
    ApiKeysService,
    WebhookSubscriptionDisabledHandler,
  ],
})
export class CrmB2bModule {}
