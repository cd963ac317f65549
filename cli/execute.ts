import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createVitest } from 'vitest/node';
import BehaviourReporter, { type RunRecord } from '../reporters/behaviour-reporter.ts';
import { closeConnections, connectionFacts } from '../lib/http/connections.ts';
import { exportSecrets, SECRETS_ENV } from '../lib/http/redact.ts';
import { SUITE_FILES_ENV, TESTS_AT_ONCE_ENV } from '../lib/harness/suites.ts';
import { TARGET_ENV, type Target } from '../lib/harness/target.ts';
import { suiteFiles } from './suite-files.ts';
import { PACKAGE_ROOT } from './paths.ts';
import { markPhase } from '../lib/results/phases.ts';

export interface ExecuteOptions {
  /** Where the behaviour reporter writes every test's outcome. */
  testsFile: string;
  /** Extra vitest reporters (console, JUnit, Allure); none for a quiet matrix run. */
  reporters: unknown[];
  /** Only these suite files (relative to the package), when the targets test a selection of behaviours. */
  files?: string[];
  /** Receives a function that stops the run and its workers (used on SIGINT/SIGTERM before restoring the target). */
  onStoppable?: (stop: () => Promise<void>) => void;
  /** Whether the run was stopped (a signal) before its tests started: then vitest is not started. */
  stopped?: () => boolean;
}

/**
 * Tests started at once (vitest's maxConcurrency); 1 when a target allows one request at a time. A started
 * test waits for its leases (leases.ts), and its timeout only runs once it holds them, so one target's tests
 * may all start: the leases decide the order on the target's resources and the request limiter bounds what
 * is in flight. A mutant matrix brings many targets, and a bound keeps its pending tests few.
 */
const MAX_TESTS_AT_ONCE = 400;

export function testsAtOnce(targets: readonly Target[]): number {
  if (targets.some((t) => (t.concurrency ?? 1) <= 1)) return 1;
  return MAX_TESTS_AT_ONCE;
}

/** Runs the conformance suites once, in this process's vitest, against one or more targets. */
export async function executeSuites(targets: Target[], opts: ExecuteOptions): Promise<RunRecord> {
  // what the runner's probes learned about each target's connections, then its kept-alive connections closed:
  // the tests send from the worker
  for (const t of targets) t.connections = connectionFacts(t.root);
  await closeConnections();
  process.env[TARGET_ENV] = JSON.stringify(targets);
  process.env[SECRETS_ENV] = exportSecrets();
  process.env[TESTS_AT_ONCE_ENV] = String(testsAtOnce(targets));
  process.env[SUITE_FILES_ENV] = JSON.stringify(opts.files ?? suiteFiles());
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
      if (!opts.stopped?.()) {
        await vitest.start();
        markPhase('vitest finished');
      }
    } finally {
      await vitest.close();
    }
  } finally {
    delete process.env[TARGET_ENV];
    delete process.env[SECRETS_ENV];
    delete process.env[TESTS_AT_ONCE_ENV];
    delete process.env[SUITE_FILES_ENV];
    process.exitCode = undefined;
  }
  try {
    return JSON.parse(readFileSync(opts.testsFile, 'utf8')) as RunRecord;
  } catch {
    return { tests: [], problems: ['the test runner wrote no results (see the output above)'] };
  }
}
