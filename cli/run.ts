import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunConfig } from '../lib/config/load.ts';
import { EXIT } from '../lib/errors.ts';
import { redactText } from '../lib/http/redact.ts';
import { writeCertification } from '../lib/results/certification.ts';
import { appendHistory } from '../lib/results/history.ts';
import { describeExpectation, expectedFailures, type Expectations } from '../lib/results/expectations.ts';
import type { ResolvedSelection } from './selection.ts';
import { formatSummary, summarise } from '../lib/results/summary.ts';
import { discoverFacts } from './discovery.ts';
import { appliesTo, CATALOGUE, findBehaviour } from '../catalogue/index.ts';
import type { RunRecord } from '../lib/results/records.ts';
import AllureReporter, { writeAllureRunInfo } from '../reporters/allure-reporter.ts';
import { formatJunit } from '../lib/results/junit.ts';
import ProgressReporter from '../reporters/progress-reporter.ts';
import { executeSuites } from './execute.ts';
import { markPhase, phases } from '../lib/results/phases.ts';
import { lanes } from '../lib/harness/leases.ts';
import { suiteFilesFor } from './suite-files.ts';
import { RESULT_FILES, suiteVersion } from './paths.ts';
import { connectEndpoint, learnServedOperations, runnerHttp, startEmbedded, type ResolvedTarget } from './resolve-target.ts';
import { undoRun } from './undo.ts';
import { stopWorkers } from '../lib/harness/stop.ts';
import { notApplicableFamilies } from '../lib/results/coverage.ts';
import { verbosityReporters } from './output.ts';
import { ensureResultsDir } from './usage.ts';

/** How long a stopped run waits for its tests to end before it undoes the run anyway (their requests are dropped at once). */
const STOP_GRACE_MS = 10_000;

export { PACKAGE_ROOT, RESULT_FILES, suiteVersion } from './paths.ts';

export function prepareResults(dir: string): void {
  ensureResultsDir(dir);
  for (const name of Object.values(RESULT_FILES)) rmSync(join(dir, name), { recursive: true, force: true });
}

async function resolveTarget(config: RunConfig, log: (line: string) => void): Promise<ResolvedTarget> {
  return config.target.kind === 'reference' ? startEmbedded(config, { ...(config.target.mutant ? { mutant: config.target.mutant } : {}) }) : connectEndpoint(config, log);
}

export interface RunOptions {
  selection?: ResolvedSelection;
  expectations?: Expectations;
  /** A stale expectation (expected to fail, but passes) fails the gate. */
  strictExpectations?: boolean;
  /** Print what would run and send no request. */
  dryRun?: boolean;
  /** Run failed behaviours again, at most this often; one that then passes is reported as flaky. */
  retries?: number;
  /** Warnings about the configuration (e.g. an unknown METACONFORM_* variable), carried into the summary. */
  warnings?: string[];
}

/** Behaviours with a failed or no-verdict test in a record (informational ones are observed, never retried). */
function unsettled(record: RunRecord): string[] {
  return [...new Set(record.tests.filter((t) => (t.outcome === 'failed' || t.outcome === 'error') && findBehaviour(t.behaviour)?.level !== 'informational').map((t) => t.behaviour))];
}

/** The behaviours a run declares tests for: the selection, less those an expectation skips. */
function behavioursToRun(config: RunConfig, opts: RunOptions): string[] | undefined {
  const skipped = new Set((opts.expectations?.entries ?? []).filter((e) => e.expect === 'skip').map((e) => e.id));
  if (!opts.selection?.partial && !skipped.size) return undefined;
  const ids = opts.selection?.ids ?? CATALOGUE.filter((b) => appliesTo(b, config.profile.name)).map((b) => b.id);
  return ids.filter((id) => !skipped.has(id));
}

