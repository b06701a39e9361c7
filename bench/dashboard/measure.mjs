// Each view: through the API as cache hits and as cache misses, our statement alone, and the
// naive baseline (OFFSET + one detail query per row, no supporting index), in the same run.
import { opts } from './cli-args.mjs';
import { client } from './http.mjs';
import { WorkQueueKeys, WorkQueueRepository } from './libs.mjs';
import { percentiles, timed } from './stats.mjs';

export async function measureViews(env, views) {
  const api = client(env.b.url, env.token);
  const { Redis } = await import('ioredis');
  const redis = new Redis(env.env.REDIS_URL);
  const generation = new WorkQueueKeys({ DATABASE_URL: env.database.url }).generation;
  const { createDatabase } = await import('./libs.mjs');
  const db = createDatabase(env.database.url, { max: 2 });
  const repo = new WorkQueueRepository();
  const results = {};
  try {
    // Warm the servers first on every view (V8 optimises the request path over the first few
    // hundred requests), so the first view measured is not also the one that pays for that.
    for (let i = 0; i < 100; i++) for (const v of views) await api.get(v.path);
    for (const v of views) {
      console.error(`measuring ${v.name}…`);
      // Warm: the page cache of Postgres and the entry in Redis.
      for (let i = 0; i < 20; i++) await api.get(v.path);
      const sample = await api.get(v.path);
      const hit = await timed(opts.iterations, () => api.get(v.path));
      // A miss is what follows any work-order change: the generation moves on.
      const miss = [];
      for (let i = 0; i < opts.missIterations; i++) {
        await redis.incr(generation);
        miss.push(...(await timed(1, () => api.get(v.path))));
      }
      let sql = null;
      if (!v.counts) {
        const q = repo
          .pageQuery({ statuses: v.ours.statuses, ...v.ours.filter }, v.ours.after, opts.limit + 1)
          .compile(db.db);
        sql = await timed(opts.iterations, () => db.pool.query(q.sql, [...q.parameters]));
      } else {
        const q = repo.countsQuery({}).compile(db.db);
        sql = await timed(opts.iterations, () => db.pool.query(q.sql, [...q.parameters]));
      }
      const naive = await timed(opts.baselineIterations, async () => {
        const { rows } = await db.pool.query(v.naive);
        if (v.counts) return;
        // N+1: the detail of every row, one query each.
        for (const r of rows)
          await db.pool.query('SELECT * FROM naive_work_orders WHERE id = $1', [r.id]);
      });
      results[v.name] = {
        what: v.what,
        path: v.path.length > 90 ? `${v.path.slice(0, 90)}…` : v.path,
        rows: v.counts ? Object.keys(sample.counts).length : sample.items.length,
        hitMs: percentiles(hit),
        missMs: percentiles(miss),
        sqlMs: percentiles(sql),
        baselineMs: percentiles(naive),
      };
    }
  } finally {
    redis.disconnect();
    await db.close();
  }
  return results;
}
