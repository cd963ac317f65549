/** Bounds how many requests are in flight at once. */
export class Limiter {
  private active = 0;
  /** Requests that have ended, answered or not (a timed-out request compares it with its start). */
  ended = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(readonly max: number) {}

  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.active >= this.max) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.active++;
    try {
      return await fn();
    } finally {
      this.ended++;
      this.active--;
      this.waiting.shift()?.();
    }
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
