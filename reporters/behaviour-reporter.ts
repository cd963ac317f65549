import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { TestCase, TestModule } from 'vitest/node';
import type { Reporter } from 'vitest/reporters';
import '../lib/harness/meta.ts';
import { redactText } from '../lib/http/redact.ts';
import { moduleProblems, suiteFileOf } from './suite-file.ts';
import type { RunRecord, TestOutcome } from '../lib/results/records.ts';

export type { RunRecord, TestOutcome, TestRecord } from '../lib/results/records.ts';

/** A test's outcome as the summary counts it (only an assertion is a verdict on the target). */
export function outcomeOf(test: TestCase): { outcome: TestOutcome; detail?: string } | undefined {
  const result = test.result();
  if (result.state === 'passed') return { outcome: 'passed' };
  if (result.state === 'skipped') return { outcome: 'not-applicable', detail: result.note ?? test.meta().conformance?.notApplicable ?? 'skipped' };
  if (result.state === 'failed') {
    const first = result.errors?.[0];
    const message = redactText(`${first?.name ?? 'Error'}: ${first?.message ?? 'failed'}`);
    // Only an assertion is a verdict on the target; a network fault, a failed precondition or a bug in
    // the suite itself (TypeError, …) leaves the behaviour without one.
    const verdict = (result.errors ?? []).every((e) => e.name === 'AssertionError');
    return { outcome: verdict ? 'failed' : 'error', detail: message };
  }
  return undefined;
}

/**
 * Writes every conformance test's behaviour ID, API base and outcome to a JSON file; the runner turns
 * it into the per-behaviour summary. Tests without a behaviour ID are reported as problems.
 */
export default class BehaviourReporter implements Reporter {
  constructor(private readonly options: { outputFile: string }) {}

  onTestRunEnd(modules: ReadonlyArray<TestModule>, unhandled: ReadonlyArray<{ message?: string }>): void {
    const record: RunRecord = { tests: [], problems: [] };
    for (const mod of modules) {
      for (const problem of moduleProblems(mod)) record.problems.push(redactText(problem));
      for (const test of mod.children.allTests()) {
        const meta = test.meta().conformance;
        const outcome = outcomeOf(test);
        if (!outcome) continue;
        if (!meta) {
          record.problems.push(`${suiteFileOf(test)}: test "${test.name}" names no behaviour (use conformance() from lib/harness)`);
          continue;
        }
        record.tests.push({ name: test.name, file: suiteFileOf(test), target: meta.target, behaviour: meta.behaviour, api: meta.api, ...outcome, requests: meta.requests ?? [] });
      }
    }
    for (const error of unhandled) record.problems.push(redactText(`unhandled error: ${error.message ?? String(error)}`));
    mkdirSync(dirname(this.options.outputFile), { recursive: true });
    writeFileSync(this.options.outputFile, `${JSON.stringify(record, null, 2)}\n`);
  }
}
