import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readFileSync } from 'node:fs';
import { startVitest } from 'vitest/node';
import BehaviourReporter, { type RunRecord } from '../../reporters/behaviour-reporter.ts';
import type { RunConfig } from '../config/load.ts';
import { EXIT } from '../errors.ts';
import { TARGET_ENV } from '../harness/target.ts';
import { redactText } from '../http/redact.ts';
import { formatSummary, summarise } from '../results/summary.ts';
import { connectEndpoint, restoreSnapshot, startEmbedded, type ResolvedTarget } from './target.ts';

export const PACKAGE_ROOT = resolve(fileURLToPath(import.meta.url), '..', '..', '..');

/** Files a run writes into the results folder (stale ones are removed first). */
export const RESULT_FILES = {
  allure: 'allure-results',
  junit: 'junit.xml',
  tests: 'tests.json',
  summary: 'summary.json',
  summaryText: 'summary.txt',
  snapshot: 'metadata-snapshot.json',
} as const;

function prepareResults(dir: string): void {
  mkdirSync(dir, { recursive: true });
  for (const name of Object.values(RESULT_FILES)) rmSync(join(dir, name), { recursive: true, force: true });
}

async function resolveTarget(config: RunConfig): Promise<ResolvedTarget> {
  return config.target.kind === 'reference' ? startEmbedded(config, config.target.mutant) : connectEndpoint(config);
}

/** Runs the conformance suites once against the configured target; returns the exit status. */
export async function runConformance(config: RunConfig, log: (line: string) => void = (l) => console.log(l)): Promise<number> {
  prepareResults(config.resultsDir);
  const resolved = await resolveTarget(config);
  const { target } = resolved;
  log(`metaconform: profile ${config.profile.name}, target ${target.label}, results in ${config.resultsDir}`);
  for (const note of resolved.notes ?? []) log(`metaconform: ${note}`);
  const warnings = resolved.warnings ?? [];
  for (const warning of warnings) log(`metaconform: !!! WARNING: ${warning}`);
  if (resolved.snapshot) writeFileSync(join(config.resultsDir, RESULT_FILES.snapshot), `${JSON.stringify(resolved.snapshot, null, 2)}\n`);

  let cleaned = false;
  const cleanup = async (): Promise<string | undefined> => {
    if (cleaned) return undefined;
    cleaned = true;
    const problem = await restoreSnapshot(resolved, config);
    await resolved.reference?.close();
    return problem;
  };
  const onSignal = (signal: NodeJS.Signals) => {
    log(`metaconform: ${signal} received, restoring the target before exiting`);
    void cleanup().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  const testsFile = join(config.resultsDir, RESULT_FILES.tests);
  process.env[TARGET_ENV] = JSON.stringify(target);
  let restoreProblem: string | undefined;
  try {
    const vitest = await startVitest(
      'test',
      [],
      {
        config: join(PACKAGE_ROOT, 'vitest.config.ts'),
        root: PACKAGE_ROOT,
        project: 'conformance',
        watch: false,
        reporters: [
          'default',
          ['junit', { outputFile: join(config.resultsDir, RESULT_FILES.junit), suiteName: `metaconform ${config.profile.name}` }],
          [
            'allure-vitest/reporter',
            {
              resultsDir: join(config.resultsDir, RESULT_FILES.allure),
              environmentInfo: { target: target.label, profile: config.profile.name, 'suite version': suiteVersion(), 'target kind': target.kind },
            },
          ],
          new BehaviourReporter({ outputFile: testsFile }),
        ],
      },
    );
    await vitest.close();
  } finally {
    delete process.env[TARGET_ENV];
    restoreProblem = await cleanup();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  process.exitCode = undefined;

  let record: RunRecord;
  try {
    record = JSON.parse(readFileSync(testsFile, 'utf8')) as RunRecord;
  } catch {
    record = { tests: [], problems: ['the test runner wrote no results (see the output above)'] };
  }
  if (restoreProblem) {
    record.problems.push(`RESTORE FAILED: the server's original metadata could not be put back (${redactText(restoreProblem)}); it is saved in ${join(config.resultsDir, RESULT_FILES.snapshot)}`);
  }
  const summary = summarise(record, config.profile);
  summary.warnings.push(...warnings);
  const text = formatSummary(summary, target.label);
  writeFileSync(join(config.resultsDir, RESULT_FILES.summary), `${JSON.stringify({ target: target.label, suiteVersion: suiteVersion(), ...(target.authEnforced !== undefined ? { authEnforced: target.authEnforced } : {}), ...summary }, null, 2)}\n`);
  writeFileSync(join(config.resultsDir, RESULT_FILES.summaryText), `${text}\n`);
  log(text);
  return summary.exitCode === EXIT.CONFORMANT && restoreProblem ? EXIT.NO_VERDICT : summary.exitCode;
}

let version: string | undefined;
export function suiteVersion(): string {
  version ??= (JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
  return version;
}
