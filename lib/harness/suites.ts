/** Environment variable through which the runner names the suite files the worker loads (a JSON array). */
export const SUITE_FILES_ENV = 'METACONFORM_SUITE_FILES';

/** The suite files of this run, relative to the package, as the runner chose them (all, or a selection). */
export function suiteFilesToLoad(): string[] {
  const raw = process.env[SUITE_FILES_ENV];
  if (!raw) throw new Error(`${SUITE_FILES_ENV} is not set: run the suites through 'metaconform run' (npm run conformance), not vitest directly`);
  return JSON.parse(raw) as string[];
}

/** Environment variable through which the runner tells the worker how many tests may run at once. */
export const TESTS_AT_ONCE_ENV = 'METACONFORM_TESTS_AT_ONCE';

/** How many tests may run at once in this worker, as the runner decided (1 when unset). */
export function testsAtOnceInWorker(): number {
  return Number(process.env[TESTS_AT_ONCE_ENV]) || 1;
}
