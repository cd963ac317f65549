import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { runCli, tempDir } from './helpers/cli.ts';

const ONE = ['run', '--behaviour', 'SM-LIST-001,SM-KEY-002'];

describe('many targets: at once in one invocation, or merged from separate runs (a CI matrix)', () => {
  test('--region runs the targets at the same time, each line prefixed with its target, and writes one matrix', async () => {
    const run = await runCli([...ONE, '--region', 'r1,r2,r3', '--targets-at-once', '3']);
    expect(run.code, run.stdout.slice(-800) + run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^\[r1\] /m);
    expect(run.stdout).toMatch(/^\[r3\] /m);
    const matrix = JSON.parse(readFileSync(join(run.resultsDir, 'matrix.json'), 'utf8')) as { targets: { label: string; exitCode: number }[] };
    expect(matrix.targets.map((t) => [t.label, t.exitCode])).toEqual([['r1', 0], ['r2', 0], ['r3', 0]]);
  });

  test('--targets-at-once outside 1-64 is a usage error', async () => {
    const run = await runCli([...ONE, '--region', 'r1,r2', '--targets-at-once', '0']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--targets-at-once: must be a whole number from 1 to 64/);
  });

  test('merge: folders of separate runs (one conformant, one failing, one without a verdict) become one matrix, one history and the worst exit status', async () => {
    const root = tempDir('merge');
    const east = join(root, 'east');
    const west = join(root, 'west');
    const north = join(root, 'north');
    expect((await runCli(ONE, { METACONFORM_RESULTS_DIR: east })).code).toBe(0);
    expect((await runCli(ONE, { METACONFORM_RESULTS_DIR: west, METACONFORM_REFERENCE_MUTANT: 'empty-key-accepted' })).code).toBe(1);
    mkdirSync(north); // a job that died before writing anything
    const out = join(root, 'all');
    const merged = await runCli(['merge', east, west, north, '--results-dir', out]);
    expect(merged.code, merged.stdout + merged.stderr).toBe(1);
    expect(merged.stdout).toMatch(/north holds no readable summary\.json: counted as no verdict/);
    const matrix = JSON.parse(readFileSync(join(out, 'matrix.json'), 'utf8')) as { targets: { label: string; exitCode: number }[]; differing: string[]; behaviours: Record<string, Record<string, string | null>> };
    expect(matrix.targets.map((t) => [t.label, t.exitCode])).toEqual([['east', 0], ['west', 1], ['north', 3]]);
    expect(matrix.behaviours['SM-KEY-002']).toEqual({ east: 'passed', west: 'failed', north: null });
    expect(matrix.differing).toContain('SM-KEY-002');
    expect(readFileSync(join(out, 'matrix.html'), 'utf8')).toContain('west');
    const history = readFileSync(join(out, 'history.jsonl'), 'utf8').trim().split('\n');
    expect(history).toHaveLength(2);
    // merging again adds nothing twice
    await runCli(['merge', east, west, north, '--results-dir', out]);
    expect(readFileSync(join(out, 'history.jsonl'), 'utf8').trim().split('\n')).toHaveLength(2);
  });

  test('merge of a folder that does not exist is a usage error', async () => {
    const run = await runCli(['merge', '/nonexistent/results']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/not a results folder: \/nonexistent\/results/);
  });
});
