import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { findBehaviour } from '../catalogue/index.ts';
import type { MatrixRow } from '../cli/matrix.ts';
import { MUTANTS } from '../reference/mutants/index.ts';
import { CORRECT_VARIANTS } from '../reference/variants.ts';
import type { RunRecord } from '../lib/results/records.ts';
import { runCli } from './helpers/cli.ts';

/** Every test's outcome in a matrix run, by variant and test name. */
function outcomes(dir: string): Record<string, string> {
  return Object.fromEntries((JSON.parse(readFileSync(join(dir, 'tests.json'), 'utf8')) as RunRecord).tests.map((t) => [`${t.target} ${t.name}`, t.outcome]));
}

/** A sample of variants for the one-at-a-time comparison: the reference, faults in every family, and an operation the target lacks. */
const SAMPLE = ['reference', 'put-merges', 'v2-drops-key', 'no-merge', 'quota-rejected-write-stored', 'lock-not-enforced', 'image-put-merges', 'fault-envelope-unnamed'];

describe('detection power: the kill matrix', () => {
  test('every mutant declares behaviours that exist in the catalogue', () => {
    for (const [name, m] of Object.entries(MUTANTS)) {
      expect(m.violates.length, name).toBeGreaterThan(0);
      for (const id of m.violates) expect(findBehaviour(id), `${name} → ${id}`).toBeDefined();
    }
  });

  test('every mutant fails exactly the behaviours it declares (whole catalogue), every correct variant passes; 1 or 8 tests at once give the same outcome for every test', async () => {
    const run = await runCli(['mutants'], { METACONFORM_CONCURRENCY: '8' });
    // the kill matrix, its blame precision and its wall time, as the command printed them
    console.log(run.stdout.slice(run.stdout.indexOf('kill matrix')));
    const { rows } = JSON.parse(readFileSync(join(run.resultsDir, 'kill-matrix.json'), 'utf8')) as { rows: MatrixRow[] };
    expect(rows.map((r) => r.name).sort()).toEqual([...Object.keys(MUTANTS), ...Object.keys(CORRECT_VARIANTS)].sort());
    const survivors = rows.filter((r) => r.kind === 'mutant' && r.violates.some((id) => !r.failed.includes(id))).map((r) => `${r.name} (exit ${r.exitCode}, failed: ${r.failed.join(', ') || 'none'}, declared: ${r.violates.join(', ')})`);
    const blurred = rows.filter((r) => r.kind === 'mutant' && r.extra.length).map((r) => `${r.name}: ${r.extra.join(', ')} beyond ${r.violates.join(', ')}`);
    const accused = rows.filter((r) => r.kind === 'correct' && !r.ok).map((r) => `${r.name} (exit ${r.exitCode}, failed: ${r.failed.join(', ')}, no verdict: ${r.errors.join(', ')})`);
    expect(survivors, 'mutants that survived').toEqual([]);
    expect(blurred, 'mutants that failed behaviours whose rule they do not break').toEqual([]);
    expect(accused, 'correct variants falsely accused').toEqual([]);
    expect(run.code).toBe(0);

    const serial = await runCli(['mutants', '--only', SAMPLE.join(',')], { METACONFORM_CONCURRENCY: '1' });
    const all = outcomes(run.resultsDir);
    const sampled = outcomes(serial.resultsDir);
    expect(Object.keys(sampled).length).toBeGreaterThan(1000);
    expect(Object.fromEntries(Object.keys(sampled).map((k) => [k, all[k]])), 'every test against the sampled variants, 8 at once vs one at a time').toEqual(sampled);
  }, 900_000);

  test('an unknown variant name for --only is a usage error', async () => {
    const run = await runCli(['mutants', '--only', 'no-such-mutant']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--only: unknown variant\(s\) no-such-mutant/);
  });
});
