import { Injectable, UnauthorizedException } from '@nestjs/common';
import { verifyLogin } from '@fabflow/auth';
import { RefreshSessions, type SessionTokens } from '@fabflow/platform';
import { StaffRepository } from './staff.repository';

/** Staff sessions: login at the CRM, refresh with the current role, logout. */
@Injectable()
export class StaffAuthService {
  constructor(
    private readonly staff: StaffRepository,
    private readonly sessions: RefreshSessions,
  ) {}

  /**
   * One path for every email: an unknown one, a wrong password and a deactivated account all
   * cost one scrypt and get the same 401.
   */
  async login(email: string, password: string): Promise<SessionTokens> {
    const user = await this.staff.findByEmail(email);
    const ok = await verifyLogin(password, user?.password_hash);
    if (!user || !ok || user.deactivated_at !== null)
      throw new UnauthorizedException('wrong email or password');
    return this.sessions.start(user.id, user.role);
  }

  refresh(refreshToken: string): Promise<SessionTokens> {
    return this.sessions.refresh(refreshToken, (id) => this.staff.activeRole(id));
  }

  logout(refreshToken: string): Promise<void> {
    return this.sessions.logout(refreshToken);
  }
}
