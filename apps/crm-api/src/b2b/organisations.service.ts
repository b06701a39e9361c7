import {
  ConflictException,
  Inject,
  Injectable,
  NotFoundException,
  UnprocessableEntityException,
} from '@nestjs/common';
import type { Transaction } from 'kysely';
import {
  OrganisationChanged,
  TierUpdated,
  WebhookRedeliveryRequested,
  type TierLimits,
} from '@fabflow/contracts';
import { isUniqueViolation, uuidv7 } from '@fabflow/db';
import type { EventSink, UnitOfWork } from '@fabflow/messaging';
import { UNIT_OF_WORK } from '@fabflow/platform';
import type { CrmB2bDatabase } from './b2b.database';
import { toTierSnapshot } from './b2b.mapper';
import { B2bRepository } from './b2b.repository';

type Tx = Transaction<CrmB2bDatabase>;

const tierColumns = (l: Partial<TierLimits>) => ({
  ...(l.requestsPerMinute !== undefined ? { requests_per_minute: l.requestsPerMinute } : {}),
  ...(l.burst !== undefined ? { burst: l.burst } : {}),
  ...(l.dailyOrderQuota !== undefined ? { daily_order_quota: l.dailyOrderQuota } : {}),
  ...(l.dailyQuoteQuota !== undefined ? { daily_quote_quota: l.dailyQuoteQuota } : {}),
  ...(l.maxConcurrentPricingJobs !== undefined
    ? { max_concurrent_pricing_jobs: l.maxConcurrentPricingJobs }
    : {}),
});

/**
 * Tiers and organisations. Every change commits with its event (`TierUpdated`,
 * `OrganisationChanged`, carrying the aggregate's new version), which feeds the shop's B2B
 * projection.
 */
@Injectable()
export class OrganisationsService {
  constructor(
    private readonly repo: B2bRepository,
    @Inject(UNIT_OF_WORK) private readonly uow: UnitOfWork<CrmB2bDatabase>,
  ) {}

  createTier(input: TierLimits & { id: string; name: string }) {
    return this.uow
      .run(async (tx, events) => {
        const tier = await this.repo.insertTier(tx, {
          id: input.id,
          name: input.name,
          requests_per_minute: input.requestsPerMinute,
          burst: input.burst,
          daily_order_quota: input.dailyOrderQuota,
          daily_quote_quota: input.dailyQuoteQuota,
          max_concurrent_pricing_jobs: input.maxConcurrentPricingJobs,
        });
        await this.emitTier(events, tier);
        return tier;
      })
      .catch((err: unknown) => {
        if (isUniqueViolation(err)) throw new ConflictException(`tier ${input.id} exists already`);
        throw err;
      });
  }

  updateTier(id: string, change: Partial<TierLimits> & { name?: string }) {
    return this.uow.run(async (tx, events) => {
      if (!(await this.repo.lockTier(tx, id))) throw new NotFoundException(`tier ${id} not found`);
      const tier = await this.repo.updateTier(tx, id, {
        ...tierColumns(change),
        ...(change.name ? { name: change.name } : {}),
      });
      await this.emitTier(events, tier);
      return tier;
    });
  }

  async getOrganisation(id: string) {
    const org = await this.repo.findOrganisation(id);
    if (!org) throw new NotFoundException(`organisation ${id} not found`);
    return org;
  }

  createOrganisation(
    managerId: string,
    input: { name: string; tierId: string; contactEmails: string[] },
  ) {
    return this.uow.run(async (tx, events) => {
      const tier = await this.tierOr422(tx, input.tierId);
      const org = await this.repo.insertOrganisation(tx, {
        id: uuidv7(),
        name: input.name,
        tier_id: tier.id,
        status: 'ACTIVE',
        contact_emails: input.contactEmails,
        created_by: managerId,
      });
      await this.emitOrganisation(tx, events, org);
      return org;
    });
  }

  updateOrganisation(
    id: string,
    change: {
      name?: string;
      tierId?: string;
      status?: 'ACTIVE' | 'SUSPENDED';
      contactEmails?: string[];
    },
  ) {
    return this.uow.run(async (tx, events) => {
      if (!(await this.repo.lockOrganisation(tx, id)))
        throw new NotFoundException(`organisation ${id} not found`);
      if (change.tierId) await this.tierOr422(tx, change.tierId);
      const org = await this.repo.updateOrganisation(tx, id, {
        ...(change.name ? { name: change.name } : {}),
        ...(change.tierId ? { tier_id: change.tierId } : {}),
        ...(change.status ? { status: change.status } : {}),
        ...(change.contactEmails ? { contact_emails: change.contactEmails } : {}),
      });
      await this.emitOrganisation(tx, events, org);
      return org;
    });
  }

  /** The shop holds the deliveries: this asks it, through an event, to send them again. */
  async requestRedelivery(
    organisationId: string,
    managerId: string,
    input: { eventIds?: string[]; failedSince?: string },
  ) {
    await this.getOrganisation(organisationId);
    return this.uow.run(async (_tx, events) => {
      const e = await events.emit(
        WebhookRedeliveryRequested,
        {
          organisationId,
          requestedBy: managerId,
          eventIds: input.eventIds ?? null,
          failedSince: input.failedSince ?? null,
        },
        { subject: organisationId, version: 1 },
      );
      return { requestId: e.id, status: 'REQUESTED' as const };
    });
  }

  private async tierOr422(tx: Tx, tierId: string) {
    const tier = await this.repo.findTier(tierId, tx);
    if (!tier) {
      const known = (await this.repo.listTiers()).map((t) => t.id).join(', ');
      throw new UnprocessableEntityException(`unknown tier "${tierId}"; tiers: ${known}`);
    }
    return tier;
  }

  private async emitTier(
    events: EventSink,
    tier: Awaited<ReturnType<B2bRepository['insertTier']>>,
  ) {
    await events.emit(TierUpdated, toTierSnapshot(tier), {
      subject: tier.id,
      version: tier.version,
    });
  }

  private async emitOrganisation(
    tx: Tx,
    events: EventSink,
    org: Awaited<ReturnType<B2bRepository['insertOrganisation']>>,
  ) {
    const tier = (await this.repo.findTier(org.tier_id, tx))!;
    await events.emit(
      OrganisationChanged,
      { organisationId: org.id, name: org.name, status: org.status, tier: toTierSnapshot(tier) },
      { subject: org.id, version: org.version },
    );
  }
}
