import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { CATALOGUE } from '../catalogue/index.ts';
import { resolveSelection, EMPTY_SELECTION } from '../cli/selection.ts';
import { ConfigError } from '../lib/errors.ts';
import { loadExpectations } from '../lib/results/expectations.ts';
import type { Summary } from '../lib/results/summary.ts';
import { runCli, tempDir } from './helpers/cli.ts';

describe('selection', () => {
  test('nothing selected is the full catalogue', () => {
    const s = resolveSelection(EMPTY_SELECTION, 'nova');
    expect([s.partial, s.ids.length, s.description]).toEqual([false, CATALOGUE.length, 'full catalogue']);
  });

  test('globs, tags and exclusions (by ID, glob or tag)', () => {
    expect(resolveSelection({ behaviours: ['SM-KEY-00*'], tags: [], exclude: ['SM-KEY-006'] }, 'nova').ids).toEqual(['SM-KEY-001', 'SM-KEY-002', 'SM-KEY-003', 'SM-KEY-004', 'SM-KEY-005', 'SM-KEY-007', 'SM-KEY-008']);
    const image = resolveSelection({ behaviours: [], tags: ['image'], exclude: [] }, 'nova');
    expect(image.ids.every((id) => id.startsWith('IM-'))).toBe(true);
    expect(image.description).toMatch(/^PARTIAL RUN: \d+ of \d+ behaviours \(tags image\)$/);
    expect(resolveSelection({ behaviours: [], tags: [], exclude: ['image'] }, 'nova').ids.some((id) => id.startsWith('IM-'))).toBe(false);
  });

  test.each([
    [{ behaviours: ['XX-*'], tags: [], exclude: [] }, '--behaviour', /matches no behaviour/],
    [{ behaviours: [], tags: ['nosuch'], exclude: [] }, '--tag', /unknown tag/],
    [{ behaviours: ['SM-KEY-001'], tags: [], exclude: ['SM-KEY-*'] }, '--behaviour', /leaves no behaviour/],
  ])('%j is a usage error naming %s', (sel, variable, message) => {
    expect(() => resolveSelection(sel, 'nova')).toThrow(ConfigError);
    expect(() => resolveSelection(sel, 'nova')).toThrow(message);
    try {
      resolveSelection(sel, 'nova');
    } catch (e) {
      expect((e as ConfigError).variable).toBe(variable);
    }
  });
});

describe('expectations files', () => {
  const file = (text: string) => {
    const path = join(tempDir('expect'), 'expectations.yaml');
    writeFileSync(path, text);
    return path;
  };

  test('a list of known failures with reasons and links', () => {
    const path = file('- id: SM-HDR-001\n  expect: fail\n  reason: vendor bug 123\n  link: https://bugs.example.com/123\n- id: SM-KEY-004\n  expect: skip\n  reason: no spaces\n');
    expect(loadExpectations(path).entries).toEqual([
      { id: 'SM-HDR-001', expect: 'fail', reason: 'vendor bug 123', link: 'https://bugs.example.com/123' },
      { id: 'SM-KEY-004', expect: 'skip', reason: 'no spaces' },
    ]);
  });

  test.each([
    ['- id: SM-NOPE-001\n  expect: fail\n  reason: x\n', /unknown behaviour 'SM-NOPE-001'/],
    ['- id: SM-HDR-001\n  expect: maybe\n  reason: x\n', /expect must be 'fail' or 'skip'/],
    ['- id: SM-HDR-001\n  expect: fail\n', /a reason is required/],
    ['- id: SM-HDR-001\n  expect: fail\n  reason: a\n- id: SM-HDR-001\n  expect: skip\n  reason: b\n', /listed twice/],
    ['id: x', /must hold a list/],
  ])('%j is refused', (text, message) => {
    expect(() => loadExpectations(file(text))).toThrow(message);
  });
});

