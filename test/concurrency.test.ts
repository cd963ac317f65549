import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { citedBehaviours } from '../cli/suite-files.ts';
import type { RunRecord } from '../lib/results/records.ts';
import { runCli, startStandaloneReference, type StandaloneReference } from './helpers/cli.ts';

/** The unit tests of the leases and of the test timeout are in test/harness.test.ts. */

/** Every test's outcome in a results folder, by target and test name. */
function outcomes(resultsDir: string): Map<string, string> {
  const record = JSON.parse(readFileSync(join(resultsDir, 'tests.json'), 'utf8')) as RunRecord;
  return new Map(record.tests.map((t) => [`${t.target} ${t.name}`, t.outcome]));
}

describe('the result is the same with 1 and with 8 tests at once', () => {
  let reference: StandaloneReference;
  beforeAll(async () => {
    reference = await startStandaloneReference();
  });
  afterAll(() => reference.stop());

  test('against one shared server (a real cloud): every test has the same outcome, and the run is conformant', async () => {
    const env = { ...reference.settings, OS_TOKEN: reference.token };
    const serial = await runCli(['run'], { ...env, METACONFORM_CONCURRENCY: '1' });
    const parallel = await runCli(['run'], { ...env, METACONFORM_CONCURRENCY: '8' });
    expect(serial.code, serial.stdout).toBe(0);
    expect(parallel.code, parallel.stdout).toBe(0);
    const [a, b] = [outcomes(serial.resultsDir), outcomes(parallel.resultsDir)];
    expect(a.size).toBeGreaterThan(150);
    expect(Object.fromEntries(b)).toEqual(Object.fromEntries(a));
    // the suites run from one entry file, but each test still names the suite file that declares it
    const cited = citedBehaviours();
    const record = JSON.parse(readFileSync(join(parallel.resultsDir, 'tests.json'), 'utf8')) as RunRecord;
    for (const t of record.tests) expect(cited.get(t.file), `${t.name} in ${t.file}`).toContain(t.behaviour);
  });
});
