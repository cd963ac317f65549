import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { ConfigError } from '../lib/errors.ts';
import { expectationsFromRun, loadExpectations, type Expectation } from '../lib/results/expectations.ts';
import type { TestRecord } from '../lib/results/records.ts';
import { summarise, type Summary } from '../lib/results/summary.ts';
import { nova } from '../profiles/nova.ts';
import { ROOT, runCli, tempDir } from './helpers/cli.ts';

/** Expectations as WPT keeps them: per behaviour, per API base (`api`) and per profile (`profile`). */

const file = (text: string) => {
  const path = join(tempDir('expect'), 'expectations.yaml');
  writeFileSync(path, text);
  return path;
};

const run = (id: string, outcomes: Record<string, TestRecord['outcome']>): TestRecord[] =>
  Object.entries(outcomes).map(([api, outcome]) => ({ name: `[${id}] t (${api})`, target: 'target', file: 'f', behaviour: id, api, outcome, ...(outcome === 'failed' ? { detail: `AssertionError: broken on ${api}` } : {}) }));

function status(tests: TestRecord[], entries: Expectation[], id = tests[0]!.behaviour) {
  const s = summarise({ tests, problems: [] }, nova, { selected: [id], expectations: { file: 'x.yaml', entries } });
  return { ...s.behaviours.find((b) => b.id === id)!, exitCode: s.exitCode, counts: s.counts };
}

const fail = (id: string, extra: Partial<Expectation> = {}): Expectation => ({ id, expect: 'fail', reason: 'bug 42', ...extra });

