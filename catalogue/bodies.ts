import type { Behaviour } from './types.ts';

/** Behaviours of request bodies, envelopes and content types (SM-ENV-*, SM-BODY-*, SM-SET-003/004, SM-LIST-003). */
export const bodies: readonly Behaviour[] = [];
