import type {
  DlqMessageDetail,
  DlqMessageList,
  DlqPurgeResult,
  DlqQueueSummary,
  DlqReplayResult,
} from '@fabflow/contracts';

const cut = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/** Left-aligned columns, two spaces apart. */
export function table(header: string[], rows: string[][], indent = ''): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    indent +
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

export function formatSummary(queues: DlqQueueSummary[]): string {
  const overview = table(
    ['QUEUE', 'DLQ', 'DEPTH'],
    queues.map((q) => [q.queue, q.dlq, q.exists ? String(q.depth) : '- (not declared yet)']),
  );
  const details = queues
    .filter((q) => q.groups.length > 0)
    .map((q) => {
      const note = q.truncated ? ` (grouped the first ${q.scanned} of ${q.depth})` : '';
      const groups = table(
        ['COUNT', 'REASON', 'TYPES', 'LAST DEAD-LETTERED', 'ERROR'],
        q.groups.map((g) => [
          String(g.count),
          g.reason,
          g.types.join(', ') || '-',
          g.lastDeadLetteredAt ?? '-',
          cut(g.error.replace(/\s+/g, ' '), 100) || '-',
        ]),
        '  ',
      );
      return `\n${q.dlq}${note}\n${groups}`;
    });
  return [overview, ...details].join('\n');
}

export function formatMessages(list: DlqMessageList): string {
  if (list.messages.length === 0) return `${list.dlq}: no messages`;
  const rows = table(
    ['ID', 'TYPE', 'SUBJECT', 'REASON', 'ATTEMPTS', 'DEAD-LETTERED', 'ERROR'],
    list.messages.map((m) => [
      m.id ?? '-',
      m.type ?? '-',
      m.subject ?? '-',
      m.reason,
      m.attempts === null ? '-' : String(m.attempts),
      m.deadLetteredAt ?? '-',
      cut((m.error ?? '-').replace(/\s+/g, ' '), 80),
    ]),
  );
  const more = list.more ? '\n(more messages remain: raise --limit or filter with --type)' : '';
  return `${list.dlq}: ${list.depth} message(s)\n${rows}${more}`;
}

export function formatDetail(m: DlqMessageDetail): string {
  const fields: Array<[string, string | number | null]> = [
    ['id', m.id],
    ['type', m.type],
    ['subject', m.subject],
    ['reason', m.reason],
    ['error', m.error],
    ['attempts', m.attempts],
    ['dead-lettered at', m.deadLetteredAt],
    ['original exchange', m.originalExchange],
    ['original routing key', m.originalRoutingKey],
    ['replayed before', m.replayCount],
    ['size', `${m.sizeBytes} bytes`],
  ];
  const body =
    m.body.encoding === 'json' ? JSON.stringify(m.body.value, null, 2) : String(m.body.value);
  return [
    ...fields.map(([k, v]) => `${`${k}:`.padEnd(22)}${v === null ? '-' : String(v)}`),
    '',
    'properties:',
    JSON.stringify(m.properties, null, 2),
    'headers:',
    JSON.stringify(m.headers, null, 2),
    `body (${m.body.encoding}):`,
    body,
  ].join('\n');
}

export function formatReplay(r: DlqReplayResult): string {
  const lines = [
    `replayed ${r.replayed} message(s) to ${r.queue} in ${(r.durationMs / 1000).toFixed(1)} s; ` +
      `${r.remaining} remain in ${r.dlq}`,
  ];
  if (r.notFound.length > 0) lines.push(`not found in ${r.dlq}: ${r.notFound.join(', ')}`);
  if (r.truncated) lines.push('stopped at the limit or scan bound: run it again for the rest');
  return lines.join('\n');
}

export function formatPurge(r: DlqPurgeResult): string {
  return `purged ${r.purged} message(s) from ${r.dlq}`;
}
