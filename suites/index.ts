import { join } from 'node:path';
import { describe } from 'vitest';
import { PACKAGE_ROOT } from '../lib/package-root.ts';
import { suiteFilesToLoad, testsAtOnceInWorker } from '../lib/harness/suites.ts';

/**
 * The one test file of the conformance project. Each suite file (suites/<area>/<rule>.spec.ts) is loaded
 * into a block named after it, so that reports still say which file holds a test, while the tests of
 * different files run at once, as far as their leases allow (lib/harness/leases.ts): on a one-server cloud
 * the image tests overlap with the server tests instead of waiting for the last server file to finish.
 * When one test at a time is allowed the files run one after another, in order.
 */
const together = testsAtOnceInWorker() > 1;

for (const file of suiteFilesToLoad()) {
  (together ? describe.concurrent : describe)(file, async () => {
    await import(join(PACKAGE_ROOT, file));
  });
}
