import { Injectable } from '@nestjs/common';
import type { Transaction } from 'kysely';
import type { CrmDatabase } from '../crm.database';

/** The CRM's accounts: B2C customers and B2B organisations. */
@Injectable()
export class AccountsRepository {
  async insertCustomer(
    tx: Transaction<CrmDatabase>,
    a: { id: string; email: string; name: string },
  ): Promise<void> {
    await tx
      .insertInto('accounts')
      .values({ ...a, kind: 'B2C' })
      .onConflict((oc) => oc.column('id').doNothing())
      .execute();
  }

  /** B2B for an organisation's account, B2C otherwise (also for an account not seen yet). */
  async channelOf(tx: Transaction<CrmDatabase>, id: string): Promise<'B2B' | 'B2C'> {
    const row = await tx
      .selectFrom('accounts')
      .select('kind')
      .where('id', '=', id)
      .executeTakeFirst();
    return row?.kind === 'B2B' ? 'B2B' : 'B2C';
  }
}
