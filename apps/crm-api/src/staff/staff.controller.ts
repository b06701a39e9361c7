import {
  Body,
  Controller,
  HttpCode,
  Inject,
  Post,
  UnauthorizedException,
  UseGuards,
} from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Kysely } from 'kysely';
import type { z } from 'zod';
import { Public, TokenService, verifyLogin } from '@fabflow/auth';
import { LoginRequest, TokenResponse } from '@fabflow/contracts';
import { DB, Endpoint } from '@fabflow/platform';
import { ANONYMOUS_IP_POLICY, RateLimit, RateLimitGuard } from '@fabflow/rate-limit';
import type { CrmDatabase } from '../crm.database';

@ApiTags('auth')
@Controller('auth')
export class StaffController {
  constructor(
    @Inject(DB) private readonly db: Kysely<CrmDatabase>,
    private readonly tokens: TokenService,
  ) {}

  @Public()
  @Post('login')
  @HttpCode(200)
  @UseGuards(RateLimitGuard)
  @RateLimit(ANONYMOUS_IP_POLICY)
  @Endpoint({
    summary: 'Staff (manager, operator, admin) log in',
    body: LoginRequest,
    responses: { 200: TokenResponse },
    problems: [401, 429],
  })
  async login(@Body() body: z.output<typeof LoginRequest>) {
    const user = await this.db
      .selectFrom('staff_users')
      .selectAll()
      .where((eb) => eb(eb.fn('lower', ['email']), '=', body.email.toLowerCase()))
      .executeTakeFirst();
    const ok = await verifyLogin(body.password, user?.password_hash);
    if (!user || !ok) throw new UnauthorizedException('wrong email or password');
    return {
      ...this.tokens.issue({ userId: user.id, role: user.role }),
      tokenType: 'Bearer' as const,
      role: user.role,
      userId: user.id,
    };
  }
}
