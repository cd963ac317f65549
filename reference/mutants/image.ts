import type { Mutant } from './types.ts';

/** Mutants of the image-metadata proxy. */
export const imageMutants: Readonly<Record<string, Mutant>> = {};
