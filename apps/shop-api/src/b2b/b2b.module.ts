import { Inject, Injectable, Module, type OnModuleInit } from '@nestjs/common';
import { APP_CONFIG } from '@fabflow/platform';
import { RateLimitPolicies } from '@fabflow/rate-limit';
import { IdempotencyModule } from '../idempotency/idempotency.module';
import { NotificationsModule } from '../notifications/notifications.module';
import type { ShopB2bConfig } from './b2b.config';
import { ApiKeyCache } from './keys/api-key-cache';
import { ApiKeyProjectionRepository } from './keys/api-key-projection.repository';
import { ApiKeyAuthenticator } from './keys/api-key.authenticator';
import { B2B_RATE_LIMIT_POLICY } from './keys/b2b-principal';
import { B2bRateLimitPolicy } from './keys/b2b-rate-limit.policy';
import { ApiKeyIssuedHandler } from './keys/events/api-key-issued.handler';
import { ApiKeyRevokedHandler } from './keys/events/api-key-revoked.handler';
import { OrganisationChangedHandler } from './keys/events/organisation-changed.handler';
import { TierUpdatedHandler } from './keys/events/tier-updated.handler';
import { MeController } from './me/me.controller';
import { WebhooksController } from './webhooks/webhooks.controller';
import { WebhooksService } from './webhooks/webhooks.service';

@Injectable()
class B2bRateLimitRegistration implements OnModuleInit {
  constructor(
    private readonly policies: RateLimitPolicies,
    @Inject(APP_CONFIG) private readonly config: ShopB2bConfig,
  ) {}

  onModuleInit(): void {
    this.policies.register(
      B2B_RATE_LIMIT_POLICY,
      new B2bRateLimitPolicy(this.config.B2B_RATE_LIMIT_EXEMPT_KEYS),
    );
  }
}

/**
 * The B2B API under /b2b/v1: API-key authentication from the CRM's projected keys, the per-key
 * tier limit, the organisation and its webhook subscriptions (delivered by notifications/).
 */
@Module({
  imports: [IdempotencyModule, NotificationsModule],
  controllers: [MeController, WebhooksController],
  providers: [
    ApiKeyProjectionRepository,
    ApiKeyCache,
    ApiKeyAuthenticator,
    WebhooksService,
    B2bRateLimitRegistration,
    ApiKeyIssuedHandler,
    ApiKeyRevokedHandler,
    TierUpdatedHandler,
    OrganisationChangedHandler,
  ],
})
export class B2bModule {}
