import type { Mutant } from './types.ts';

/** Mutants of request bodies, keys, values, envelopes and content types. */
export const requestsMutants: Readonly<Record<string, Mutant>> = {};
