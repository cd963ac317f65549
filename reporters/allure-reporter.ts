import { mkdirSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Globals, TestResult, TestResultContainer } from 'allure-js-commons';
import type { Category, EnvironmentInfo } from 'allure-js-commons/sdk';
import { FileSystemWriter, type Writer } from 'allure-js-commons/sdk/reporter';
import AllureVitestReporter from 'allure-vitest/reporter';
import type { TestModule } from 'vitest/node';
import { findBehaviour } from '../catalogue/index.ts';
import { allurePrefix, allureStatus, outcomeOfAllure, SEVERITY } from '../lib/results/allure.ts';
import { markPhase } from '../lib/results/phases.ts';
import type { TestOutcome } from '../lib/results/records.ts';
import { STATUSES, type Summary } from '../lib/results/summary.ts';
import { outcomeOf } from './behaviour-reporter.ts';

/** Files written at once by one flush; enough to keep the disk busy, few enough to keep descriptors free. */
const WRITES_IN_FLIGHT = 64;

/**
 * Allure's own writer fsyncs and renames every result and attachment file, one at a time, on the main
 * thread (about 0.4 ms a file here, over 1 s for a full run). A report folder need not survive a power
 * cut, so this writer buffers the files and writes them concurrently, without fsync, when the run ends.
 */
class BufferedWriter implements Writer {
  private pending: [name: string, content: string | Buffer][] = [];
  private readonly direct: FileSystemWriter;
  /** Applied to every test result before it is written (see present()). */
  present: (result: TestResult) => void = () => undefined;

  constructor(private readonly dir: string) {
    this.direct = new FileSystemWriter({ resultsDir: dir });
  }

  writeResult(result: TestResult): void {
    this.present(result);
    this.pending.push([`${result.uuid}-result.json`, JSON.stringify(result)]);
  }

  writeGroup(result: TestResultContainer): void {
    this.pending.push([`${result.uuid}-container.json`, JSON.stringify(result)]);
  }

  writeAttachment(name: string, content: Buffer): void {
    this.pending.push([name, content]);
  }

  writeAttachmentFromPath(name: string, from: string): void {
    this.pending.push([name, readFileSync(from)]);
  }

  writeGlobals(name: string, info: Globals): void {
    this.pending.push([name, JSON.stringify(info)]);
  }

  writeEnvironmentInfo(info: EnvironmentInfo): void {
    this.direct.writeEnvironmentInfo(info);
  }

  writeCategoriesDefinitions(categories: Category[]): void {
    this.direct.writeCategoriesDefinitions(categories);
  }

  async flush(): Promise<void> {
    const files = this.pending;
    this.pending = [];
    if (!files.length) return;
    mkdirSync(this.dir, { recursive: true });
    let next = 0;
    const worker = async () => {
      while (next < files.length) {
        const [name, content] = files[next++]!;
        await writeFile(join(this.dir, name), content);
      }
    };
    await Promise.all(Array.from({ length: Math.min(WRITES_IN_FLIGHT, files.length) }, worker));
  }
}

/** A behaviour expected to fail (`--expectations`), on one base or (no api) on every base. */
export interface ExpectedFailure {
  id: string;
  api?: string;
}

type Runtime = { writer: Writer };

/**
 * The one place where Allure results are shaped by the behaviour's level (the mapping is in
 * lib/results/allure.ts): the status follows the summary's outcome of the test (only an assertion is a
 * failure), severity and a tag name the level, an advisory result's message says it never fails the run, an
 * informational one is an observation (passed, never failed or broken), an expected failure is marked known.
 */
