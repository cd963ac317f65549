import { defineConfig } from 'vitest/config';

/**
 * Two projects:
 * - `self`: the suite's own tests (npm test).
 * - `conformance`: the conformance suites; run them with `metaconform run`, which resolves the target,
 *   adds the Allure, JUnit and behaviour reporters and writes everything into the results folder.
 * Conformance suites share one server, so files and tests run one after another.
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
          include: ['suites/**/*.spec.ts'],
          fileParallelism: false,
          pool: 'threads',
          isolate: false,
          sequence: { concurrent: false },
          testTimeout: 300_000,
          retry: 0,
        },
      },
    ],
  },
});
