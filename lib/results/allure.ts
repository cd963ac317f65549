import type { Level } from '../../catalogue/index.ts';
import type { TestOutcome } from './records.ts';
import { behaviourStatus, type BehaviourStatus } from './summary.ts';

/**
 * How a test's outcome shows in Allure, by the level of its behaviour (reporters/allure-reporter.ts applies it
 * to every result before writing; verify reads it back):
 *
 * | level         | passed | failed                        | no verdict                      | not applicable |
 * |---------------|--------|-------------------------------|---------------------------------|----------------|
 * | required      | passed | failed                        | broken                          | skipped        |
 * | advisory      | passed | failed, "ADVISORY FAILED …"   | broken, "ADVISORY NO VERDICT …" | skipped        |
 * | informational | passed, "OBSERVED …" whatever the outcome (never failed or broken)  | | | skipped        |
 *
 * Severity: required → critical, advisory → minor, informational → trivial; a tag names advisory and
 * informational results, and the report's categories (allurerc.mjs) put advisory failures in a category of
 * their own, before Allure's "Product errors" and "Test errors".
 */
export const SEVERITY: Readonly<Record<Level, string>> = { required: 'critical', advisory: 'minor', informational: 'trivial' };

export type AllureStatus = 'passed' | 'failed' | 'broken' | 'skipped';

export function allureStatus(level: Level, outcome: TestOutcome): AllureStatus {
  if (outcome === 'not-applicable') return 'skipped';
  if (level === 'informational' || outcome === 'passed') return 'passed';
  return outcome === 'failed' ? 'failed' : 'broken';
}

/** The message prefix of a result whose level keeps it from deciding the exit status. */
export function allurePrefix(level: Level, outcome: TestOutcome): string | undefined {
  if (outcome === 'not-applicable') return undefined;
  if (level === 'informational') return `OBSERVED (informational, recorded and never judged): the check ${outcome === 'passed' ? 'passed' : outcome === 'failed' ? 'failed' : 'had no verdict'}`;
  if (level === 'advisory' && outcome === 'failed') return 'ADVISORY FAILED (reported, never fails the run)';
  if (level === 'advisory' && outcome === 'error') return 'ADVISORY NO VERDICT (reported, never changes the exit status)';
  return undefined;
}

/** The outcome a test result in Allure stands for (an informational 'passed' is an observation, whatever it was). */
export function outcomeOfAllure(status: string): TestOutcome | undefined {
  return ({ passed: 'passed', failed: 'failed', broken: 'error', skipped: 'not-applicable' } as const)[status as AllureStatus];
}

/** The part of an Allure result that the per-behaviour aggregation reads. */
export interface AllureResultLike {
  name?: unknown;
  status?: unknown;
  labels?: unknown;
  parameters?: unknown;
  statusDetails?: unknown;
}

export interface AllureBehaviour {
  status: BehaviourStatus;
  level?: string;
  tests: { api: string; outcome: TestOutcome }[];
}

function labelValues(result: AllureResultLike, name: string): string[] {
  return Array.isArray(result.labels) ? (result.labels as { name?: unknown; value?: unknown }[]).filter((l) => l?.name === name && typeof l.value === 'string').map((l) => l.value as string) : [];
}

/**
 * Allure results aggregated per behaviour (label `behaviour`), with the same rule as the summary: each result's
 * status stands for an outcome, the behaviour's level (from the catalogue) decides the status. A result without
 * a behaviour, with an unknown status, or a second result of the same test (behaviour, API base, name) is a problem.
 */
export function aggregateAllure(results: readonly { file: string; result: AllureResultLike }[], levelOf: (id: string) => Level | undefined): { behaviours: Map<string, AllureBehaviour>; problems: string[] } {
  const problems: string[] = [];
  const tests = new Map<string, { api: string; outcome: TestOutcome; known: boolean }[]>();
  const levels = new Map<string, string>();
  const seen = new Map<string, string>();
  for (const { file, result } of results) {
    const ids = labelValues(result, 'behaviour');
    if (ids.length !== 1) {
      problems.push(`${file}: ${ids.length ? 'more than one' : 'no'} behaviour label`);
      continue;
    }
    const id = ids[0]!;
    const level = levelOf(id);
    if (!level) {
      problems.push(`${file}: behaviour ${id} is not in the catalogue`);
      continue;
    }
    const levelLabels = labelValues(result, 'level');
    if (levelLabels.length !== 1 || levelLabels[0] !== level) problems.push(`${file}: ${id} is labelled level ${levelLabels.join(', ') || '(none)'}, the catalogue says ${level}`);
    else levels.set(id, level);
    const apis = Array.isArray(result.parameters) ? (result.parameters as { name?: unknown; value?: unknown }[]).filter((p) => p?.name === 'api' && typeof p.value === 'string').map((p) => p.value as string) : [];
    if (apis.length !== 1) {
      problems.push(`${file}: ${id} has ${apis.length ? 'more than one' : 'no'} api parameter`);
      continue;
    }
    const api = apis[0]!;
    const outcome = outcomeOfAllure(String(result.status));
    if (!outcome) {
      problems.push(`${file}: ${id} [${api}] has status ${JSON.stringify(result.status)}`);
      continue;
    }
    const key = `${id} [${api}] ${typeof result.name === 'string' ? result.name : ''}`;
    if (seen.has(key)) {
      problems.push(`${id}: duplicate result [${api}] in ${file} (also ${seen.get(key)})`);
      continue;
    }
    seen.set(key, file);
    const known = typeof result.statusDetails === 'object' && result.statusDetails !== null && (result.statusDetails as { known?: unknown }).known === true;
    tests.set(id, [...(tests.get(id) ?? []), { api, outcome, known }]);
  }
  const behaviours = new Map<string, AllureBehaviour>();
  for (const [id, list] of tests) {
    const level = levelOf(id)!;
    let { status } = behaviourStatus(level, list);
    if ((status === 'failed' || status === 'advisory-failed') && list.some((t) => t.outcome === 'failed' && t.known)) status = 'known';
    behaviours.set(id, { status, ...(levels.has(id) ? { level: levels.get(id)! } : {}), tests: list.map(({ api, outcome }) => ({ api, outcome })) });
  }
  return { behaviours, problems };
}
