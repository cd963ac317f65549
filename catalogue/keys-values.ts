import type { Behaviour } from './types.ts';

/** Behaviours of keys and values (SM-KEY-*, SM-VAL-*, SM-URL-005). */
export const keysValues: readonly Behaviour[] = [];
