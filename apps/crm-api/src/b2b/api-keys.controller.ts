import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { z } from 'zod';
import { CurrentUser, Roles, type Principal } from '@fabflow/auth';
import {
  ApiKeyList,
  ApiKeyView,
  IdParam,
  IssuedApiKey,
  IssueApiKeyRequest,
  OrgKeyParams,
  RotateApiKeyRequest,
} from '@fabflow/contracts';
import { Endpoint } from '@fabflow/platform';
import { toApiKeyView } from './b2b.mapper';
import { B2bRepository } from './b2b.repository';
import { ApiKeysService } from './api-keys.service';
import { OrganisationsService } from './organisations.service';

@ApiTags('b2b')
@Controller('organisations/:id/api-keys')
@Roles('manager')
export class ApiKeysController {
  constructor(
    private readonly keys: ApiKeysService,
    private readonly organisations: OrganisationsService,
    private readonly repo: B2bRepository,
  ) {}

  @Get()
  @Endpoint({
    summary:
      "The organisation's API keys (prefix, scopes, status, expiry; never the secret). Last use is in the shop (GET /b2b/v1/me).",
    params: IdParam,
    responses: { 200: ApiKeyList },
    problems: [404],
  })
  async list(@Param() p: z.output<typeof IdParam>) {
    await this.organisations.getOrganisation(p.id);
    return { items: (await this.repo.listKeys(p.id)).map(toApiKeyView) };
  }

  @Post()
  @Endpoint({
    summary: 'Issue an API key: `key` (ff_live_<prefix>_<secret>) is in this response only',
    params: IdParam,
    body: IssueApiKeyRequest,
    responses: { 201: IssuedApiKey },
    problems: [404, 409],
  })
  async issue(
    @CurrentUser() user: Principal,
    @Param() p: z.output<typeof IdParam>,
    @Body() body: z.output<typeof IssueApiKeyRequest>,
  ) {
    const row = await this.keys.issue(p.id, user.userId, body);
    return { ...toApiKeyView(row), key: row.key };
  }

  @Post(':keyId/rotate')
  @Endpoint({
    summary:
      'Rotate: a new key with the same scopes (shown once); the old one keeps working for the grace period',
    params: OrgKeyParams,
    body: RotateApiKeyRequest,
    responses: { 201: IssuedApiKey },
    problems: [404, 409],
  })
  async rotate(
    @CurrentUser() user: Principal,
    @Param() p: z.output<typeof OrgKeyParams>,
    @Body() body: z.output<typeof RotateApiKeyRequest>,
  ) {
    const { fresh } = await this.keys.rotate(p.id, p.keyId, user.userId, body.graceSeconds);
    return { ...toApiKeyView(fresh), key: fresh.key };
  }

  @Post(':keyId/revoke')
  @HttpCode(200)
  @Endpoint({
    summary: 'Revoke a key now; every shop instance refuses it within seconds',
    params: OrgKeyParams,
    responses: { 200: ApiKeyView },
    problems: [404, 409],
  })
  async revoke(@CurrentUser() user: Principal, @Param() p: z.output<typeof OrgKeyParams>) {
    return toApiKeyView(await this.keys.revoke(p.id, p.keyId, user.userId));
  }
}
