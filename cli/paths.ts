import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../lib/package-root.ts';

export { PACKAGE_ROOT };

/** Files a run writes into the results folder (stale ones are removed first). */
export const RESULT_FILES = {
  allure: 'allure-results',
  junit: 'junit.xml',
  tests: 'tests.json',
  summary: 'summary.json',
  summaryText: 'summary.txt',
  snapshot: 'metadata-snapshot.json',
  killMatrix: 'kill-matrix.json',
  certification: 'certification.json',
  certificationText: 'certification.md',
  journal: 'run-journal.json',
} as const;

let version: string | undefined;
export function suiteVersion(): string {
  version ??= (JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
  return version;
}
