import { ConflictException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import { SERVICE_IDS, type StaffDeactivation } from '@fabflow/contracts';
import type { Logger } from '@fabflow/observability';
import { APP_CONFIG, LOGGER, RefreshSessions, RevocationFeed } from '@fabflow/platform';
import type { z } from 'zod';
import { StaffRepository } from './staff.repository';

/**
 * Staff administration. For now only what ends a person's access: the staff console builds
 * the rest.
 */
@Injectable()
export class StaffService {
  constructor(
    private readonly staff: StaffRepository,
    private readonly sessions: RefreshSessions,
    private readonly revocations: RevocationFeed,
    @Inject(APP_CONFIG) private readonly config: { AUTH_ACCESS_TTL_SECONDS: number },
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /**
   * Deactivates a staff member: no login or refresh from now on, every session revoked, and
   * every verifier told to refuse their access tokens issued until now. Repeating it repeats
   * the revocation (useful when the first push found Redis down).
   */
  async deactivate(id: string, by: string): Promise<z.infer<typeof StaffDeactivation>> {
    if (id === by) throw new ConflictException('you cannot deactivate your own account');
    const now = new Date();
    const deactivatedAt = await this.staff.deactivate(id, now);
    if (!deactivatedAt) throw new NotFoundException(`staff member ${id} not found`);
    const sessionsRevoked = await this.sessions.revokeSubject(id);
    const pushed = await this.revocations.revoke(SERVICE_IDS.crm, id, now.getTime());
    const accessEndsBy = pushed
      ? now
      : new Date(now.getTime() + this.config.AUTH_ACCESS_TTL_SECONDS * 1000);
    this.logger.info({ staffId: id, by, sessionsRevoked, pushed }, 'staff member deactivated');
    return {
      id,
      deactivatedAt: deactivatedAt.toISOString(),
      sessionsRevoked,
      revocationPushed: pushed,
      accessEndsBy: accessEndsBy.toISOString(),
    };
  }
}
