import type {
  EngineErrorInfo,
  EstimateMode,
  LeadTime,
  Machine,
  PriceList,
  PriceResult,
  StlUnit,
} from '@fabflow/pricing-engine';

/** One calculation, as posted to a worker thread (the file bytes are transferred, not copied). */
export interface EngineTask {
  bytes: ArrayBuffer;
  unit: StlUnit;
  materialId: string;
  quantity: number;
  leadTime: LeadTime;
  /** INDICATIVE: heuristic print time (seconds); FIRM: slicing (minutes on big meshes). */
  mode: EstimateMode;
  /** With mode INDICATIVE: price FIRM as well when the indicative total is above this. */
  firmAboveCents?: number;
  machines: Machine[];
  priceList: PriceList;
}

/** What a calculation produced: the indicative price, the firm one, or both (an upgrade). */
export interface EngineOutcome {
  indicative?: PriceResult;
  firm?: PriceResult;
}

/** Messages from a calculation thread to the coordinating (main) thread. */
export type ThreadMessage =
  | { type: 'progress'; stage: string; fraction: number }
  /** A stage ended; epoch milliseconds, so the main thread can make a span and a histogram of it. */
  | { type: 'stage'; stage: string; mode: EstimateMode; startedAt: number; endedAt: number }
  /** The indicative total was above the firm threshold: a FIRM pass follows. */
  | { type: 'upgrade' }
  | { type: 'result'; outcome: EngineOutcome }
  | { type: 'failed'; error: EngineErrorInfo | { name: 'Error'; message: string } };
