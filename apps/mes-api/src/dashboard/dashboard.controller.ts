import { Controller, Get, Inject, Redirect } from '@nestjs/common';
import { ApiExcludeEndpoint, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { Public } from '@fabflow/auth';
import { APP_CONFIG, Endpoint } from '@fabflow/platform';

export const DashboardConfig = z.object({
  /** Where the page posts email and password (the CRM's staff login, another origin). */
  loginUrl: z.url(),
  /** Where it exchanges its refresh token before the access token expires (the login's sibling). */
  refreshUrl: z.url(),
  /** Where it ends the session on "Log out". */
  logoutUrl: z.url(),
});

@ApiTags('dashboard')
@Controller()
export class DashboardController {
  constructor(@Inject(APP_CONFIG) private readonly config: { DASHBOARD_LOGIN_URL: string }) {}

  @Public()
  @Get('dashboard/config.json')
  @Endpoint({
    summary: 'Settings of the operator dashboard page',
    responses: { 200: DashboardConfig },
  })
  dashboardConfig(): z.infer<typeof DashboardConfig> {
    const loginUrl = this.config.DASHBOARD_LOGIN_URL;
    return {
      loginUrl,
      refreshUrl: new URL('refresh', loginUrl).toString(),
      logoutUrl: new URL('logout', loginUrl).toString(),
    };
  }

  @Public()
  @Get(['', 'dashboard'])
  @ApiExcludeEndpoint()
  @Redirect('/dashboard/', 302)
  toDashboard(): void {}
}
