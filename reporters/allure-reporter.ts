import { mkdirSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Globals, TestResult, TestResultContainer } from 'allure-js-commons';
import type { Category, EnvironmentInfo } from 'allure-js-commons/sdk';
import { FileSystemWriter, type Writer } from 'allure-js-commons/sdk/reporter';
import AllureVitestReporter from 'allure-vitest/reporter';
import { markPhase } from '../lib/results/phases.ts';

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

  constructor(private readonly dir: string) {
    this.direct = new FileSystemWriter({ resultsDir: dir });
  }

  writeResult(result: TestResult): void {
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

type Runtime = { writer: Writer };

/** allure-vitest's reporter with the buffered writer above; the results folder is the same as Allure's. */
export default class AllureReporter extends AllureVitestReporter {
  private buffered?: BufferedWriter;

  constructor(private readonly options: { resultsDir: string; environmentInfo?: EnvironmentInfo }) {
    super(options);
  }

  override onInit(vitest: Parameters<AllureVitestReporter['onInit']>[0]): void {
    super.onInit(vitest);
    this.buffered = new BufferedWriter(this.options.resultsDir);
    (this as unknown as { allureReporterRuntime: Runtime }).allureReporterRuntime.writer = this.buffered;
  }

  override async onTestRunEnd(...args: Parameters<AllureVitestReporter['onTestRunEnd']>): Promise<void> {
    super.onTestRunEnd(...args);
    await this.buffered?.flush();
    markPhase('allure results written');
  }
}
