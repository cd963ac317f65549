/** What every conformance test records about itself; the behaviour reporter reads it back. */
export interface ConformanceMeta {
  behaviour: string;
  target: string;
  api: string;
  notApplicable?: string;
  /** Duration in ms of every HTTP request the test sent. */
  requests?: number[];
}

declare module '@vitest/runner' {
  interface TaskMeta {
    conformance?: ConformanceMeta;
  }
}
