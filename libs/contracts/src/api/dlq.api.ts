import { z } from 'zod';

/** Admin API of the dead-letter queues (every service, `admin` role only). */

const QueueName = z
  .string()
  .regex(/^[A-Za-z0-9._-]{1,200}$/, { message: 'must be a queue name like crm.orders' });
const MessageId = z.string().min(1).max(200);
const Timestamp = z.string().nullable();

export const DlqQueueParam = z.strictObject({ queue: QueueName });
export const DlqMessageParams = z.strictObject({ queue: QueueName, id: MessageId });

export const DlqMessagesQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  type: z.string().min(1).max(200).optional(),
});

/** Dead-lettered messages that share a reason and an error. */
export const DlqGroup = z.object({
  reason: z.string(),
  error: z.string(),
  count: z.number().int(),
  types: z.array(z.string()),
  firstDeadLetteredAt: Timestamp,
  lastDeadLetteredAt: Timestamp,
});

export const DlqQueueSummary = z.object({
  queue: z.string(),
  dlq: z.string(),
  /** False when the service has not declared its queues on this broker yet. */
  exists: z.boolean(),
  depth: z.number().int(),
  /** Messages looked at for the groups; fewer than `depth` when `truncated`. */
  scanned: z.number().int(),
  truncated: z.boolean(),
  groups: z.array(DlqGroup),
});

export const DlqSummary = z.object({ queues: z.array(DlqQueueSummary) });

export const DlqMessage = z.object({
  /** AMQP messageId = CloudEvents id; a replay keeps it, so the inbox deduplicates. */
  id: z.string().nullable(),
  type: z.string().nullable(),
  subject: z.string().nullable(),
  reason: z.string(),
  error: z.string().nullable(),
  attempts: z.number().int().nullable(),
  deadLetteredAt: Timestamp,
  originalExchange: z.string().nullable(),
  originalRoutingKey: z.string().nullable(),
  /** How many times this message was replayed from the DLQ before. */
  replayCount: z.number().int(),
});

export const DlqMessageList = z.object({
  queue: z.string(),
  dlq: z.string(),
  depth: z.number().int(),
  scanned: z.number().int(),
  /** More matching messages remain than were returned (or the scan bound was reached). */
  more: z.boolean(),
  messages: z.array(DlqMessage),
});

export const DlqMessageBody = z.object({
  encoding: z.enum(['json', 'text', 'base64']),
  value: z.unknown(),
});

export const DlqMessageDetail = DlqMessage.extend({
  properties: z.record(z.string(), z.unknown()),
  headers: z.record(z.string(), z.unknown()),
  sizeBytes: z.number().int(),
  body: DlqMessageBody,
});

/** Exactly one of `ids`, `type` or `all: true` selects what to replay. */
export const DlqReplayRequest = z.strictObject({
  ids: z.array(MessageId).min(1).max(1000).optional(),
  type: z.string().min(1).max(200).optional(),
  all: z.boolean().optional(),
  ratePerSecond: z.number().int().min(1).max(500).default(50),
  /** At most this many messages are replayed by one call; `remaining` says what is left. */
  limit: z.number().int().min(1).max(10_000).default(1000),
});

export const DlqReplayResult = z.object({
  queue: z.string(),
  dlq: z.string(),
  replayed: z.number().int(),
  replayedIds: z.array(z.string()),
  /** Requested ids not found in the DLQ (within the scan bound). */
  notFound: z.array(z.string()),
  /** Messages looked at but not selected; they stay in the DLQ. */
  skipped: z.number().int(),
  /** DLQ depth after the replay. */
  remaining: z.number().int(),
  /** The call stopped at its limit or scan bound with more to look at. */
  truncated: z.boolean(),
  durationMs: z.number().int(),
});

export const DlqPurgeRequest = z.strictObject({ confirm: z.string().max(200) });

export const DlqPurgeResult = z.object({
  queue: z.string(),
  dlq: z.string(),
  purged: z.number().int(),
});

export type DlqQueueSummary = z.infer<typeof DlqQueueSummary>;
export type DlqGroup = z.infer<typeof DlqGroup>;
export type DlqMessage = z.infer<typeof DlqMessage>;
export type DlqMessageList = z.infer<typeof DlqMessageList>;
export type DlqMessageDetail = z.infer<typeof DlqMessageDetail>;
export type DlqReplayResult = z.infer<typeof DlqReplayResult>;
export type DlqPurgeResult = z.infer<typeof DlqPurgeResult>;