describe('expectations with api and profile', () => {
  test('an entry for /v2 makes only the /v2 failure known: the behaviour follows /v2.1', () => {
    expect(status(run('SM-BODY-006', { v2: 'failed', 'v2.1': 'passed' }), [fail('SM-BODY-006', { api: 'v2' })])).toMatchObject({ status: 'known', exitCode: 0, reason: expect.stringMatching(/^known failure on \/v2: bug 42 — \[v2\] AssertionError: broken on v2/) });
    const both = status(run('SM-BODY-006', { v2: 'failed', 'v2.1': 'failed' }), [fail('SM-BODY-006', { api: 'v2' })]);
    expect(both).toMatchObject({ status: 'failed', exitCode: 1, reason: expect.stringMatching(/^\[v2\.1\] AssertionError: broken on v2\.1 \(known failure on \/v2: bug 42/) });
    expect(status(run('SM-BODY-006', { v2: 'failed', 'v2.1': 'error' }), [fail('SM-BODY-006', { api: 'v2' })])).toMatchObject({ status: 'error', exitCode: 3 });
    // the other base's failure is not hidden by an entry for the base that passes, which is stale
    const other = status(run('SM-BODY-006', { v2: 'passed', 'v2.1': 'failed' }), [fail('SM-BODY-006', { api: 'v2' })]);
    expect(other).toMatchObject({ status: 'failed', stale: true, exitCode: 1, reason: expect.stringMatching(/\[v2\] passes, but expected to fail: bug 42$/) });
  });

  test('entries for both bases, or one for the behaviour, make both failures known; a passing base is stale', () => {
    const tests = run('SM-KEY-004', { v2: 'failed', 'v2.1': 'failed' });
    expect(status(tests, [fail('SM-KEY-004', { api: 'v2' }), fail('SM-KEY-004', { api: 'v2.1' })])).toMatchObject({ status: 'known', exitCode: 0 });
    expect(status(tests, [fail('SM-KEY-004')])).toMatchObject({ status: 'known', reason: expect.stringMatching(/^known failure: bug 42 — \[v2\]/) });
    expect(status(run('SM-KEY-004', { v2: 'passed', 'v2.1': 'passed' }), [fail('SM-KEY-004', { api: 'v2.1' })])).toMatchObject({ status: 'passed', stale: true });
    expect(status(run('SM-KEY-004', { v2: 'passed', 'v2.1': 'passed' }), [fail('SM-KEY-004')])).toMatchObject({ status: 'passed', stale: true, reason: 'passes, but expected to fail: bug 42' });
  });

  test('a stale entry fails the gate only with --strict-expectations', () => {
    const tests = run('SM-KEY-004', { v2: 'passed', 'v2.1': 'passed' });
    const strict = summarise({ tests, problems: [] }, nova, { selected: ['SM-KEY-004'], expectations: { file: 'x', entries: [fail('SM-KEY-004', { api: 'v2' })] }, strictExpectations: true });
    expect([strict.exitCode, strict.verdict]).toEqual([1, 'STALE EXPECTATIONS: SM-KEY-004 pass but are expected to fail']);
  });

  test('profile: entries of other profiles are left out when the file is loaded for a run', () => {
    const path = file(['- id: SM-HDR-001', '  profile: rackspace', '  expect: fail', '  reason: a', '- id: SM-HDR-001', '  profile: nova', '  api: v2.1', '  expect: fail', '  reason: b', '- id: SM-KEY-004', '  expect: skip', '  reason: c'].join('\n'));
    expect(loadExpectations(path, 'nova').entries).toEqual([
      { id: 'SM-HDR-001', profile: 'nova', api: 'v2.1', expect: 'fail', reason: 'b' },
      { id: 'SM-KEY-004', expect: 'skip', reason: 'c' },
    ]);
    expect(loadExpectations(path, 'rackspace').entries.map((e) => e.reason)).toEqual(['a', 'c']);
    expect(loadExpectations(path).entries).toHaveLength(3);
  });

  test.each([
    ['- id: SM-HDR-001\n  api: v3\n  expect: fail\n  reason: x\n', /api must be 'v2' or 'v2.1', got "v3"/],
    ['- id: SM-HDR-001\n  api: v2\n  expect: skip\n  reason: x\n', /expect: skip applies to the whole behaviour/],
    ['- id: SM-HDR-001\n  profile: openstack\n  expect: fail\n  reason: x\n', /unknown profile "openstack"/],
    ['- id: SM-HDR-001\n  profile: rackspace\n  api: v2.1\n  expect: fail\n  reason: x\n', /profile rackspace has no base v2\.1/],
    ['- id: SM-HDR-001\n  apis: v2\n  expect: fail\n  reason: x\n', /unknown field 'apis'/],
    ['- id: SM-HDR-001\n  api: v2\n  expect: fail\n  reason: a\n- id: SM-HDR-001\n  expect: fail\n  reason: b\n', /SM-HDR-001 is listed twice \(entries 1 and 2/],
    ['- id: SM-HDR-001\n  profile: nova\n  expect: fail\n  reason: a\n- id: SM-HDR-001\n  api: v2\n  expect: fail\n  reason: b\n', /listed twice/],
  ])('%j is a usage error', (text, message) => {
    expect(() => loadExpectations(file(text))).toThrow(ConfigError);
    expect(() => loadExpectations(file(text))).toThrow(message);
  });

  test('entries for different bases or profiles of one behaviour are not duplicates', () => {
    const text = '- id: SM-HDR-001\n  api: v2\n  expect: fail\n  reason: a\n- id: SM-HDR-001\n  api: v2.1\n  expect: fail\n  reason: b\n- id: SM-KEY-004\n  profile: nova\n  expect: fail\n  reason: c\n- id: SM-KEY-004\n  profile: huawei-ecs\n  expect: skip\n  reason: d\n';
    expect(loadExpectations(file(text)).entries).toHaveLength(4);
  });
});

describe('--write-expectations: a file started from a run', () => {
  const outcome = (tests: TestRecord[], extra: Partial<Summary> = {}) => ({ ...summarise({ tests, problems: [] }, nova, { selected: [...new Set(tests.map((t) => t.behaviour))] }), target: 'cloud.example.com', ...extra });

  test('one entry per failed behaviour, per base where only one base failed, reason TODO and the failure as a comment; it loads', () => {
    const tests = [...run('SM-BODY-006', { v2: 'passed', 'v2.1': 'failed' }), ...run('SM-HDR-001', { v2: 'failed', 'v2.1': 'failed' }), ...run('SM-KEY-004', { v2: 'passed', 'v2.1': 'passed' })];
    const text = expectationsFromRun(outcome(tests), '2026-11-30T00:00:00Z');
    expect(text).toContain('from the run of 2026-11-30T00:00:00Z against cloud.example.com (profile nova)');
    expect(text).toContain(['- id: SM-BODY-006', '  api: v2.1', '  profile: nova', '  expect: fail', '  reason: TODO', '  # [v2.1] AssertionError: broken on v2.1'].join('\n'));
    expect(text).toContain(['- id: SM-HDR-001', '  profile: nova', '  expect: fail', '  reason: TODO', '  # [v2] AssertionError: broken on v2', '  # [v2.1] AssertionError: broken on v2.1'].join('\n'));
    expect(text).not.toContain('SM-KEY-004');
    const path = file(text);
    expect(loadExpectations(path, 'nova').entries.map((e) => [e.id, e.api])).toEqual([['SM-BODY-006', 'v2.1'], ['SM-HDR-001', undefined]]);
  });

  test('a run without failures writes an empty list; known failures keep their entries', () => {
    const clean = expectationsFromRun(outcome(run('SM-KEY-004', { v2: 'passed', 'v2.1': 'passed' })), 'now');
    expect(loadExpectations(file(clean)).entries).toEqual([]);
    const entries = [fail('SM-HDR-001', { api: 'v2', link: 'https://bugs.example.com/42' })];
    const known = summarise({ tests: run('SM-HDR-001', { v2: 'failed', 'v2.1': 'passed' }), problems: [] }, nova, { selected: ['SM-HDR-001'], expectations: { file: 'x', entries } });
    expect(loadExpectations(file(expectationsFromRun({ ...known, expectations: { entries } }, 'now'))).entries).toEqual(entries);
  });

  test('end to end: the file a failing run writes makes the next run pass, with only the failing base known (summary and Allure)', async () => {
    const cwd = tempDir('write-expectations');
    const env = { METACONFORM_REFERENCE_MUTANT: 'extra-member-accepted-v2.1' };
    const first = await runCli(['run', '--behaviour', 'SM-BODY-006', '--write-expectations', 'known.yaml'], { ...env, METACONFORM_RESULTS_DIR: join(cwd, 'r1') }, cwd);
    expect(first.code, first.stdout.slice(-600)).toBe(1);
    expect(first.stdout).toMatch(/wrote 1 expectation\(s\) to known\.yaml: replace each "reason: TODO"/);
    expect(readFileSync(join(cwd, 'known.yaml'), 'utf8')).toMatch(/- id: SM-BODY-006\n {2}api: v2\.1\n {2}profile: nova\n {2}expect: fail\n {2}reason: TODO\n {2}# \[v2\.1\] AssertionError: expected status 400/);
    const again = await runCli(['run', '--behaviour', 'SM-BODY-006', '--expectations', 'known.yaml', '--write-expectations', 'known.yaml'], env, cwd);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/--write-expectations: known\.yaml exists/);
    const second = await runCli(['run', '--behaviour', 'SM-BODY-006', '--expectations', 'known.yaml'], { ...env, METACONFORM_RESULTS_DIR: join(cwd, 'r2') }, cwd);
    expect(second.code, second.stdout.slice(-600)).toBe(0);
    expect(second.stdout).toMatch(/KNOWN +SM-BODY-006 +known failure on \/v2\.1: TODO/);
    const allure = readdirSync(join(cwd, 'r2', 'allure-results')).filter((f) => f.endsWith('-result.json')).map((f) => JSON.parse(readFileSync(join(cwd, 'r2', 'allure-results', f), 'utf8')) as { name: string; status: string; statusDetails?: { known?: boolean } });
    expect(allure.map((r) => [r.name.replace(/^.*\((v2(?:\.1)?)\)$/, '$1'), r.status, r.statusDetails?.known ?? false]).sort()).toEqual([['v2', 'passed', false], ['v2.1', 'failed', true]]);
    expect((await runCli(['run', '--dry-run', '--write-expectations', 'x.yaml'], {}, cwd)).stderr).toMatch(/--write-expectations: a dry run has no failures to write/);
  });
});

describe('the example expectations file the nightly examples use', () => {
  const example = join(ROOT, 'examples', 'expectations.yaml');

  test('the examples refer to it, and it loads', () => {
    for (const ci of ['github-actions-nightly.yml', 'gitlab-ci.yml']) expect(readFileSync(join(ROOT, 'examples', ci), 'utf8')).toContain('--expectations examples/expectations.yaml');
    expect(existsSync(example)).toBe(true);
    expect(loadExpectations(example).entries).toEqual([]);
  });

  test('its commented examples are valid entries', () => {
    const lines = readFileSync(example, 'utf8').split('\n');
    const from = lines.findIndex((l) => l.startsWith('# - id:'));
    const block = lines.slice(from).filter((l) => /^# ( |-)/.test(l)).map((l) => l.slice(2));
    const entries = loadExpectations(file(block.join('\n'))).entries;
    expect(entries.map((e) => e.id)).toEqual(['SM-BODY-006', 'SM-KEY-004', 'SM-HDR-001']);
    expect(entries[0]).toMatchObject({ api: 'v2', profile: 'nova' });
  });
});
