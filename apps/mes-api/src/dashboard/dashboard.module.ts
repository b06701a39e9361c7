import { Module } from '@nestjs/common';
import { DashboardController } from './dashboard.controller';
import { DashboardStatic } from './dashboard.static';

/** The operator dashboard: its built files at /dashboard/ and the settings the page needs. */
@Module({ controllers: [DashboardController], providers: [DashboardStatic] })
export class DashboardModule {}
