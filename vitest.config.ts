import { defineConfig } from 'vitest/config';

/**
 * Two projects:
 * - `self`: the suite's own tests (npm test).
 * - `conformance`: the conformance suites; run them with `metaconform run`, which resolves the target,
 *   adds the Allure, JUnit and behaviour reporters and writes everything into the results folder.
 * Conformance suites: files run one after another in one worker; the tests of a file run at once as far
 * as the target's lanes allow (lib/harness/leases.ts; the runner sets METACONFORM_TESTS_AT_ONCE).
 */
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'self',
          include: ['test/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 60_000,
          // end-to-end tests start CLI processes; more at once only queues them on 2 cores
          maxConcurrency: 3,
        },
      },
      {
        test: {
          name: 'conformance',
          // transformed suite and lib modules kept between runs (node_modules/.experimental-vitest-cache)
          experimental: { fsModuleCache: true },
          include: ['suites/**/*.spec.ts'],
          fileParallelism: false,
          pool: 'threads',
          isolate: false,
          sequence: { concurrent: false },
          maxConcurrency: Number(process.env.METACONFORM_TESTS_AT_ONCE) || 1,
          testTimeout: 300_000,
          retry: 0,
        },
      },
    ],
  },
});
