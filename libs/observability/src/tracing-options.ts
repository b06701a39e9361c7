/** How a process traces (see startTracing); the SDK module reads it too, so it lives apart. */
export interface TracingOptions {
  /** `service.name` of every span (`shop-api`). */
  serviceName: string;
  /** Off: no SDK at all; trace context still passes through outbox rows and messages untouched. */
  enabled: boolean;
  /** Base URL of an OTLP/HTTP receiver; spans go to `<url>/v1/traces` as JSON. None: not exported. */
  otlpEndpoint?: string;
  /** Share of new traces sampled; a span with a parent follows the parent's decision. */
  samplerRatio: number;
  /** How long finished spans are batched before an export. */
  scheduleDelayMs: number;
}
