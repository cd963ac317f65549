import type { Mutant } from './types.ts';

/** Mutants of headers, microversions, methods and routing. */
export const protocolMutants: Readonly<Record<string, Mutant>> = {};
