import { Module } from '@nestjs/common';
import { StaffAuthController } from './staff-auth.controller';
import { StaffAuthService } from './staff-auth.service';
import { StaffController } from './staff.controller';
import { StaffRepository } from './staff.repository';
import { StaffService } from './staff.service';

/** Staff accounts: their sessions (login, refresh, logout) and deactivation. */
@Module({
  controllers: [StaffAuthController, StaffController],
  providers: [StaffRepository, StaffAuthService, StaffService],
})
export class StaffModule {}
