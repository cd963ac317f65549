import type { Implementation } from '../implementation.ts';

/** A realistic implementation bug, injected into the reference by overriding one or two of its decisions. */
export interface Mutant {
  description: string;
  /** Behaviour IDs the bug violates; the suite must report every one of them as failed. */
  violates: readonly string[];
  patch(correct: Implementation): Partial<Implementation>;
}
