import type { PricingMode } from '@fabflow/contracts';

/** The engine's stages in order, and their share of a calculation's time per mode. */
const WEIGHTS: Record<PricingMode, Array<[string, number]>> = {
  // Parsing and welding dominate an indicative price.
  INDICATIVE: [
    ['parse', 0.3],
    ['weld', 0.25],
    ['measure', 0.05],
    ['topology', 0.1],
    ['orientation', 0.25],
    ['print-time', 0.02],
    ['pack', 0.01],
    ['cost', 0.02],
  ],
  // Slicing dominates a firm one.
  FIRM: [
    ['parse', 0.12],
    ['weld', 0.1],
    ['measure', 0.03],
    ['topology', 0.05],
    ['orientation', 0.1],
    ['print-time', 0.58],
    ['pack', 0.01],
    ['cost', 0.01],
  ],
};
/** The stages a FIRM pass after an indicative one repeats (the analysis is reused). */
const UPGRADE_STAGES = new Set(['orientation', 'print-time', 'pack', 'cost']);

/** The final event says "done"; progress stops just short of it. */
const MAX_OVERALL = 0.99;
/** With a possible FIRM upgrade, the indicative pass fills only this much. */
const UPGRADABLE_INDICATIVE_SHARE = 0.6;

export interface ProgressState {
  stage: string;
  /** The stage's own completion, 0..1. */
  fraction: number;
  /** The job's completion, 0..1; never goes down. */
  overall: number;
  mode: PricingMode;
}

/**
 * Maps the engine's per-stage fractions onto one overall figure for the job, weighted by how
 * long each stage takes in the mode being computed. Overall never goes down, including across a
 * FIRM pass that follows an indicative one (which gets the rest of the bar).
 */
export class ProgressTracker {
  private stages: Array<[string, number]>;
  private base = 0;
  private span: number;
  private overall = 0;
  private mode: PricingMode;

  constructor(mode: PricingMode, upgradable: boolean) {
    this.mode = mode;
    this.stages = WEIGHTS[mode];
    this.span = mode === 'INDICATIVE' && upgradable ? UPGRADABLE_INDICATIVE_SHARE : MAX_OVERALL;
  }

  /** The indicative total was high: a FIRM pass over the remaining stages follows. */
  upgrade(): void {
    this.mode = 'FIRM';
    this.stages = WEIGHTS.FIRM.filter(([s]) => UPGRADE_STAGES.has(s));
    this.base = this.overall;
    this.span = MAX_OVERALL - this.base;
  }

  update(stage: string, fraction: number): ProgressState {
    const f = Math.min(1, Math.max(0, Number.isFinite(fraction) ? fraction : 0));
    const total = this.stages.reduce((sum, [, w]) => sum + w, 0);
    let done = 0;
    let found = false;
    for (const [name, weight] of this.stages) {
      if (name === stage) {
        done += weight * f;
        found = true;
        break;
      }
      done += weight;
    }
    if (found) this.overall = Math.max(this.overall, this.base + (this.span * done) / total);
    return { stage, fraction: f, overall: round(this.overall), mode: this.mode };
  }
}

const round = (x: number) => Math.round(x * 1000) / 1000;

/**
 * At most one progress report per interval: the first goes out at once, later ones when the
 * interval since the last has passed; a report held back is sent when its time comes (`due`),
 * so the newest state always gets out, just later.
 */
export class ProgressThrottle {
  private lastSent = Number.NEGATIVE_INFINITY;
  private lastState: ProgressState | undefined;
  private held: ProgressState | undefined;

  constructor(private readonly intervalMs: number) {}

  /** The state to send now, or undefined (then `dueAt` says when to ask `due`). */
  offer(state: ProgressState, now: number): ProgressState | undefined {
    if (!this.changed(state)) return undefined;
    if (now - this.lastSent >= this.intervalMs) return this.sent(state, now);
    this.held = state;
    return undefined;
  }

  /** When the held state may go, or undefined when nothing is held. */
  get dueAt(): number | undefined {
    return this.held ? this.lastSent + this.intervalMs : undefined;
  }

  /** The held state if its time has come. */
  due(now: number): ProgressState | undefined {
    if (!this.held || now - this.lastSent < this.intervalMs) return undefined;
    return this.sent(this.held, now);
  }

  private changed(s: ProgressState): boolean {
    const last = this.held ?? this.lastState;
    return (
      !last || last.stage !== s.stage || last.mode !== s.mode || s.overall - last.overall >= 0.005
    );
  }

  private sent(state: ProgressState, now: number): ProgressState {
    this.lastSent = now;
    this.lastState = state;
    this.held = undefined;
    return state;
  }
}
