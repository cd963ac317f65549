import { defineConfig } from 'vitest/config';
import { testsAtOnceInWorker } from './lib/harness/suites.ts';

/**
 * Two projects:
 * - `self`: the suite's own tests (npm test).
 * - `conformance`: the conformance suites; run them with `metaconform run`, which resolves the target,
 *   adds the Allure, JUnit and behaviour reporters and writes everything into the results folder.
 * Conformance suites: one worker loads every suite file through suites/index.ts, so that tests of all
 * files run at once as far as their leases allow (lib/harness/leases.ts); the runner says how many may
 * start at once (METACONFORM_TESTS_AT_ONCE; 1 runs them one after another). A test's timeout is kept by
 * the harness from the moment it holds its leases (lib/harness/conformance.ts), not by vitest.
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
          include: ['suites/index.ts'],
          fileParallelism: false,
          pool: 'threads',
          isolate: false,
          sequence: { concurrent: false },
          maxConcurrency: testsAtOnceInWorker(),
          testTimeout: 0,
          retry: 0,
        },
      },
    ],
  },
});
