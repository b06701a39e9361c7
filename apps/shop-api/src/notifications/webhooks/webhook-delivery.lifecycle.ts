import {
  Inject,
  Injectable,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import type { WebhookDeliverer } from './webhook-deliverer';
import { WEBHOOK_DELIVERER } from './webhook-deliverer.provider';

/** Delivers once the app is up; finishes the deliveries in flight before the app closes. */
@Injectable()
export class WebhookDeliveryLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown {
  constructor(@Inject(WEBHOOK_DELIVERER) private readonly deliverer: WebhookDeliverer) {}

  onApplicationBootstrap(): void {
    this.deliverer.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.deliverer.stop();
  }
}
