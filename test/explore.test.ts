import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { againstEnvironment, EXIT_DIVERGED, parseExploreArgs } from '../cli/explore.ts';
import { ConfigError } from '../lib/errors.ts';
import { canonicalCase, requestOf, stepsArbitrary, validKey } from '../lib/explore/steps.ts';
import { parseJunit } from '../lib/results/junit.ts';
import { getProfile, PROFILES } from '../profiles/index.ts';
import { implementationFor, SEQUENCE_MUTANTS } from '../reference/mutants/index.ts';
import { cleanEnv, ROOT, runCli, startStandaloneReference, tempDir, type StandaloneReference } from './helpers/cli.ts';
import { envOf, expectCaught, exploreDoc, exploreInProcess, metadataOf, NAMES, summaryOf } from './helpers/explore.ts';

/**
 * `metaconform explore`: the steps it draws, the command against the embedded reference (every output), replay and
 * determinism, usage errors, --against, Ctrl-C. The sequence mutants against the suites and against the standalone
 * reference, and the correct variants, are test/explore-mutants.test.ts's.
 */

describe('the steps explore draws', () => {
  test.each(Object.values(PROFILES))('under $name: only what the catalogue fixes — valid keys in canonical case, values within the limits, no 4-byte character, no trailing newline, bodies under the size limit', (profile) => {
    const g = { profile, bases: profile.bases, quota: profile.quota.defaultLimit, operations: profile.operations };
    for (const steps of fc.sample(stepsArbitrary(g), { seed: 42, numRuns: 80 })) {
      for (const step of steps) {
        expect(profile.bases).toContain(step.api);
        const request = requestOf(step, { stored: { a: '1', [canonicalCase('key-2')]: 'v' } });
        expect(Buffer.byteLength(request.body ?? '')).toBeLessThan(profile.requestBody.maxBytes / 4);
        expect(request.body ?? '').not.toMatch(/[\u{10000}-\u{10FFFF}]|\\ud[89ab]/u);
        if (request.key !== undefined) expect(request.key.endsWith('\n')).toBe(false);
        if (step.op === 'replaceAll' || step.op === 'merge' || step.op === 'setItem') {
          const body = JSON.parse(request.body!) as { metadata?: Record<string, string>; meta?: Record<string, string> };
          for (const [k, v] of Object.entries(body.metadata ?? body.meta ?? {})) {
            expect(canonicalCase(k), 'keys differing only in case are never drawn').toBe(k);
            expect(validKey(profile, k), k).toBe(true);
            expect([...v].length).toBeGreaterThanOrEqual(profile.values.minLength);
            expect([...v].length).toBeLessThanOrEqual(profile.values.maxLength);
          }
        }
      }
    }
  });

  test('the same seed draws the same sequences', () => {
    const profile = getProfile('nova');
    const g = { profile, bases: profile.bases, quota: 128, operations: profile.operations };
    expect(fc.sample(stepsArbitrary(g), { seed: 7, numRuns: 20 })).toEqual(fc.sample(stepsArbitrary(g), { seed: 7, numRuns: 20 }));
  });
});

