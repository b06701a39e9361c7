import type { SalesChannel } from '@fabflow/contracts';
import type { MesConfig } from '../mes.config';

/**
 * BullMQ priority of a quote's pricing job (lower runs sooner): by sales channel, B2C before
 * B2B by default, so a customer waiting at the screen is not queued behind a B2B batch.
 */
export function pricingPriority(
  channel: SalesChannel,
  config: Pick<MesConfig, 'PRICING_PRIORITY_B2C' | 'PRICING_PRIORITY_B2B'>,
): number {
  switch (channel) {
    case 'B2C':
      return config.PRICING_PRIORITY_B2C;
    case 'B2B':
      return config.PRICING_PRIORITY_B2B;
  }
}
