import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createVitest } from 'vitest/node';
import BehaviourReporter, { type RunRecord } from '../../reporters/behaviour-reporter.ts';
import { lanes } from '../harness/leases.ts';
import { TARGET_ENV, type Target } from '../harness/target.ts';
import { PACKAGE_ROOT } from './paths.ts';
import { markPhase } from './phases.ts';

export interface ExecuteOptions {
  /** Where the behaviour reporter writes every test's outcome. */
  testsFile: string;
  /** Extra vitest reporters (console, JUnit, Allure); none for a quiet matrix run. */
  reporters: unknown[];
  /** Only these suite files (relative to the package), when the targets test a selection of behaviours. */
  files?: string[];
  /** Receives a function that stops the run and its workers (used on SIGINT/SIGTERM before restoring the target). */
  onStoppable?: (stop: () => Promise<void>) => void;
}

/** Environment variable through which vitest.config.ts learns how many tests of a file may run at once. */
export const TESTS_AT_ONCE_ENV = 'METACONFORM_TESTS_AT_ONCE';
/** An upper bound for a mutant matrix, whose many targets each bring their own lanes. */
const MAX_TESTS_AT_ONCE = 32;

/**
 * Tests of a file that run at once: one per lane of every target (leases.ts), so that a test rarely waits
 * for a lease (its timeout runs while it waits); 1 when a target allows one request at a time.
 */
export function testsAtOnce(targets: readonly Target[]): number {
  if (targets.some((t) => (t.concurrency ?? 1) <= 1)) return 1;
  return Math.min(MAX_TESTS_AT_ONCE, targets.reduce((n, t) => n + lanes(t), 0));
}

/** Runs the conformance suites once, in this process's vitest, against one or more targets. */
export async function executeSuites(targets: Target[], opts: ExecuteOptions): Promise<RunRecord> {
  process.env[TARGET_ENV] = JSON.stringify(targets);
  process.env[TESTS_AT_ONCE_ENV] = String(testsAtOnce(targets));
  try {
    const signals = ['SIGINT', 'SIGTERM'] as const;
    const ours = new Map(signals.map((sig) => [sig, new Set(process.listeners(sig))]));
    const vitest = await createVitest('test', {
      config: join(PACKAGE_ROOT, 'vitest.config.ts'),
      root: PACKAGE_ROOT,
      project: 'conformance',
      watch: false,
      reporters: [...(opts.reporters as []), new BehaviourReporter({ outputFile: opts.testsFile })],
    });
    // vitest exits the process 1 ms after SIGINT/SIGTERM; the runner owns those signals (it stops the run,
    // then restores the target), so drop the handlers vitest added.
    for (const sig of signals) for (const l of process.listeners(sig)) if (!ours.get(sig)!.has(l)) process.off(sig, l);
    opts.onStoppable?.(() => vitest.close());
    markPhase('vitest created');
    try {
      await vitest.start(opts.files);
      markPhase('vitest finished');
    } finally {
      await vitest.close();
    }
  } finally {
    delete process.env[TARGET_ENV];
    delete process.env[TESTS_AT_ONCE_ENV];
    process.exitCode = undefined;
  }
  try {
    return JSON.parse(readFileSync(opts.testsFile, 'utf8')) as RunRecord;
  } catch {
    return { tests: [], problems: ['the test runner wrote no results (see the output above)'] };
  }
}
