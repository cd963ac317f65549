import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../lib/errors.ts';
import { expectationsFromRun, loadExpectations, type RunOutcome } from '../lib/results/expectations.ts';
import { RESULT_FILES } from './paths.ts';
import { checkOutputFile } from './usage.ts';

/** `metaconform run --write-expectations FILE`: starts an expectations file from the run's failures. */
export const WRITE_EXPECTATIONS = '--write-expectations';

/** Takes `--write-expectations FILE` (or `=FILE`) out of `run`'s arguments. */
export function takeWriteExpectations(args: readonly string[]): { args: string[]; file?: string } {
  const rest: string[] = [];
  let file: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg !== WRITE_EXPECTATIONS && !arg.startsWith(`${WRITE_EXPECTATIONS}=`)) {
      rest.push(arg);
      continue;
    }
    const value = arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : args[++i];
    if (value === undefined || value === '' || value.startsWith('--')) throw new ConfigError(WRITE_EXPECTATIONS, 'needs a value');
    if (file !== undefined) throw new ConfigError(WRITE_EXPECTATIONS, 'is given twice');
    file = value;
  }
  return { args: rest, ...(file !== undefined ? { file } : {}) };
}

/** Checked before the run: one run's results, a file that does not exist yet in a folder that can be written. */
export function checkWriteExpectations(file: string, run: { many: boolean; dryRun: boolean }): void {
  if (run.many) throw new ConfigError(WRITE_EXPECTATIONS, 'writes the failures of one run: not with --cloud, --region or --targets');
  if (run.dryRun) throw new ConfigError(WRITE_EXPECTATIONS, 'a dry run has no failures to write');
  if (existsSync(file)) throw new ConfigError(WRITE_EXPECTATIONS, `${file} exists: it starts a new file (remove it, or edit it by hand)`);
  checkOutputFile(WRITE_EXPECTATIONS, file);
}

/** After the run: writes the file from the results folder's summary and says so; returns the run's exit status. */
export function writeExpectationsAfterRun(resultsDir: string, file: string, status: number, log: (line: string) => void = (l) => console.log(l)): number {
  const summary = JSON.parse(readFileSync(join(resultsDir, RESULT_FILES.summary), 'utf8')) as RunOutcome;
  writeFileSync(file, expectationsFromRun(summary, new Date().toISOString()));
  const entries = loadExpectations(file).entries;
  log(`metaconform: wrote ${entries.length} expectation(s) to ${file}${entries.some((e) => e.reason === 'TODO') ? ': replace each "reason: TODO" before gating on it' : ''}`);
  return status;
}
