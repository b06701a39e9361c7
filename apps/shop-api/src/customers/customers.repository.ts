import { Inject, Injectable } from '@nestjs/common';
import type { Kysely, Transaction } from 'kysely';
import { DB } from '@fabflow/platform';
import type { ShopDatabase } from '../shop.database';

@Injectable()
export class CustomersRepository {
  constructor(@Inject(DB) private readonly db: Kysely<ShopDatabase>) {}

  /** A person's account by email; an ORGANISATION row (a B2B account) is never found here. */
  findPersonByEmail(email: string) {
    return this.db
      .selectFrom('customers')
      .selectAll()
      .where((eb) => eb(eb.fn('lower', ['email']), '=', email.toLowerCase()))
      .where('kind', '=', 'PERSON')
      .executeTakeFirst();
  }

  async personExists(id: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('customers')
      .select('id')
      .where('id', '=', id)
      .where('kind', '=', 'PERSON')
      .executeTakeFirst();
    return row !== undefined;
  }

  async insert(
    tx: Transaction<ShopDatabase>,
    c: { id: string; email: string; name: string; passwordHash: string },
  ) {
    await tx
      .insertInto('customers')
      .values({
        id: c.id,
        kind: 'PERSON',
        email: c.email,
        name: c.name,
        password_hash: c.passwordHash,
      })
      .execute();
  }
}
