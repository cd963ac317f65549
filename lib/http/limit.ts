/** What became of a request, as the limiter adapts to it. */
export type Outcome = 'answered' | 'reset' | 'throttled' | 'timed out';

/** A request that takes this many times the recent median (and at least STALL_FLOOR_MS) stalled. */
const STALL_FACTOR = 8;
const STALL_FLOOR_MS = 2_000;
const RECENT = 50;

/**
 * Bounds how many requests are in flight at once, and adapts the bound to the target (additive increase,
 * multiplicative decrease): it starts low, grows by one after a full window of healthy answers, halves on a
 * reset connection or a 429/503, and on a stall (a request far slower than the recent median, as when a front
 * end serves fewer connections at once than are open) it drops and never grows past the level that stalled
 * again; a request that timed out while others were answered stalled too. `max` (METACONFORM_CONCURRENCY) is
 * the ceiling; a fixed limiter (`adaptive: false`) keeps it.
 */
export class Limiter {
  private active = 0;
  /** Requests that have ended, answered or not (a timed-out request compares it with its start). */
  ended = 0;
  private readonly waiting: (() => void)[] = [];
  private current: number;
  private ceiling: number;
  private healthy = 0;
  private readonly recent: number[] = [];
  /** Each change of the bound, for the run's report: [requests ended, new bound, why]. */
  readonly changes: [number, number, string][] = [];

  constructor(
    readonly max: number,
    private readonly adaptive = false,
  ) {
    this.current = adaptive ? Math.min(max, 2) : max;
    this.ceiling = max;
  }

  /** The bound now. */
  get limit(): number {
    return this.current;
  }

  async run<T>(fn: () => Promise<T>): Promise<T> {
    while (this.active >= this.current) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.active++;
    try {
      return await fn();
    } finally {
      this.ended++;
      this.active--;
      this.wake();
    }
  }

  /** Lets waiting requests go while the bound allows (a woken one checks again, so waking too many is harmless). */
  private wake(): void {
    for (let free = this.current - this.active; free > 0 && this.waiting.length; free--) this.waiting.shift()!();
  }

  private set(value: number, why: string): void {
    const next = Math.max(1, Math.min(this.ceiling, value));
    if (next === this.current) return;
    this.current = next;
    this.healthy = 0;
    this.changes.push([this.ended, next, why]);
    this.wake();
  }

  /** Tells the limiter how a request went (its duration, ms, when answered). */
  observe(outcome: Outcome, durationMs = 0): void {
    if (!this.adaptive) return;
    if (outcome === 'reset') return this.set(Math.floor(this.current / 2), 'a connection was reset');
    if (outcome === 'throttled') return this.set(Math.floor(this.current / 2), 'the target asked to slow down (429/503)');
    if (outcome === 'timed out') {
      this.ceiling = Math.max(1, this.current - 1);
      return this.set(this.ceiling, 'a request timed out while others were answered');
    }
    const sorted = [...this.recent].sort((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)];
    this.recent.push(durationMs);
    if (this.recent.length > RECENT) this.recent.shift();
    if (median !== undefined && this.recent.length >= 10 && durationMs > Math.max(STALL_FLOOR_MS, STALL_FACTOR * median) && this.current > 1) {
      this.ceiling = Math.max(1, this.current - 1);
      return this.set(this.ceiling, `a request stalled (${Math.round(durationMs)} ms, median ${Math.round(median)} ms)`);
    }
    if (++this.healthy >= this.current * 4 && this.current < this.ceiling) this.set(this.current + 1, 'healthy answers');
  }
}

/** Seconds to wait from a Retry-After header (delta-seconds or an HTTP date); undefined when absent or invalid. */
export function retryAfterSeconds(value: string | undefined, now = Date.now()): number | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - now) / 1000));
}
