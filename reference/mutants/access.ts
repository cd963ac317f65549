import type { Mutant } from './types.ts';

/** Mutants of authentication, quota, lock and server state. */
export const accessMutants: Readonly<Record<string, Mutant>> = {};
