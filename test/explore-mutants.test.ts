import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { getProfile } from '../profiles/index.ts';
import { implementationFor, MUTANTS, SEQUENCE_MUTANTS } from '../reference/mutants/index.ts';
import { CORRECT_VARIANTS, variantImplementation } from '../reference/variants.ts';
import { runCli, startStandaloneReference, type StandaloneReference } from './helpers/cli.ts';
import { envOf, expectCaught, exploreInProcess, metadataOf, NAMES, SEEDS } from './helpers/explore.ts';

/**
 * The sequence mutants (reference/mutants/sequences.ts): the conformance suites miss every one, `metaconform explore`
 * catches each within its stated budget (in this process with seeds 1-3, and through the command against the
 * standalone reference), and finds no divergence in the correct variants. The command against the embedded
 * reference, and its outputs, are test/explore.test.ts's.
 */

describe('sequence mutants: faults only a sequence exposes', () => {
  test('they are kept out of MUTANTS (the kill matrix requires each of those to fail in a conformance run) and are selectable by name', () => {
    for (const name of NAMES) {
      expect(Object.hasOwn(MUTANTS, name), name).toBe(false);
      expect(implementationFor(getProfile('nova'), name).forServer, name).toBeTypeOf('function');
    }
    expect(NAMES.length).toBeGreaterThanOrEqual(5);
  });

  test.each(NAMES)('%s: the conformance suites miss it (a full run against it exits 0)', async (name) => {
    const run = await runCli(['run'], { METACONFORM_REFERENCE_MUTANT: name });
    expect(run.stderr).not.toMatch(/internal error/);
    expect(run.code, run.stdout.slice(-1500)).toBe(0);
  });

  test.each(NAMES)('%s: explore catches it within its stated budget with each seed', async (name) => {
    const profile = getProfile('nova');
    const { budget } = SEQUENCE_MUTANTS[name]!;
    for (const seed of SEEDS) {
      const result = await exploreInProcess(profile, implementationFor(profile, name), seed, budget);
      expect(result.outcome, `${name}, seed ${seed}: ${result.sequences} sequences, ${result.used.exploring} requests`).toBe('diverged');
      expect(result.divergence!.found.requests).toBeLessThanOrEqual(budget);
    }
  });

  test.each(Object.keys(CORRECT_VARIANTS))('correct variant %s: no divergence', async (name) => {
    const { profile, implementation } = variantImplementation(CORRECT_VARIANTS[name]!);
    const result = await exploreInProcess(profile, implementation, 11, 600);
    expect(result.divergence?.run.records.at(-1)?.request.label, name).toBeUndefined();
    expect(result.outcome).toBe('agree');
    expect(result.used.exploring).toBeGreaterThan(590);
  });
});

describe('sequence mutants in the standalone reference (an endpoint), through metaconform explore', () => {
  const started: StandaloneReference[] = [];
  afterAll(async () => {
    await Promise.all(started.map((r) => r.stop()));
  });

  test.each(NAMES)('%s (reference --mutant): caught and shrunk; the server\'s metadata put back, its marker released', async (name) => {
    const ref = await startStandaloneReference(['--mutant', name]);
    started.push(ref);
    const before = await metadataOf(ref);
    const run = await runCli(['explore', '--seed', '1', '--requests', String(SEQUENCE_MUTANTS[name]!.budget)], envOf(ref));
    expectCaught(run, name);
    expect(await metadataOf(ref)).toEqual(before);
    expect(run.stdout).not.toContain(ref.token);
    expect(readFileSync(join(run.resultsDir, 'explore', 'run-journal.json'), 'utf8')).toContain(ref.settings.METACONFORM_SERVER_ID);
  });
});
