import { ConflictException, Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import { hashPassword, verifyLogin } from '@fabflow/auth';
import { CustomerRegistered } from '@fabflow/contracts';
import { isUniqueViolation, uuidv7 } from '@fabflow/db';
import type { UnitOfWork } from '@fabflow/messaging';
import { RefreshSessions, UNIT_OF_WORK, type SessionTokens } from '@fabflow/platform';
import type { ShopDatabase } from '../shop.database';
import { CustomersRepository } from './customers.repository';

@Injectable()
export class CustomersService {
  constructor(
    private readonly customers: CustomersRepository,
    private readonly sessions: RefreshSessions,
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

  /**
   * One path for every email: an unknown one, an organisation's (no password) and a wrong
   * password all cost one scrypt and get the same 401.
   */
  async login(email: string, password: string): Promise<SessionTokens> {
    // Only people log in: a B2B organisation's account has no password and authenticates by API key.
    const customer = await this.customers.findPersonByEmail(email);
    const ok = await verifyLogin(password, customer?.password_hash ?? undefined);
    if (!customer || !ok) throw new UnauthorizedException('wrong email or password');
    return this.sessions.start(customer.id, 'customer');
  }

  refresh(refreshToken: string): Promise<SessionTokens> {
    return this.sessions.refresh(refreshToken, async (id) =>
      (await this.customers.personExists(id)) ? 'customer' : undefined,
    );
  }

  logout(refreshToken: string): Promise<void> {
    return this.sessions.logout(refreshToken);
  }
}
