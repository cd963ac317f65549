/** What every conformance test records about itself; the behaviour reporter reads it back. */
export interface ConformanceMeta {
  behaviour: string;
  target: string;
  api: string;
  notApplicable?: string;
}

declare module '@vitest/runner' {
  interface TaskMeta {
    conformance?: ConformanceMeta;
  }
}
