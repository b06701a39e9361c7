import { Body, Controller, HttpCode, Post, UseGuards } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { z } from 'zod';
import { Public } from '@fabflow/auth';
import { LoginRequest, RefreshRequest, TokenResponse } from '@fabflow/contracts';
import { Endpoint } from '@fabflow/platform';
import {
  ANONYMOUS_IP_POLICY,
  LOGIN_ACCOUNT_POLICY,
  RateLimit,
  RateLimitGuard,
} from '@fabflow/rate-limit';
import { StaffAuthService } from './staff-auth.service';

@ApiTags('auth')
@Controller('auth')
@UseGuards(RateLimitGuard)
@RateLimit(ANONYMOUS_IP_POLICY)
export class StaffAuthController {
  constructor(private readonly auth: StaffAuthService) {}

  @Public()
  @Post('login')
  @HttpCode(200)
  @RateLimit(ANONYMOUS_IP_POLICY, LOGIN_ACCOUNT_POLICY)
  @Endpoint({
    summary: 'Staff (manager, operator, admin) log in: a short access token and a refresh token',
    body: LoginRequest,
    responses: { 200: TokenResponse },
    problems: [401, 429],
  })
  login(@Body() body: z.output<typeof LoginRequest>) {
    return this.auth.login(body.email, body.password);
  }

  @Public()
  @Post('refresh')
  @HttpCode(200)
  @Endpoint({
    summary:
      'Exchange a refresh token (once) for a new access and refresh token; a used one ends the session',
    body: RefreshRequest,
    responses: { 200: TokenResponse },
    problems: [401, 429],
  })
  refresh(@Body() body: z.output<typeof RefreshRequest>) {
    return this.auth.refresh(body.refreshToken);
  }

  @Public()
  @Post('logout')
  @HttpCode(204)
  @Endpoint({
    summary: "End the refresh token's session (its access token expires on its own)",
    body: RefreshRequest,
    responses: { 204: null },
    problems: [429],
  })
  async logout(@Body() body: z.output<typeof RefreshRequest>): Promise<void> {
    await this.auth.logout(body.refreshToken);
  }
}
