import { ConflictException, Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import { hashPassword, TokenService, verifyLogin } from '@fabflow/auth';
import { CustomerRegistered } from '@fabflow/contracts';
import { isUniqueViolation, uuidv7 } from '@fabflow/db';
import type { UnitOfWork } from '@fabflow/messaging';
import { UNIT_OF_WORK } from '@fabflow/platform';
import type { ShopDatabase } from '../shop.database';
import { CustomersRepository } from './customers.repository';

@Injectable()
export class CustomersService {
  constructor(
    private readonly customers: CustomersRepository,
    private readonly tokens: TokenService,
    @Inject(UNIT_OF_WORK) private readonly uow: UnitOfWork<ShopDatabase>,
  ) {}

  async register(input: { email: string; password: string; name: string }) {
    const id = uuidv7();
    const passwordHash = await hashPassword(input.password);
    try {
      await this.uow.run(async (tx, events) => {
        await this.customers.insert(tx, { id, email: input.email, name: input.name, passwordHash });
        await events.emit(
          CustomerRegistered,
          { customerId: id, email: input.email, name: input.name },
          { subject: id, version: 1 },
        );
      });
    } catch (err) {
      if (isUniqueViolation(err))
        throw new ConflictException('an account with this email already exists');
      throw err;
    }
    return { id, email: input.email, name: input.name };
  }

  async login(email: string, password: string) {
    // Only people log in: a B2B organisation's account has no password and authenticates by API key.
    const customer = await this.customers.findPersonByEmail(email);
    const ok = await verifyLogin(password, customer?.password_hash ?? undefined);
    if (!customer || !ok) throw new UnauthorizedException('wrong email or password');
    const token = this.tokens.issue({ userId: customer.id, role: 'customer' });
    return { ...token, tokenType: 'Bearer' as const, role: 'customer', userId: customer.id };
  }
}
