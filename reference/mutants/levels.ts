import type { Mutant } from './types.ts';

/**
 * A mutant that fails behaviours of every level at once, for the test that every output (summary, JUnit,
 * Allure, certification, console) reports levels alike: a required failure, a required behaviour without a
 * verdict (a crash answering 500), an advisory failure, and an informational behaviour answered otherwise.
 */
export const levelsMutants: Readonly<Record<string, Mutant>> = {
  'levels-mixed': {
    description: 'POST answers only the request keys (required), GET with a query string crashes with 500 (no verdict), a policy denial is not named forbidden (advisory), an unexpected error is not a computeFault and a key with a trailing newline crashes with 500 (informational)',
    violates: ['SM-MERGE-002', 'SM-MERGE-004'],
    patch: (c) => ({
      mergeBody: (requested) => ({ metadata: requested }),
      listView: (map, query) => {
        if ([...query.keys()].length) throw new Error('the list view cannot handle a query string');
        return c.listView(map, query);
      },
      keyValid: (key) => {
        if (key === 'a\n') throw new Error('the key validator crashes on a trailing newline');
        return c.keyValid(key);
      },
      faultBody: (status, message) => {
        if (status === 403 && message.startsWith('Policy')) return { policyDenied: { code: 403, message } };
        if (status === 500) return { error: { code: 500, message } };
        return c.faultBody(status, message);
      },
    }),
  },
};
