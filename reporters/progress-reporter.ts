import type { TestSuite } from 'vitest/node';
import type { Reporter } from 'vitest/reporters';
import '../lib/harness/meta.ts';
import { markPhase } from '../lib/results/phases.ts';
import { isSuiteFileBlock } from './suite-file.ts';
import { findBehaviour } from '../catalogue/index.ts';
import { outcomeOf } from './behaviour-reporter.ts';

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
    // tests counted in the summary's words: only a required behaviour's test fails or lacks a verdict
    const counts = { passed: 0, FAILED: 0, 'no verdict': 0, 'advisory failed': 0, 'advisory no verdict': 0, observed: 0, 'not applicable': 0 };
    for (const test of suite.children.allTests()) {
      const state = test.result().state;
      this.done++;
      const id = test.meta().conformance?.behaviour;
      if (id && state !== 'pending') this.finished.add(id);
      const outcome = outcomeOf(test)?.outcome;
      if (!outcome) continue;
      const level = (id ? findBehaviour(id)?.level : undefined) ?? 'required';
      if (outcome === 'not-applicable') counts['not applicable']++;
      else if (level === 'informational') counts.observed++;
      else if (outcome === 'passed') counts.passed++;
      else if (level === 'advisory') counts[outcome === 'failed' ? 'advisory failed' : 'advisory no verdict']++;
      else counts[outcome === 'failed' ? 'FAILED' : 'no verdict']++;
    }
    const width = String(this.totalBehaviours).length;
    const parts = [
      `${counts.passed} passed`,
      ...Object.entries(counts).filter(([k, n]) => k !== 'passed' && n > 0).map(([k, n]) => `${n} ${k}`),
      suite.errors().length ? 'DID NOT LOAD' : '',
    ].filter(Boolean);
    this.log(`[${String(this.finished.size).padStart(width)}/${this.totalBehaviours} behaviours, ${String(this.done).padStart(4)} tests]  ${suite.name}  ${parts.join(', ')}`);
  }
}
