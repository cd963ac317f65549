import type { Behaviour } from './types.ts';

/** Behaviours of authentication, policy, quota, lock and server state (SM-AUTH-*, SM-QUOTA-*, SM-STATE-*, SM-LIST-004, SM-DEL-004, SM-REPLACE-004, SM-SET-005). */
export const access: readonly Behaviour[] = [];
