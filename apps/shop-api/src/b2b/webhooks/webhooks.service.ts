import {
  ConflictException,
  Inject,
  Injectable,
  NotFoundException,
  UnprocessableEntityException,
} from '@nestjs/common';
import type { WebhookEventType } from '@fabflow/contracts';
import { uuidv7 } from '@fabflow/db';
import type { UnitOfWork } from '@fabflow/messaging';
import { APP_CONFIG, UNIT_OF_WORK } from '@fabflow/platform';
import { newWebhookSecret, SecretBox } from '../../notifications/webhooks/webhook-crypto';
import type { WebhookDeliverer } from '../../notifications/webhooks/webhook-deliverer';
import { WEBHOOK_DELIVERER } from '../../notifications/webhooks/webhook-deliverer.provider';
import { WebhookTargets } from '../../notifications/webhooks/target/webhook-targets';
import type { WebhooksConfig } from '../../notifications/webhooks/webhooks.config';
import type { WebhooksDatabase } from '../../notifications/webhooks/webhooks.database';
import { WebhooksRepository } from '../../notifications/webhooks/webhooks.repository';
import type { B2bPrincipal } from '../keys/b2b-principal';
const MAX_SUBSCRIPTIONS = 20;

/** An organisation's webhook subscriptions: create, rotate the secret, enable, delete, redeliver. */
@Injectable()
export class WebhooksService {
  constructor(
    private readonly repo: WebhooksRepository,
    private readonly box: SecretBox,
    @Inject(WEBHOOK_DELIVERER) private readonly deliverer: WebhookDeliverer,
    @Inject(UNIT_OF_WORK) private readonly uow: UnitOfWork<WebhooksDatabase>,
    private readonly targets: WebhookTargets,
    @Inject(APP_CONFIG) private readonly config: WebhooksConfig,
  ) {}

  async create(
    p: B2bPrincipal,
    input: { url: string; events: WebhookEventType[]; description?: string },
  ) {
    const target = await this.targets.check(input.url);
    if (!target.ok) throw new UnprocessableEntityException(target.reason);
    if ((await this.repo.countLive(p.organisation.id)).n >= MAX_SUBSCRIPTIONS)
      throw new ConflictException(
        `an organisation has at most ${MAX_SUBSCRIPTIONS} webhook subscriptions`,
      );
    const secret = newWebhookSecret();
    const row = await this.repo.insert({
      id: uuidv7(),
      organisation_id: p.organisation.id,
      url: input.url,
      events: [...new Set(input.events)],
      description: input.description ?? null,
      secret_encrypted: this.box.seal(secret),
      status: 'ACTIVE',
      created_by_key_id: p.keyId,
    });
    return { row, secret };
  }

  async get(p: B2bPrincipal, id: string) {
    const row = await this.repo.find(p.organisation.id, id);
    if (!row) throw new NotFoundException(`webhook subscription ${id} not found`);
    return row;
  }

  /** A new secret; the previous one keeps signing (a second v1=) for the overlap. */
  async rotateSecret(p: B2bPrincipal, id: string, overlapSeconds?: number) {
    const current = await this.get(p, id);
    const secret = newWebhookSecret();
    const overlap = overlapSeconds ?? this.config.WEBHOOK_SECRET_OVERLAP_SECONDS;
    const row = await this.repo.update(p.organisation.id, id, {
      secret_encrypted: this.box.seal(secret),
      previous_secret_encrypted: current.secret_encrypted,
      previous_secret_expires_at: new Date(Date.now() + overlap * 1000),
    });
    if (!row) throw new NotFoundException(`webhook subscription ${id} not found`);
    return { row, secret };
  }

  async enable(p: B2bPrincipal, id: string) {
    await this.get(p, id);
    const row = await this.repo.update(p.organisation.id, id, {
      status: 'ACTIVE',
      disabled_at: null,
      disabled_reason: null,
      failing_since: null,
    });
    return row!;
  }

  async delete(p: B2bPrincipal, id: string) {
    await this.get(p, id);
    await this.uow.run(async (tx) => {
      await this.repo.update(p.organisation.id, id, { status: 'DELETED' }, tx);
      await this.repo.failPending(tx, id, 'subscription deleted');
    });
  }

  async redeliver(p: B2bPrincipal, id: string, deliveryId: string) {
    await this.get(p, id);
    const d = await this.repo.delivery(p.organisation.id, id, deliveryId);
    if (!d) throw new NotFoundException(`delivery ${deliveryId} not found`);
    if (d.status === 'PENDING' || d.status === 'DELIVERING')
      throw new ConflictException(`delivery ${deliveryId} is ${d.status} already`);
    const n = await this.repo.redeliver(p.organisation.id, { deliveryIds: [deliveryId] });
    if (n === 0) throw new ConflictException('the subscription is disabled: enable it first');
    this.deliverer.wake();
    return (await this.repo.delivery(p.organisation.id, id, deliveryId))!;
  }
}