function present(result: TestResult, outcome: TestOutcome | undefined, expectedToFail: readonly ExpectedFailure[]): void {
  const id = result.labels.find((l) => l.name === 'behaviour')?.value;
  const behaviour = id ? findBehaviour(id) : undefined;
  if (!behaviour) return;
  const { level } = behaviour;
  const seen = outcome ?? outcomeOfAllure(result.status ?? '');
  if (!seen) return;
  result.status = allureStatus(level, seen) as TestResult['status'];
  result.labels = result.labels.filter((l) => l.name !== 'severity' && l.name !== 'level');
  result.labels.push({ name: 'level', value: level }, { name: 'severity', value: SEVERITY[level] });
  if (level !== 'required') result.labels.push({ name: 'tag', value: level });
  const original = result.statusDetails?.message;
  const prefix = allurePrefix(level, seen);
  if (prefix) result.statusDetails = { ...result.statusDetails, message: original ? `${prefix}: ${original}` : prefix };
  const api = result.parameters?.find((p) => p.name === 'api')?.value;
  if (seen === 'failed' && level !== 'informational' && expectedToFail.some((e) => e.id === behaviour.id && (!e.api || e.api === api))) {
    // Allure's results format has statusDetails.known for an expected failure (not in allure-js-commons' types)
    result.statusDetails = { ...result.statusDetails, known: true, message: `KNOWN FAILURE (expected, does not fail the run): ${result.statusDetails?.message ?? ''}` } as TestResult['statusDetails'];
  }
}

/** allure-vitest's reporter with the buffered writer above and the level-aware results; the results folder is the same as Allure's. */
export default class AllureReporter extends AllureVitestReporter {
  private buffered?: BufferedWriter;

  constructor(private readonly options: { resultsDir: string; environmentInfo?: EnvironmentInfo; expectedToFail?: readonly ExpectedFailure[] }) {
    super(options);
  }

  override onInit(vitest: Parameters<AllureVitestReporter['onInit']>[0]): void {
    super.onInit(vitest);
    this.buffered = new BufferedWriter(this.options.resultsDir);
    (this as unknown as { allureReporterRuntime: Runtime }).allureReporterRuntime.writer = this.buffered;
  }

  override async onTestRunEnd(...args: Parameters<AllureVitestReporter['onTestRunEnd']>): Promise<void> {
    // each test's outcome as the behaviour reporter records it, by test name (Allure's own guess at failed or
    // broken looks at the error's stack; the summary counts only assertions as failures)
    const outcomes = new Map<string, TestOutcome | undefined>();
    for (const mod of (args[0] ?? []) as unknown as readonly TestModule[]) {
      for (const test of mod.children?.allTests() ?? []) {
        const outcome = outcomeOf(test)?.outcome;
        outcomes.set(test.name, outcomes.has(test.name) && outcomes.get(test.name) !== outcome ? undefined : outcome);
      }
    }
    const expected = this.options.expectedToFail ?? [];
    if (this.buffered) this.buffered.present = (result) => present(result, outcomes.get(result.name ?? ''), expected);
    super.onTestRunEnd(...args);
    await this.buffered?.flush();
    markPhase('allure results written');
  }
}

/** Categories of the results folder (Allure 2's categories.json; Allure 3 reads the same rules from allurerc.mjs). */
const CATEGORIES: Category[] = [
  { name: 'Advisory results (never fail the run)', matchedStatuses: ['failed', 'broken'] as Category['matchedStatuses'], messageRegex: 'ADVISORY [\\s\\S]*' },
  { name: 'Known failures (expected)', matchedStatuses: ['failed'] as Category['matchedStatuses'], messageRegex: 'KNOWN FAILURE[\\s\\S]*' },
];

/**
 * After the run's summary: the Allure environment (what ran against what, and the per-behaviour counts of the
 * summary, the same as every other output) and the categories.
 */
export function writeAllureRunInfo(resultsDir: string, info: EnvironmentInfo, summary: Summary): void {
  mkdirSync(resultsDir, { recursive: true });
  const writer = new FileSystemWriter({ resultsDir });
  const counts = Object.fromEntries(STATUSES.map((s) => [`behaviours ${s}`, String(summary.counts[s])]));
  writer.writeEnvironmentInfo({ ...info, ...counts, verdict: summary.verdict, 'exit status': String(summary.exitCode) });
  writer.writeCategoriesDefinitions(CATEGORIES);
}
