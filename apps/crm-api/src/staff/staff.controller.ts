import { Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { z } from 'zod';
import { CurrentUser, Roles, type Principal } from '@fabflow/auth';
import { IdParam, StaffDeactivation } from '@fabflow/contracts';
import { Endpoint } from '@fabflow/platform';
import { StaffService } from './staff.service';

@ApiTags('staff')
@Controller('staff')
@Roles('admin')
export class StaffController {
  constructor(private readonly staff: StaffService) {}

  @Post(':id/deactivate')
  @HttpCode(200)
  @Endpoint({
    summary:
      'Deactivate a staff member: no login or refresh, sessions revoked, access tokens refused by every service',
    params: IdParam,
    responses: { 200: StaffDeactivation },
    problems: [404, 409],
  })
  deactivate(
    @Param() params: z.output<typeof IdParam>,
    @CurrentUser() caller: Principal,
  ): Promise<z.infer<typeof StaffDeactivation>> {
    return this.staff.deactivate(params.id, caller.userId);
  }
}
