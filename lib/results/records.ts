/** What a run records of each conformance test (written by the behaviour reporter, read by the summary). */
export type TestOutcome = 'passed' | 'failed' | 'not-applicable' | 'error';

export interface TestRecord {
  name: string;
  /** The target the test ran against (a variant name in a mutant matrix). */
  target: string;
  file: string;
  behaviour: string;
  api: string;
  outcome: TestOutcome;
  /** Failure message, error message or not-applicable reason (redacted). */
  detail?: string;
  /** Duration in ms of each HTTP request the test sent. */
  requests?: number[];
}

export interface RunRecord {
  tests: TestRecord[];
  /** Problems that belong to no test: a suite file that failed to load, an unhandled error. */
  problems: string[];
}
