import { Body, Controller, HttpCode, Post, UseGuards } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { z } from 'zod';
import { Public } from '@fabflow/auth';
import { CustomerView, LoginRequest, RegisterRequest, TokenResponse } from '@fabflow/contracts';
import { Endpoint } from '@fabflow/platform';
import { ANONYMOUS_IP_POLICY, RateLimit, RateLimitGuard } from '@fabflow/rate-limit';
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
  @Endpoint({
    summary: 'Log in and get an access token',
    body: LoginRequest,
    responses: { 200: TokenResponse },
    problems: [401, 429],
  })
  login(@Body() body: z.output<typeof LoginRequest>) {
    return this.customers.login(body.email, body.password);
  }
}
