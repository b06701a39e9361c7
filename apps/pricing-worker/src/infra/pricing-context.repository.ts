import type { Kysely } from 'kysely';
import type { Machine } from '@fabflow/pricing-engine';
import type { WorkerDatabase } from '../worker.database';

export interface PricingContext {
  priceListVersion: string;
  /** The stored body; the engine validates it (validatePriceList) on every calculation. */
  priceList: unknown;
  machines: Machine[];
}

/** What every calculation prices against, read from the MES database. */
export class PricingContextRepository {
  constructor(private readonly db: Kysely<WorkerDatabase>) {}

  /** The active price list and the active machines (what every calculation prices against). */
  async load(): Promise<PricingContext | undefined> {
    const list = await this.db
      .selectFrom('price_lists')
      .select(['version', 'body'])
      .where('active', '=', true)
      .executeTakeFirst();
    if (!list) return undefined;
    const machines = await this.db
      .selectFrom('machines')
      .select(['id', 'technology', 'build_x_mm', 'build_y_mm', 'build_z_mm'])
      .where('active', '=', true)
      .orderBy('id')
      .execute();
    return {
      priceListVersion: list.version,
      priceList: list.body,
      machines: machines.map((m) => ({
        id: m.id,
        technology: m.technology,
        buildVolumeMm: {
          x: Number(m.build_x_mm),
          y: Number(m.build_y_mm),
          z: Number(m.build_z_mm),
        },
      })),
    };
  }
}
