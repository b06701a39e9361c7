import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { PricingQueue } from './pricing-queue';

/** Closes the BullMQ connection last (the dispatcher has stopped before shutdown began). */
@Injectable()
export class PricingQueueLifecycle implements OnApplicationShutdown {
  constructor(private readonly queue: PricingQueue) {}

  onApplicationShutdown(): Promise<void> {
    return this.queue.close();
  }
}
