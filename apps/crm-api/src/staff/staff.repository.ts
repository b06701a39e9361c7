import { Inject, Injectable } from '@nestjs/common';
import type { Kysely } from 'kysely';
import { DB } from '@fabflow/platform';
import type { CrmDatabase } from '../crm.database';

export type StaffRole = CrmDatabase['staff_users']['role'];

@Injectable()
export class StaffRepository {
  constructor(@Inject(DB) private readonly db: Kysely<CrmDatabase>) {}

  /** A staff account by email (case-insensitive), active or not. */
  findByEmail(email: string) {
    return this.db
      .selectFrom('staff_users')
      .select(['id', 'role', 'password_hash', 'deactivated_at'])
      .where((eb) => eb(eb.fn('lower', ['email']), '=', email.toLowerCase()))
      .executeTakeFirst();
  }

  /** The role of an active staff member; undefined when unknown or deactivated. */
  async activeRole(id: string): Promise<StaffRole | undefined> {
    const row = await this.db
      .selectFrom('staff_users')
      .select('role')
      .where('id', '=', id)
      .where('deactivated_at', 'is', null)
      .executeTakeFirst();
    return row?.role;
  }

  /** Marks the account deactivated (keeping the first moment); its deactivation time, or undefined. */
  async deactivate(id: string, now: Date): Promise<Date | undefined> {
    const row = await this.db
      .updateTable('staff_users')
      .set((eb) => ({ deactivated_at: eb.fn.coalesce('deactivated_at', eb.val(now)) }))
      .where('id', '=', id)
      .returning('deactivated_at')
      .executeTakeFirst();
    return row?.deactivated_at ?? undefined;
  }
}
