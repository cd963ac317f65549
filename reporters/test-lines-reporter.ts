import type { TestCase } from 'vitest/node';
import type { Reporter } from 'vitest/reporters';
import '../lib/harness/meta.ts';
import { findBehaviour } from '../catalogue/index.ts';
import { outcomeOf } from './behaviour-reporter.ts';

/**
 * `--verbose`: one line for every test as it finishes, in the summary's words, with its note (why it is not
 * applicable, what failed, what had no verdict):
 * `  passed     [SM-REPLACE-001] PUT replaces the whole set (v2.1)`.
 */
export default class TestLinesReporter implements Reporter {
  constructor(private readonly log: (line: string) => void) {}

  onTestCaseResult(test: TestCase): void {
    const result = outcomeOf(test);
    const meta = test.meta().conformance;
    if (!result) return;
    const level = (meta ? findBehaviour(meta.behaviour)?.level : undefined) ?? 'required';
    const word =
      result.outcome === 'not-applicable'
        ? 'N/A'
        : level === 'informational'
          ? 'observed'
          : result.outcome === 'passed'
            ? 'passed'
            : level === 'advisory'
              ? result.outcome === 'failed' ? 'ADVISORY' : 'ADV-NV'
              : result.outcome === 'failed' ? 'FAILED' : 'no verdict';
    const note = result.detail ? `  — ${result.detail.replaceAll('\n', ' ')}` : '';
    // the test's name carries its behaviour and base: "[SM-REPLACE-001] PUT replaces … (v2.1)"
    this.log(`  ${word.padEnd(10)} ${test.name}${note}`.slice(0, 400));
  }
}
