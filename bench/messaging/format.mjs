// Formatting of figures for the printed table.

export const fmtN = (v, digits = 0) =>
  Number.isFinite(v)
    ? v.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })
    : '—';
export const fmtMs = (v) =>
  Number.isFinite(v) ? (v < 10 ? v.toFixed(2) : v < 100 ? v.toFixed(1) : v.toFixed(0)) : '—';
export const lat = (s) =>
  s ? `${fmtMs(s.p50)} / ${fmtMs(s.p90)} / ${fmtMs(s.p99)} / ${fmtMs(s.max)}` : '—';
export const p99max = (st) => st && `${fmtMs(st.p99)} / ${fmtMs(st.max)}`;
export const p5099 = (st) => st && `${fmtMs(st.p50)} / ${fmtMs(st.p99)}`;

export const fmtCpu = (c) =>
  c
    ? `node ${c.node} pg ${c.postgres} mq ${c.rabbitmq} irq ${c.irq} steal ${c.steal} other ${c.other} idle ${c.idle} (bench event loop ${Math.round(c.nodeEventLoopUtilisation * 100)}% busy)`
    : '—';
export const fmtCpuPerEvent = (c) => {
  if (!c) return '—';
  const m = c.cpuMsPerEvent;
  const f = (v) => v.toFixed(2);
  return `${f(m.total)} (${f(m.node)}/${f(m.postgres)}/${f(m.rabbitmq)}/${f(m.irq)})`;
};
