import { ConflictException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import type { Transaction } from 'kysely';
import { generateApiKey } from '@fabflow/auth';
import { ApiKeyIssued, ApiKeyRevoked, type ApiKeyScope } from '@fabflow/contracts';
import { uuidv7 } from '@fabflow/db';
import type { EventSink, UnitOfWork } from '@fabflow/messaging';
import { APP_CONFIG, UNIT_OF_WORK } from '@fabflow/platform';
import type { CrmB2bDatabase } from './b2b.database';
import { toApiKeySnapshot } from './b2b.mapper';
import { B2bRepository } from './b2b.repository';

type Tx = Transaction<CrmB2bDatabase>;
type KeyRow = Awaited<ReturnType<B2bRepository['insertKey']>>;

/**
 * Issues, rotates and revokes API keys. The whole key is returned once, by the call that made
 * it; the CRM keeps its prefix and SHA-256, and every change travels to the shop as an event
 * in the same transaction.
 */
@Injectable()
export class ApiKeysService {
  constructor(
    private readonly repo: B2bRepository,
    @Inject(UNIT_OF_WORK) private readonly uow: UnitOfWork<CrmB2bDatabase>,
    @Inject(APP_CONFIG) private readonly config: { API_KEY_ROTATION_GRACE_SECONDS: number },
  ) {}

  issue(
    organisationId: string,
    managerId: string,
    input: { name?: string; scopes: ApiKeyScope[] },
  ) {
    return this.uow.run(async (tx, events) => {
      const org = await this.repo.lockOrganisation(tx, organisationId);
      if (!org) throw new NotFoundException(`organisation ${organisationId} not found`);
      if (org.status !== 'ACTIVE')
        throw new ConflictException(`organisation ${organisationId} is ${org.status}`);
      return this.newKey(
        tx,
        events,
        organisationId,
        managerId,
        input.name ?? null,
        input.scopes,
        null,
      );
    });
  }

  /** A new key with the same scopes; the old one keeps working for the grace period. */
  rotate(organisationId: string, keyId: string, managerId: string, graceSeconds?: number) {
    const grace = graceSeconds ?? this.config.API_KEY_ROTATION_GRACE_SECONDS;
    return this.uow.run(async (tx, events) => {
      const old = await this.usableKey(tx, organisationId, keyId);
      if (old.expires_at !== null)
        throw new ConflictException(
          `key ${keyId} is already being rotated (expires ${old.expires_at.toISOString()})`,
        );
      const expiring = await this.repo.updateKey(tx, keyId, {
        expires_at: new Date(Date.now() + grace * 1000),
      });
      await events.emit(
        ApiKeyRevoked,
        { ...toApiKeySnapshot(expiring), reason: 'ROTATED' },
        { subject: keyId, version: expiring.version },
      );
      const fresh = await this.newKey(
        tx,
        events,
        organisationId,
        managerId,
        old.name,
        old.scopes,
        keyId,
      );
      return { fresh, old: expiring };
    });
  }

  /** Stops the key now (a key in its rotation grace too). */
  revoke(organisationId: string, keyId: string, managerId: string) {
    return this.uow.run(async (tx, events) => {
      const key = await this.repo.lockKey(tx, organisationId, keyId);
      if (!key) throw new NotFoundException(`API key ${keyId} not found`);
      if (key.status === 'REVOKED') throw new ConflictException(`key ${keyId} is revoked already`);
      const now = new Date();
      const expires = key.expires_at && key.expires_at < now ? key.expires_at : now;
      const revoked = await this.repo.updateKey(tx, keyId, {
        status: 'REVOKED',
        revoked_at: now,
        revoked_by: managerId,
        expires_at: expires,
      });
      await events.emit(
        ApiKeyRevoked,
        { ...toApiKeySnapshot(revoked), reason: 'REVOKED' },
        { subject: keyId, version: revoked.version },
      );
      return revoked;
    });
  }

  private async usableKey(tx: Tx, organisationId: string, keyId: string) {
    const key = await this.repo.lockKey(tx, organisationId, keyId);
    if (!key) throw new NotFoundException(`API key ${keyId} not found`);
    if (key.status === 'REVOKED') throw new ConflictException(`key ${keyId} is revoked`);
    return key;
  }

  private async newKey(
    tx: Tx,
    events: EventSink,
    organisationId: string,
    managerId: string,
    name: string | null,
    scopes: ApiKeyScope[],
    rotatedFrom: string | null,
  ): Promise<KeyRow & { key: string }> {
    // A prefix collision (50 random bits) is all but impossible; the unique index would refuse it.
    const generated = generateApiKey();
    const row = await this.insert(
      tx,
      generated,
      organisationId,
      managerId,
      name,
      scopes,
      rotatedFrom,
    );
    await events.emit(
      ApiKeyIssued,
      { ...toApiKeySnapshot(row), rotatedFrom },
      { subject: row.id, version: row.version },
    );
    return { ...row, key: generated.key };
  }

  private insert(
    tx: Tx,
    generated: ReturnType<typeof generateApiKey>,
    organisationId: string,
    managerId: string,
    name: string | null,
    scopes: ApiKeyScope[],
    rotatedFrom: string | null,
  ) {
    return this.repo.insertKey(tx, {
      id: uuidv7(),
      organisation_id: organisationId,
      name,
      prefix: generated.prefix,
      secret_hash: generated.secretHash,
      scopes: [...new Set(scopes)],
      status: 'ACTIVE',
      expires_at: null,
      rotated_from: rotatedFrom,
      created_by: managerId,
    });
  }
}
