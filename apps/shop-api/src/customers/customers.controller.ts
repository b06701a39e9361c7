import { Body, Controller, HttpCode, Post, UseGuards } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { z } from 'zod';
import { Public } from '@fabflow/auth';
import {
  CustomerView,
  LoginRequest,
  RefreshRequest,
  RegisterRequest,
  TokenResponse,
} from '@fabflow/contracts';
import { Endpoint } from '@fabflow/platform';
import {
  ANONYMOUS_IP_POLICY,
  LOGIN_ACCOUNT_POLICY,
  RateLimit,
  RateLimitGuard,
} from '@fabflow/rate-limit';
import { CustomersService } from './customers.service';

@ApiTags('auth')
@Controller('auth')
@UseGuards(RateLimitGuard)
@RateLimit(ANONYMOUS_IP_POLICY)
export class CustomersController {
  constructor(private readonly customers: CustomersService) {}

  @Public()
  @Post('register')
  @Endpoint({
    summary: 'Create a customer account',
    body: RegisterRequest,
    responses: { 201: CustomerView },
    problems: [409, 429],
  })
  register(@Body() body: z.output<typeof RegisterRequest>) {
    return this.customers.register(body);
  }

  @Public()
  @Post('login')
  @HttpCode(200)
  @RateLimit(ANONYMOUS_IP_POLICY, LOGIN_ACCOUNT_POLICY)
  @Endpoint({
    summary: 'Log in: a short access token and a refresh token',
    body: LoginRequest,
    responses: { 200: TokenResponse },
    problems: [401, 429],
  })
  login(@Body() body: z.output<typeof LoginRequest>) {
    return this.customers.login(body.email, body.password);
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
    return this.customers.refresh(body.refreshToken);
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
    await this.customers.logout(body.refreshToken);
  }
}