/** Runs the conformance suites once against the configured target; returns the exit status. */
export async function runConformance(config: RunConfig, opts: RunOptions = {}, log: (line: string) => void = (l) => console.log(l)): Promise<number> {
  const selectionLine = opts.selection?.description ?? 'full catalogue';
  const toRun = behavioursToRun(config, opts);
  if (opts.dryRun) {
    const ids = toRun ?? CATALOGUE.filter((b) => appliesTo(b, config.profile.name)).map((b) => b.id);
    log(`metaconform: dry run, profile ${config.profile.name}, ${selectionLine}; no request is sent. Would run ${ids.length} behaviour(s):`);
    for (const id of ids) {
      const b = CATALOGUE.find((x) => x.id === id)!;
      log(`  ${b.id.padEnd(15)} ${b.level.padEnd(13)} ${b.rule}`.slice(0, 200));
    }
    for (const e of opts.expectations?.entries ?? []) log(`  expectation: ${describeExpectation(e)}`);
    return EXIT.CONFORMANT;
  }
  const startedAt = new Date().toISOString();
  markPhase('cli loaded');
  prepareResults(config.resultsDir);

  /**
   * Signals are the runner's from the start: the run ends by undoing what it changed. A first signal stops the
   * tests within a bounded grace (their requests in flight are dropped, no test starts after it) and undoes the
   * run; while connecting, the run stops once connected; after the tests, the restore goes on and the run ends.
   * A second only says that the restore goes on; a third forces an exit, loudly, leaving the journal.
   */
  type Phase = 'connecting' | 'testing' | 'restoring';
  let phase = 'connecting' as Phase;
  let stop: { code: number; during: Phase } | undefined;
  let resolved: ResolvedTarget | undefined;
  let stopSuites: (() => Promise<void>) | undefined;
  let suitesEnded!: () => void;
  const ended = new Promise<void>((resolve) => (suitesEnded = resolve));
  let undoing: Promise<string | undefined> | undefined;
  /** Undoes the run on the target (once, however often it is asked for): locks, metadata, created servers, marker. */
  const undo = (): Promise<string | undefined> =>
    (undoing ??= (async () => {
      const journal = resolved?.journal;
      const problems = journal && resolved ? await undoRun(runnerHttp(resolved.target, config), journal.file, journal.journal, log).catch((e: Error) => [e.message]) : [];
      await resolved?.reference?.close();
      return problems.length ? problems.join('; ') : undefined;
    })());
  const journalFile = () => resolved?.journal?.file ?? `(none written yet; journals live in ${config.stateDir})`;
  const failedUndo = (problem: string) =>
    `CLEANUP FAILED: the target was not left as found (${redactText(problem)}); the run's journal is ${journalFile()}: 'metaconform cleanup --yes' puts back what it records (the original metadata is also in ${join(config.resultsDir, RESULT_FILES.snapshot)})`;
  let exiting: Promise<never> | undefined;
  /** Undoes the run, then ends the process with the signal's status. */
  const exitAfterUndo = (code: number): Promise<never> =>
    (exiting ??= undo().then((problem) => {
      if (problem) log(`metaconform: ${failedUndo(problem)}`);
      process.exit(code);
    }));
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    const code = signal === 'SIGINT' ? 130 : 143;
    signals++;
    if (signals === 1) {
      stop = { code, during: phase };
      if (phase === 'connecting') {
        log(`metaconform: ${signal} received while connecting to the target: no test will run; the run restores what it changed, then exits`);
      } else if (phase === 'testing') {
        log(`metaconform: ${signal} received: stopping the tests (at most ${STOP_GRACE_MS / 1000} s), then restoring the target before exiting`);
        stopWorkers();
        void stopSuites?.().catch(() => undefined);
        void Promise.race([ended, new Promise((r) => setTimeout(r, STOP_GRACE_MS).unref())]).then(() => exitAfterUndo(code));
      } else {
        log(`metaconform: ${signal} received: the tests have ended; the restore goes on, then the run exits`);
      }
    } else if (signals === 2) {
      log(`metaconform: ${signal} received again: the restore goes on, it must not be abandoned (a third signal forces an exit and leaves the target as it is)`);
    } else {
      log(`metaconform: CLEANUP FAILED: forced exit by a third ${signal} while restoring; the target may hold test data and be locked; the run's journal is ${journalFile()}: 'metaconform cleanup --yes' puts back what it records`);
      process.exit(code);
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const stopped = () => stop !== undefined;

  const expectedToFail = expectedFailures(opts.expectations);
  let restoreProblem: string | undefined;
  let record: RunRecord = { tests: [], problems: [] };
  let facts: Awaited<ReturnType<typeof discoverFacts>> = {};
  const flaky = new Set<string>();
  try {
    resolved = await resolveTarget(config, log);
  } catch (e) {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    throw e;
  }
  const { target } = resolved;
  const journal = resolved.journal;
  const region = config.target.kind === 'endpoint' && config.target.auth.kind === 'keystone' ? config.target.auth.region : undefined;
  const warnings = resolved.warnings ?? [];
  try {
    if (toRun) target.behaviours = toRun;
    if (!stopped()) facts = await discoverFacts(target);
    const missing = stopped() ? undefined : await learnServedOperations(resolved, config);
    if (missing) (resolved.notes ??= []).push(missing);
    markPhase('target ready');
    if (!stopped()) {
      log(`metaconform: profile ${config.profile.name}, target ${target.label}, ${selectionLine}${opts.expectations ? `, expectations ${opts.expectations.file}` : ''}, results in ${config.resultsDir}`);
      for (const note of resolved.notes ?? []) log(`metaconform: ${note}`);
      for (const warning of warnings) log(`metaconform: !!! WARNING: ${warning}`);
      if (journal?.journal.snapshot.server) writeFileSync(join(config.resultsDir, RESULT_FILES.snapshot), redactText(`${JSON.stringify(journal.journal.snapshot.server, null, 2)}\n`));
      phase = 'testing';
      record = await executeSuites([target], {
        testsFile: join(config.resultsDir, RESULT_FILES.tests),
        onStoppable: (stopIt) => (stopSuites = stopIt),
        stopped,
        ...(toRun ? { files: suiteFilesFor(toRun) } : {}),
        reporters: [
          new ProgressReporter(CATALOGUE.filter((b) => appliesTo(b, config.profile.name)).length, log),
          new AllureReporter({ resultsDir: join(config.resultsDir, RESULT_FILES.allure), expectedToFail }),
          ...verbosityReporters(log),
        ],
      });
    }
    for (let attempt = 1; attempt <= (opts.retries ?? 0) && !stopped(); attempt++) {
      const again = unsettled(record);
      if (!again.length) break;
      log(`metaconform: retry ${attempt} of ${opts.retries}: ${again.join(', ')}`);
      target.behaviours = again;
      const retry = await executeSuites([target], {
        testsFile: join(config.resultsDir, `tests-retry-${attempt}.json`),
        onStoppable: (stopIt) => (stopSuites = stopIt),
        stopped,
        files: suiteFilesFor(again),
        reporters: [new ProgressReporter(again.length, log), new AllureReporter({ resultsDir: join(config.resultsDir, RESULT_FILES.allure), expectedToFail }), ...verbosityReporters(log)],
      });
      for (const id of again) if (!unsettled({ tests: retry.tests.filter((t) => t.behaviour === id), problems: [] }).length && retry.tests.some((t) => t.behaviour === id)) flaky.add(id);
      record = { tests: [...record.tests.filter((t) => !again.includes(t.behaviour)), ...retry.tests], problems: [...record.problems, ...retry.problems] };
    }
  } finally {
    suitesEnded();
    phase = 'restoring';
    restoreProblem = await undo();
    markPhase('target restored');
    // stopped before the tests ended: the process ends here, once the undo finished (no verdict is written)
    if (stop && stop.during !== 'restoring') await exitAfterUndo(stop.code);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }

  if (restoreProblem) record.problems.push(failedUndo(restoreProblem));
  const summary = summarise(record, config.profile, {
    ...(opts.selection?.partial ? { selected: opts.selection.ids } : {}),
    ...(opts.expectations ? { expectations: opts.expectations } : {}),
    ...(opts.strictExpectations ? { strictExpectations: true } : {}),
    flaky: [...flaky],
  });
  if (opts.selection?.partial) summary.warnings.push(selectionLine);
  summary.warnings.push(...warnings, ...(opts.warnings ?? []));
  // whole families of required behaviours not applicable: loud, in every output (a green gate says nothing about them)
  summary.warnings.push(...notApplicableFamilies(summary, new Set((opts.expectations?.entries ?? []).filter((e) => e.expect === 'skip').map((e) => e.id))));
  const text = formatSummary(summary, target.label);
  markPhase('verdict computed');
  const runner = {
    phases: phases(),
    maxRssKb: process.resourceUsage().maxRSS,
    requests: record.tests.reduce((n, t) => n + (t.requests?.length ?? 0), 0),
    concurrency: target.concurrency ?? 1,
    lanes: lanes(target),
    serversBooted: journal?.journal.created.length ?? 0,
  };
  const authEnforced = target.authEnforced !== undefined ? { authEnforced: target.authEnforced } : {};
  const applied = { selection: { description: selectionLine, ...(opts.selection?.selection ?? {}) }, ...(opts.expectations ? { expectations: opts.expectations } : {}) };
  writeFileSync(join(config.resultsDir, RESULT_FILES.summary), `${JSON.stringify({ target: target.label, suiteVersion: suiteVersion(), runner, ...authEnforced, ...applied, ...summary }, null, 2)}\n`);
  writeFileSync(join(config.resultsDir, RESULT_FILES.summaryText), `${text}\n`);
  // JUnit and the Allure environment from the same per-behaviour results as the summary
  writeFileSync(join(config.resultsDir, RESULT_FILES.junit), formatJunit(summary, { name: `metaconform ${config.profile.name}`, timestamp: startedAt, target: target.label }));
  writeAllureRunInfo(join(config.resultsDir, RESULT_FILES.allure), {
    target: target.label,
    'target kind': target.kind,
    ...(region ? { region } : {}),
    microversions: `${facts.minMicroversion ?? '?'} – ${facts.maxMicroversion ?? '?'}`,
    profile: config.profile.name,
    selection: selectionLine,
    ...(opts.expectations ? { expectations: opts.expectations.file } : {}),
    'suite version': suiteVersion(),
  }, summary);
  writeCertification(config.resultsDir, {
    suiteVersion: suiteVersion(),
    profile: config.profile.name,
    target: { host: new URL(target.root).host, kind: target.kind, ...(region ? { region } : {}), ...facts, notes: summary.warnings },
    startedAt,
    finishedAt: new Date().toISOString(),
    selection: selectionLine,
    ...(opts.expectations ? { expectations: opts.expectations.file } : {}),
    summary,
  });
  appendHistory(config.resultsDir, { time: startedAt, target: target.label, ...(region ? { region } : {}), profile: config.profile.name, suiteVersion: suiteVersion(), selection: selectionLine }, summary);
  log(text);
  // a signal during the final restore: the results are written, the status is the signal's
  if (stop) return stop.code;
  return summary.exitCode === EXIT.CONFORMANT && restoreProblem ? EXIT.NO_VERDICT : summary.exitCode;
}