describe('selection and expectations in a run', () => {
  const summaryOf = (dir: string) => JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as Summary & { selection: { description: string } };

  test('--dry-run prints the selection and sends nothing', async () => {
    const run = await runCli(['run', '--behaviour', 'SM-MERGE-*', '--dry-run']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`dry run.*PARTIAL RUN: 4 of ${CATALOGUE.length} behaviours.*no request is sent`));
    for (const id of ['SM-MERGE-001', 'SM-MERGE-002', 'SM-MERGE-003', 'SM-MERGE-004']) expect(run.stdout).toContain(id);
    expect(run.stdout).not.toContain('SM-LIST-001');
  });

  test('a partial run says so in its summary, certification and Allure environment', async () => {
    const run = await runCli(['run', '--tag', 'parity']);
    expect(run.code, run.stderr).toBe(0);
    const summary = summaryOf(run.resultsDir);
    expect(summary.behaviours.map((b) => b.id).sort()).toEqual(['SM-V2-001', 'SM-V2-002']);
    expect(summary.selection.description).toMatch(/^PARTIAL RUN/);
    expect(readFileSync(join(run.resultsDir, 'certification.md'), 'utf8')).toMatch(/\| selection \| PARTIAL RUN/);
    expect(readFileSync(join(run.resultsDir, 'allure-results', 'environment.properties'), 'utf8')).toMatch(/selection.*PARTIAL RUN/);
  });

  test('an expected failure is known (exit 0); a stale expectation is reported, and fails the gate when strict', async () => {
    const dir = tempDir('expect-run');
    const path = join(dir, 'known.yaml');
    writeFileSync(path, '- id: SM-HDR-001\n  expect: fail\n  reason: the vendor drops request ids (bug 42)\n');
    const known = await runCli(['run', '--behaviour', 'SM-HDR-*', '--expectations', path], { METACONFORM_REFERENCE_MUTANT: 'no-request-id' });
    expect(known.code, known.stdout.slice(-800)).toBe(0);
    expect(known.stdout).toMatch(/KNOWN +SM-HDR-001 +known failure: the vendor drops request ids/);
    expect(summaryOf(known.resultsDir).counts.known).toBe(1);
    const stale = await runCli(['run', '--behaviour', 'SM-HDR-001', '--expectations', path]);
    expect(stale.code).toBe(0);
    expect(stale.stdout).toMatch(/STALE +SM-HDR-001/);
    const strict = await runCli(['run', '--behaviour', 'SM-HDR-001', '--expectations', path, '--strict-expectations']);
    expect(strict.code).toBe(1);
    expect(strict.stdout).toMatch(/STALE EXPECTATIONS: SM-HDR-001/);
  });

  test('an expectation naming an unknown behaviour is a usage error', async () => {
    const path = join(tempDir('expect-bad'), 'bad.yaml');
    writeFileSync(path, '- id: SM-NOPE-001\n  expect: fail\n  reason: x\n');
    const run = await runCli(['run', '--expectations', path]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--expectations: .*unknown behaviour 'SM-NOPE-001'/);
  });

  test('--retries reports a behaviour that fails and then passes as FLAKY, never as passed', async () => {
    const once = await runCli(['run', '--behaviour', 'SM-SHOW-001'], { METACONFORM_REFERENCE_MUTANT: 'flaky-first-item' });
    expect(once.code).toBe(1);
    const retried = await runCli(['run', '--behaviour', 'SM-SHOW-001', '--retries', '1'], { METACONFORM_REFERENCE_MUTANT: 'flaky-first-item' });
    expect(retried.code, retried.stdout.slice(-800)).toBe(0);
    expect(retried.stdout).toMatch(/retry 1 of 1: SM-SHOW-001/);
    expect(retried.stdout).toMatch(/FLAKY +SM-SHOW-001/);
    expect(summaryOf(retried.resultsDir).behaviours.find((b) => b.id === 'SM-SHOW-001')?.status).toBe('flaky');
  });

  test('--rerun-failed runs only what failed in an earlier results folder', async () => {
    const first = await runCli(['run', '--tag', 'core'], { METACONFORM_REFERENCE_MUTANT: 'merge-answers-request-only' });
    expect(first.code).toBe(1);
    const failed = summaryOf(first.resultsDir).behaviours.filter((b) => b.status === 'failed').map((b) => b.id);
    const rerun = await runCli(['run', '--rerun-failed', first.resultsDir], { METACONFORM_RESULTS_DIR: join(tempDir('rerun'), 'r') });
    expect(rerun.code).toBe(0);
    expect(summaryOf(rerun.resultsDir).behaviours.map((b) => b.id).sort()).toEqual([...failed].sort());
    const nothing = await runCli(['run', '--rerun-failed', rerun.resultsDir]);
    expect(nothing.stdout).toMatch(/nothing to rerun/);
  });

  test('each run appends to history.jsonl; report --trend shows the last outcomes and when they changed', async () => {
    const resultsDir = join(tempDir('nightly'), 'results');
    const env = { METACONFORM_RESULTS_DIR: resultsDir };
    expect((await runCli(['run', '--tag', 'headers'], env)).code).toBe(0);
    expect((await runCli(['run', '--tag', 'headers'], env)).code).toBe(0);
    expect((await runCli(['run', '--tag', 'headers'], { ...env, METACONFORM_REFERENCE_MUTANT: 'no-request-id' })).code).toBe(1);
    const history = readFileSync(join(resultsDir, 'history.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { failed: string[]; profile: string; selection: string });
    expect(history.map((h) => h.failed)).toEqual([[], [], ['SM-HDR-001']]);
    expect(history.every((h) => h.profile === 'nova' && h.selection.startsWith('PARTIAL RUN'))).toBe(true);
    const trend = await runCli(['report', '--trend', '--last', '3'], env);
    expect(trend.code).toBe(0);
    expect(trend.stdout).toMatch(/SM-HDR-001 +✓✓✗ +changed in the run of /);
    expect(trend.stdout).toMatch(/SM-HDR-002 +✓✓✓\n/);
    const report = await runCli(['report'], env);
    expect(report.code).toBe(0);
    expect(readFileSync(join(resultsDir, 'allure-history.jsonl'), 'utf8').trim().split('\n').length).toBe(1);
  });
});