describe('metaconform explore against the embedded reference', () => {
  test.each(NAMES)('%s (METACONFORM_REFERENCE_MUTANT): caught, shrunk, reported in every output', async (name) => {
    const run = await runCli(['explore', '--seed', '1', '--requests', String(SEQUENCE_MUTANTS[name]!.budget)], { METACONFORM_REFERENCE_MUTANT: name });
    expectCaught(run, name);
    const dir = join(run.resultsDir, 'explore');
    const junit = parseJunit(readFileSync(join(dir, 'junit.xml'), 'utf8'));
    expect(junit.cases.map((c) => [c.behaviour, c.status])).toEqual([['SM-SEQ-001', 'advisory-failed']]);
    const cert = JSON.parse(readFileSync(join(dir, 'certification.json'), 'utf8')) as { selection: string; behaviours: { id: string; status: string }[] };
    expect(cert.selection).toMatch(/seed 1, budget \d+ requests/);
    expect(cert.behaviours).toEqual([expect.objectContaining({ id: 'SM-SEQ-001', status: 'advisory-failed' })]);
    const allure = readdirSync(join(dir, 'allure-results')).filter((f) => f.endsWith('-result.json')).map((f) => JSON.parse(readFileSync(join(dir, 'allure-results', f), 'utf8')) as { status: string; labels: { name: string; value: string }[]; steps: { name: string; attachments: unknown[] }[]; statusDetails: { message?: string } });
    expect(allure).toHaveLength(1);
    expect(allure[0]!.status).toBe('failed');
    expect(allure[0]!.statusDetails.message).toMatch(/^ADVISORY FAILED/);
    expect(allure[0]!.labels).toEqual(expect.arrayContaining([{ name: 'behaviour', value: 'SM-SEQ-001' }, { name: 'level', value: 'advisory' }]));
    expect(allure[0]!.steps.length).toBe(exploreDoc(run.resultsDir).divergence!.sequence.length);
    expect(allure[0]!.steps.at(-1)!.name).toMatch(/DIVERGED/);
    expect(readFileSync(join(dir, 'allure-results', 'environment.properties'), 'utf8')).toMatch(/seed=1/);
  });

  test('nothing configured: the correct reference, no divergence, exit 0, the seed and budget said', async () => {
    const run = await runCli(['explore', '--seed', '5', '--requests', '200']);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toMatch(/explore, seed 5, budget 200 requests/);
    expect(run.stdout).toMatch(/verdict: NO DIVERGENCE: \d+ sequence\(s\), \d+ step\(s\)/);
    expect(summaryOf(run.resultsDir).behaviours.map((b) => [b.id, b.status])).toEqual([['SM-SEQ-001', 'passed']]);
    expect(existsSync(join(run.resultsDir, 'explore', 'replay.sh'))).toBe(false);
  });

  test('the same seed explores, diverges and shrinks the same way', async () => {
    const profile = getProfile('nova');
    const [a, b] = [await exploreInProcess(profile, implementationFor(profile, 'list-stale-after-third-delete'), 4, 700, 2000), await exploreInProcess(profile, implementationFor(profile, 'list-stale-after-third-delete'), 4, 700, 2000)];
    expect(a.divergence?.steps.length).toBeGreaterThan(0);
    expect([b.sequences, b.steps, b.used, b.divergence?.found, b.divergence?.steps]).toEqual([a.sequences, a.steps, a.used, a.divergence?.found, a.divergence?.steps]);
  });

  test('--replay runs exactly the shrunk sequence again: it diverges again against the mutant, not against the reference', async () => {
    const name = 'delete-resurrected-by-merge';
    const first = await runCli(['explore', '--seed', '1', '--requests', '300'], { METACONFORM_REFERENCE_MUTANT: name });
    expect(first.code).toBe(EXIT_DIVERGED);
    const sequence = join(first.resultsDir, 'explore', 'sequence.json');
    const replay = await runCli(['explore', '--replay', sequence, '--results-dir', join(first.resultsDir, 'replay')], { METACONFORM_REFERENCE_MUTANT: name });
    expect(replay.code, replay.stdout).toBe(EXIT_DIVERGED);
    expect(replay.stdout).toMatch(/replay of the \d-step sequence of .*sequence\.json \(seed 1\)/);
    const replayed = JSON.parse(readFileSync(join(first.resultsDir, 'replay', 'sequence.json'), 'utf8')) as { sequence: unknown };
    expect(replayed.sequence).toEqual(exploreDoc(first.resultsDir).divergence!.sequence);
    const correct = await runCli(['explore', '--replay', sequence, '--results-dir', join(first.resultsDir, 'correct')]);
    expect(correct.code, correct.stdout).toBe(0);
  });

  test.each([
    [['--seed', 'x'], /--seed: must be a whole number/],
    [['--requests', '3'], /--requests: must be a whole number from 8/],
    [['--frobnicate'], /--frobnicate: unknown option/],
    [['--replay', '/nonexistent/sequence.json'], /--replay: cannot read/],
  ])('%j is a usage error (exit 2), nothing sent', async (args, message) => {
    const run = await runCli(['explore', ...args]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
  });

  test('the second target of --against is configured from METACONFORM_AGAINST_* variables, never from the first target\'s', () => {
    const env = againstEnvironment('https://nova.example.com/v2.1', { OS_TOKEN: 'first', METACONFORM_SERVER_ID: 's1', METACONFORM_PROFILE: 'nova', METACONFORM_AGAINST_OS_TOKEN: 'second', METACONFORM_AGAINST_SERVER_ID: 's2', OS_CLIENT_CONFIG_FILE: '/c.yaml' });
    expect(env).toEqual({ METACONFORM_PROFILE: 'nova', OS_CLIENT_CONFIG_FILE: '/c.yaml', OS_TOKEN: 'second', METACONFORM_SERVER_ID: 's2', METACONFORM_COMPUTE_URL: 'https://nova.example.com/v2.1', METACONFORM_TARGET: 'endpoint' });
    expect(againstEnvironment('reference-nova', {}).OS_CLOUD).toBe('reference-nova');
    expect(() => parseExploreArgs(['--requests', '7'])).toThrow(ConfigError);
    expect(parseExploreArgs([]).requests).toBe(300);
  });
});

describe('metaconform explore against the standalone reference (an endpoint)', () => {
  const started: StandaloneReference[] = [];
  afterAll(async () => {
    await Promise.all(started.map((r) => r.stop()));
  });

  describe('--against a second target', () => {
    let faulty: StandaloneReference;
    let correct: StandaloneReference;
    beforeAll(async () => {
      [faulty, correct] = await Promise.all([startStandaloneReference(['--mutant', 'delete-resurrected-by-merge']), startStandaloneReference()]);
      started.push(faulty, correct);
    });

    test('differences are reported, not judged (SM-SEQ-001 not applicable, exit 4); both servers are restored', async () => {
      const [before, beforeOther] = [await metadataOf(faulty), await metadataOf(correct)];
      const run = await runCli(['explore', '--seed', '1', '--requests', '300', '--against', correct.settings.METACONFORM_COMPUTE_URL], {
        ...envOf(faulty),
        METACONFORM_AGAINST_OS_TOKEN: correct.token,
        METACONFORM_AGAINST_OS_PROJECT_ID: correct.settings.OS_PROJECT_ID,
        METACONFORM_AGAINST_SERVER_ID: correct.settings.METACONFORM_SERVER_ID,
      });
      expect(run.stderr).not.toMatch(/internal error|configuration error/);
      expect(run.code, run.stdout).toBe(EXIT_DIVERGED);
      expect(run.stdout).toMatch(/DIFFERENCE in sequence/);
      const summary = summaryOf(run.resultsDir);
      expect(summary.behaviours.map((b) => [b.id, b.status])).toEqual([['SM-SEQ-001', 'not-applicable']]);
      expect(summary.verdict).toMatch(/^DIFFERENT \(reported, not judged\)/);
      expect([await metadataOf(faulty), await metadataOf(correct)]).toEqual([before, beforeOther]);
      expect(run.stdout).not.toContain(correct.token);
    });

    test('two correct targets: no difference, exit 0', async () => {
      const other = await startStandaloneReference();
      started.push(other);
      const run = await runCli(['explore', '--seed', '2', '--requests', '120', '--against', other.settings.METACONFORM_COMPUTE_URL], {
        ...envOf(correct),
        METACONFORM_AGAINST_OS_TOKEN: other.token,
        METACONFORM_AGAINST_OS_PROJECT_ID: other.settings.OS_PROJECT_ID,
        METACONFORM_AGAINST_SERVER_ID: other.settings.METACONFORM_SERVER_ID,
      });
      expect(run.code, run.stdout + run.stderr).toBe(0);
      expect(run.stdout).toMatch(/verdict: NO DIFFERENCE/);
    });
  });

  test('Ctrl-C stops the exploration, restores the server and exits 130', async () => {
    const ref = await startStandaloneReference();
    started.push(ref);
    const before = await metadataOf(ref);
    const { spawn } = await import('node:child_process');
    const cwd = tempDir('cwd');
    const child = spawn(process.execPath, [join(ROOT, 'bin', 'metaconform.mjs'), 'explore', '--requests', '1000000'], { cwd, env: cleanEnv(envOf(ref)), stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let interrupted = false;
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (!interrupted && out.includes('metaconform: explore, seed')) {
        interrupted = true;
        setTimeout(() => child.kill('SIGINT'), 1500);
      }
    });
    const code = await new Promise<number | null>((done) => child.on('close', done));
    expect(code, out).toBe(130);
    expect(out).toMatch(/SIGINT received: stopping the exploration/);
    expect(out).toMatch(/verdict: STOPPED: SIGINT received/);
    expect(await metadataOf(ref)).toEqual(before);
  });
});
