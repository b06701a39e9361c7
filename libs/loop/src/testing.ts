import type { LoopTimers } from './wakeable-loop';

/** Lets every pending promise callback and immediate run (a few rounds, for async chains). */
export async function settle(rounds = 20): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

/**
 * A fake clock for loop tests: timers fire only when the test moves time forward, in order of
 * their due time, with promise callbacks settled between them.
 */
export class FakeTimers implements LoopTimers {
  /** Fake milliseconds since the test began. */
  now = 0;
  private seq = 0;
  private readonly timers = new Map<number, { at: number; callback: () => void }>();

  setTimeout = (callback: () => void, ms: number): number => {
    this.seq += 1;
    this.timers.set(this.seq, { at: this.now + ms, callback });
    return this.seq;
  };

  clearTimeout = (handle: unknown): void => {
    this.timers.delete(handle as number);
  };

  /** How far in the future each pending timer is due, soonest first. */
  get pending(): number[] {
    return [...this.timers.values()].map((t) => t.at - this.now).sort((a, b) => a - b);
  }

  /** Moves the clock `ms` forward, firing the timers that fall due on the way. */
  async advance(ms: number): Promise<void> {
    const until = this.now + ms;
    for (;;) {
      await settle();
      let next: [number, { at: number; callback: () => void }] | undefined;
      for (const entry of this.timers)
        if (entry[1].at <= until && (!next || entry[1].at < next[1].at)) next = entry;
      if (!next) break;
      this.timers.delete(next[0]);
      this.now = next[1].at;
      next[1].callback();
    }
    this.now = until;
    await settle();
  }
}
