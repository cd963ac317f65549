import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { findBehaviour } from '../catalogue/index.ts';
import type { Summary } from '../lib/results/summary.ts';
import { MUTANTS } from '../reference/mutants/index.ts';
import { runCli } from './helpers/cli.ts';

describe('mutant catalogue', () => {
  test('every mutant declares behaviours that exist in the catalogue', () => {
    for (const [name, m] of Object.entries(MUTANTS)) {
      expect(m.violates.length, name).toBeGreaterThan(0);
      for (const id of m.violates) expect(findBehaviour(id), `${name} → ${id}`).toBeDefined();
    }
  });

  test.concurrent.each(Object.keys(MUTANTS))('mutant %s is caught by the behaviours it violates', async (name) => {
    const run = await runCli(['run'], { METACONFORM_REFERENCE_MUTANT: name });
    expect(run.code, run.stdout.slice(-2000) + run.stderr).toBe(1);
    const summary = JSON.parse(readFileSync(join(run.resultsDir, 'summary.json'), 'utf8')) as Summary;
    const failed = summary.behaviours.filter((b) => b.status === 'failed').map((b) => b.id);
    expect(failed).toEqual(expect.arrayContaining([...MUTANTS[name]!.violates]));
  });
});
