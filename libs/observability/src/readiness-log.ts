import type { HealthReport } from './health-checks';
import type { Logger } from './logger';

/**
 * Logs what the public readiness answer leaves out — why a dependency is down — once per
 * change, not once per probe: a check going down after having been up is a warning with the
 * error, one not up yet while the service starts is info, one back up is info.
 */
export class ReadinessLog {
  private readonly last = new Map<string, 'up' | 'down'>();

  constructor(private readonly logger: Logger) {}

  record(report: HealthReport, errors: ReadonlyMap<string, Error>): void {
    for (const [check, { status }] of Object.entries(report.checks)) {
      const before = this.last.get(check);
      this.last.set(check, status);
      if (status === before) continue;
      const err = errors.get(check)?.message;
      if (status === 'up') {
        if (before === 'down') this.logger.info({ check }, 'readiness check up');
      } else if (before === 'up') this.logger.warn({ check, err }, 'readiness check failed');
      else this.logger.info({ check, err }, 'readiness check not up yet');
    }
  }
}
