import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { findBehaviour } from '../catalogue/index.ts';
import type { MatrixRow } from '../cli/matrix.ts';
import { MUTANTS } from '../reference/mutants/index.ts';
import { CORRECT_VARIANTS } from '../reference/variants.ts';
import type { RunRecord } from '../lib/results/records.ts';
import { runCli } from './helpers/cli.ts';

describe('detection power: the kill matrix', () => {
  test('every mutant declares behaviours that exist in the catalogue', () => {
    for (const [name, m] of Object.entries(MUTANTS)) {
      expect(m.violates.length, name).toBeGreaterThan(0);
      for (const id of m.violates) expect(findBehaviour(id), `${name} → ${id}`).toBeDefined();
    }
  });

  test('every mutant is caught by the behaviours it violates, and every correct variant passes; 1 or 8 tests at once give the same outcome for every test', async () => {
    const serial = await runCli(['mutants'], { METACONFORM_CONCURRENCY: '1' });
    const run = await runCli(['mutants'], { METACONFORM_CONCURRENCY: '8' });
    const outcomes = (dir: string) => Object.fromEntries((JSON.parse(readFileSync(join(dir, 'tests.json'), 'utf8')) as RunRecord).tests.map((t) => [`${t.target} ${t.name}`, t.outcome]));
    expect(Object.keys(outcomes(serial.resultsDir)).length).toBeGreaterThan(1000);
    expect(outcomes(run.resultsDir), 'every test against every variant, 8 at once vs one at a time').toEqual(outcomes(serial.resultsDir));
    // the kill matrix and its wall time, as the command printed them
    console.log(run.stdout.slice(run.stdout.indexOf('kill matrix')));
    const { rows } = JSON.parse(readFileSync(join(run.resultsDir, 'kill-matrix.json'), 'utf8')) as { rows: MatrixRow[] };
    expect(rows.map((r) => r.name).sort()).toEqual([...Object.keys(MUTANTS), ...Object.keys(CORRECT_VARIANTS)].sort());
    const survivors = rows.filter((r) => r.kind === 'mutant' && !r.ok).map((r) => `${r.name} (exit ${r.exitCode}, failed: ${r.failed.join(', ') || 'none'}, declared: ${r.violates.join(', ')})`);
    const accused = rows.filter((r) => r.kind === 'correct' && !r.ok).map((r) => `${r.name} (exit ${r.exitCode}, failed: ${r.failed.join(', ')}, no verdict: ${r.errors.join(', ')})`);
    expect(survivors, 'mutants that survived').toEqual([]);
    expect(accused, 'correct variants falsely accused').toEqual([]);
    expect(run.code).toBe(0);
  });
});
