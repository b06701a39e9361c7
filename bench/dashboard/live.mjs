// A change through instance A, until it is in instance B's list: the SSE event on B, then B's
// list (what a dashboard on B reloads when the event arrives) showing it.
import { opts } from './cli-args.mjs';
import { client } from './http.mjs';
import { SseRecorder } from './libs.mjs';
import { now, percentiles } from './stats.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function until(what, probe, timeoutMs = 5000) {
  const deadline = now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(1);
  }
}

export async function measureLive(env) {
  if (opts.liveRounds === 0) return null;
  console.error('measuring live updates…');
  const viaA = client(env.a.url, env.token);
  const onB = client(env.b.url, env.token);
  const stream = await SseRecorder.open(`${env.b.url}/work-orders/stream`, {
    authorization: `Bearer ${env.token}`,
  });
  const { rows } = await env.pool.query(
    `SELECT id FROM work_orders WHERE status = 'QUEUED' AND assignee_id IS NULL ORDER BY due_at LIMIT $1`,
    [opts.liveRounds],
  );
  const event = [];
  const visible = [];
  const change = async (id, act, kind, inList) => {
    const seenBefore = stream.events.length;
    const t0 = now();
    await act();
    await until(`the ${kind} event of ${id}`, () =>
      stream.events
        .slice(seenBefore)
        .some(
          (e) =>
            e.event === 'work-order' &&
            JSON.parse(e.data).id === id &&
            JSON.parse(e.data).kind === kind,
        ),
    );
    event.push(now() - t0);
    await until(`${id} in B's list`, async () =>
      inList(await onB.get(`/work-orders?assignee=me&limit=200`)),
    );
    visible.push(now() - t0);
  };
  try {
    await until('the stream', () => stream.events.some((e) => e.event === 'ready'));
    for (const { id } of rows) {
      await change(
        id,
        () => viaA.post(`/work-orders/${id}/claim`),
        'assignee',
        (p) => p.items.some((w) => w.id === id),
      );
      await change(
        id,
        () => viaA.post(`/work-orders/${id}/transitions`, { to: 'IN_PRODUCTION' }),
        'status',
        (p) => p.items.some((w) => w.id === id && w.status === 'IN_PRODUCTION'),
      );
    }
  } finally {
    stream.close();
  }
  return { changes: event.length, eventMs: percentiles(event), visibleMs: percentiles(visible) };
}
