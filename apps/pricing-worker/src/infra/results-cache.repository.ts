import { createHash } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { PricedModel, PricingMode } from '@fabflow/contracts';
import { ENGINE_VERSION, type Machine } from '@fabflow/pricing-engine';
import type { WorkerDatabase } from '../worker.database';

/** Everything an engine result depends on. */
export interface CacheKeyParts {
  sha256: string;
  unit: string;
  materialId: string;
  quantity: number;
  leadTime: string;
  mode: PricingMode;
  priceListVersion: string;
  machines: readonly Machine[];
}

/**
 * The cache key: sha256 over the file's sha256, its unit, the material, quantity, lead time and
 * mode, the price-list version, the machines (their ids and build volumes) and ENGINE_VERSION.
 */
export function cacheKey(p: CacheKeyParts): { key: string; params: Record<string, unknown> } {
  const machines = createHash('sha256')
    .update(
      JSON.stringify(
        [...p.machines]
          .sort((a, b) => a.id.localeCompare(b.id))
          .map((m) => [
            m.id,
            m.technology,
            m.buildVolumeMm.x,
            m.buildVolumeMm.y,
            m.buildVolumeMm.z,
          ]),
      ),
    )
    .digest('hex')
    .slice(0, 16);
  const params = {
    sha256: p.sha256,
    unit: p.unit,
    materialId: p.materialId,
    quantity: p.quantity,
    leadTime: p.leadTime,
    mode: p.mode,
    priceListVersion: p.priceListVersion,
    machines,
    engineVersion: ENGINE_VERSION,
  };
  return { key: createHash('sha256').update(JSON.stringify(params)).digest('hex'), params };
}

/** Engine results in the MES database (`pricing_results_cache`), shared by every worker. */
export class ResultsCacheRepository {
  constructor(private readonly db: Kysely<WorkerDatabase>) {}

  async get(key: string): Promise<PricedModel | undefined> {
    const row = await this.db
      .updateTable('pricing_results_cache')
      .set({ hits: sql`hits + 1`, last_used_at: sql`clock_timestamp()` })
      .where('cache_key', '=', key)
      .returning('result')
      .executeTakeFirst();
    return row?.result;
  }

  async put(key: string, params: Record<string, unknown>, result: PricedModel): Promise<void> {
    await this.db
      .insertInto('pricing_results_cache')
      .values({
        cache_key: key,
        file_sha256: String(params.sha256),
        mode: result.mode,
        price_list_version: result.priceListVersion,
        engine_version: result.engineVersion,
        params: JSON.stringify(params),
        result: JSON.stringify(result),
      })
      .onConflict((oc) => oc.column('cache_key').doNothing())
      .execute();
  }

  /** Removes results unused for `days`, a bounded batch at a time; how many went. */
  async expire(days: number): Promise<number> {
    const r = await sql`DELETE FROM pricing_results_cache WHERE cache_key IN (
      SELECT cache_key FROM pricing_results_cache
      WHERE last_used_at < clock_timestamp() - ${days} * interval '1 day' LIMIT 5000)`.execute(
      this.db,
    );
    return Number(r.numAffectedRows ?? 0);
  }
}
