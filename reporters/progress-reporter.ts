import type { TestSuite } from 'vitest/node';
import type { Reporter } from 'vitest/reporters';
import '../lib/harness/meta.ts';
import { markPhase } from '../lib/results/phases.ts';
import { isSuiteFileBlock } from './suite-file.ts';

/**
 * One line per finished suite file, readable in a CI log:
 * `[21/48 behaviours, 63 tests]  suites/server-metadata/merge.spec.ts  8 passed, 1 FAILED`.
 * Suite files finish in any order (their tests run at once), so the behaviours of the catalogue are the
 * denominator.
 */
export default class ProgressReporter implements Reporter {
  private done = 0;
  private readonly finished = new Set<string>();

  constructor(
    private readonly totalBehaviours: number,
    private readonly log: (line: string) => void = (l) => process.stdout.write(`${l}\n`),
  ) {}

  private collected = false;

  onTestRunStart(): void {
    markPhase('tests started');
  }

  onTestModuleCollected(): void {
    if (!this.collected) markPhase('suite files loaded');
    this.collected = true;
  }

  onTestRunEnd(): void {
    markPhase('tests finished');
  }

  onTestSuiteResult(suite: TestSuite): void {
    if (!isSuiteFileBlock(suite)) return;
    const counts = { passed: 0, failed: 0, skipped: 0 };
    for (const test of suite.children.allTests()) {
      const state = test.result().state;
      if (state === 'passed' || state === 'failed' || state === 'skipped') counts[state]++;
      this.done++;
      const id = test.meta().conformance?.behaviour;
      if (id && state !== 'pending') this.finished.add(id);
    }
    const width = String(this.totalBehaviours).length;
    const parts = [
      `${counts.passed} passed`,
      counts.failed ? `${counts.failed} FAILED` : '',
      counts.skipped ? `${counts.skipped} not applicable` : '',
      suite.errors().length ? 'DID NOT LOAD' : '',
    ].filter(Boolean);
    this.log(`[${String(this.finished.size).padStart(width)}/${this.totalBehaviours} behaviours, ${String(this.done).padStart(4)} tests]  ${suite.name}  ${parts.join(', ')}`);
  }
}
