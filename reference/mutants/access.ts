import type { Mutant } from './types.ts';

/** Mutants of authentication, quota, lock and server state. */
export const accessMutants: Readonly<Record<string, Mutant>> = {
  'auth-not-enforced': {
    description: 'requests are served without checking the token at all',
    violates: ['SM-AUTH-001'],
    patch: () => ({ authenticates: () => true }),
  },
  'any-token-accepted': {
    description: 'any X-Auth-Token is accepted; only a missing token is refused',
    violates: ['SM-AUTH-001'],
    patch: () => ({ authenticates: (token) => token !== undefined }),
  },
  'unauthorized-wrong-code': {
    description: '401 answered in the Nova envelope with code 403',
    violates: ['SM-AUTH-001'],
    patch: () => ({ unauthorizedBody: () => ({ unauthorized: { code: 403, message: 'Authentication required' } }) }),
  },
  'quota-not-enforced': {
    description: 'the metadata item limit is never checked',
    violates: ['SM-QUOTA-001', 'SM-SET-005'],
    patch: () => ({ enforcesQuota: false }),
  },
  'quota-limit-plus-one-allowed': {
    description: 'off by one: limit + 1 items are still accepted (>= instead of >)',
    violates: ['SM-QUOTA-001', 'SM-SET-005'],
    patch: () => ({ quotaOffByOne: 1 }),
  },
  'quota-limit-rejected': {
    description: 'off by one: a write reaching exactly the limit is rejected',
    violates: ['SM-QUOTA-001', 'SM-SET-005'],
    patch: () => ({ quotaOffByOne: -1 }),
  },
  'quota-answers-413': {
    description: 'over-quota writes answer 413 overLimit (pre-Juno Nova, Rackspace docs) instead of the profile\'s 403',
    violates: ['SM-QUOTA-001', 'SM-SET-005'],
    patch: () => ({ quotaStatus: 413 }),
  },
  'quota-rejected-write-stored': {
    description: 'the write is saved before the quota check, so a rejected write sticks',
    violates: ['SM-QUOTA-002'],
    patch: () => ({ storesBeforeQuotaCheck: true }),
  },
  'quota-full-server-refuses-writes': {
    description: 'a server at the limit refuses every write (the quota counts the stored set plus one)',
    violates: ['SM-QUOTA-003', 'SM-REPLACE-004', 'SM-SET-005'],
    patch: () => ({ quotaCount: (_op, current, next) => Math.max(Object.keys(next).length, Object.keys(current).length + 1) }),
  },
  'quota-counts-union-on-replace': {
    description: 'PUT counts the stored keys plus the new ones against the quota',
    violates: ['SM-REPLACE-004'],
    patch: (c) => ({ quotaCount: (op, current, next) => c.quotaCount(op, current, op === 'replaceAll' ? { ...current, ...next } : next) }),
  },
  'lock-not-enforced': {
    description: 'a locked server accepts writes',
    violates: ['SM-STATE-003'],
    patch: () => ({ enforcesLock: false }),
  },
  'lock-checked-on-reads': {
    description: 'reads of a locked server are refused with 409',
    violates: ['SM-LIST-004', 'SM-STATE-004'],
    patch: () => ({ readsCheckLock: true }),
  },
  'state-checked-on-reads': {
    description: 'reads of a server in a vm_state that forbids writes are refused with 409',
    violates: ['SM-STATE-001', 'SM-STATE-004'],
    patch: () => ({ readsCheckVmState: true }),
  },
  'error-state-writable': {
    description: 'the vm_state is not checked: a server in ERROR accepts writes',
    violates: ['SM-STATE-001'],
    patch: () => ({ enforcesVmState: false }),
  },
  'delete-absent-key-locked-409': {
    description: 'DELETE checks the lock before the key, so an absent key on a locked server is 409',
    violates: ['SM-DEL-004'],
    patch: () => ({ lockCheckedBeforeKeyLookup: true }),
  },
  'server-existence-not-checked': {
    description: 'an unknown server is treated as a server without metadata (list 200 {}, show "item not found")',
    violates: ['SM-LIST-005', 'SM-SHOW-003', 'SM-URL-004', 'SM-AUTH-003', 'SM-ORDER-001'],
    patch: () => ({ checksServerExists: false }),
  },
  'other-project-server-visible': {
    description: 'the server lookup is not scoped to the project: another project\'s server is readable and writable',
    violates: ['SM-AUTH-003'],
    patch: () => ({ projectScoped: false }),
  },
  'never-launched-writable': {
    description: 'launched_at is not checked: a server that never launched accepts writes',
    violates: ['SM-STATE-002'],
    patch: () => ({ enforcesLaunched: false }),
  },
};
