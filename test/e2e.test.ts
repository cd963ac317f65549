import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { CATALOGUE } from '../catalogue/index.ts';
import type { Summary } from '../lib/results/summary.ts';
import { filesBelow, runCli, startStandaloneReference, type StandaloneReference } from './helpers/cli.ts';

function summaryOf(resultsDir: string): Summary {
  return JSON.parse(readFileSync(join(resultsDir, 'summary.json'), 'utf8')) as Summary;
}

function failedIds(resultsDir: string): string[] {
  return summaryOf(resultsDir).behaviours.filter((b) => b.status === 'failed').map((b) => b.id);
}

describe('conformance run against the embedded reference (nothing configured)', () => {
  test('exits 0 with a per-behaviour summary, Allure results and JUnit', async () => {
    const run = await runCli(['run']);
    expect(run.stderr).not.toMatch(/internal error|configuration error/);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/behaviours: \d+ passed, 0 failed, 0 not applicable, 0 no verdict/);
    expect(run.stdout).toContain('verdict: CONFORMANT');
    const summary = summaryOf(run.resultsDir);
    const required = CATALOGUE.filter((b) => b.level === 'required').map((b) => b.id);
    expect(summary.behaviours.filter((b) => b.status === 'passed').map((b) => b.id)).toEqual(expect.arrayContaining(required));
    // every behaviour ran on both bases
    // every behaviour with a test ran on both bases (a parity test runs once across them)
    for (const b of summary.behaviours.filter((x) => x.tests.length && !x.tests.some((t) => t.api.includes('+')))) expect(b.tests.map((t) => t.api).sort(), b.id).toEqual(['v2', 'v2.1']);
    // untested: informational behaviours no check reached, and what only `metaconform explore` judges (SM-SEQ-001)
    expect(summary.behaviours.filter((b) => b.status === 'untested').every((b) => b.level === 'informational' || CATALOGUE.find((c) => c.id === b.id)!.tags.includes('explore'))).toBe(true);
    // and the summary says what judges a behaviour of sequences
    expect(run.stdout).toMatch(/UNTESTED SM-SEQ-001 {2}judged by metaconform explore, not by a conformance run/);
    expect(readFileSync(join(run.resultsDir, 'junit.xml'), 'utf8')).toContain('[SM-REPLACE-001]');
    const allure = readdirSync(join(run.resultsDir, 'allure-results'));
    const results = allure.filter((f) => f.endsWith('-result.json')).map((f) => JSON.parse(readFileSync(join(run.resultsDir, 'allure-results', f), 'utf8')) as { labels: { name: string; value: string }[]; parameters: { name: string }[]; steps: { attachments: unknown[] }[] });
    expect(results.length).toBe(summary.behaviours.reduce((n, b) => n + b.tests.length, 0));
    for (const r of results) {
      expect(r.labels.map((l) => l.name)).toEqual(expect.arrayContaining(['behaviour', 'epic', 'feature', 'story']));
      expect(r.parameters.map((p) => p.name)).toContain('api');
      expect(r.steps.some((s) => s.attachments.length > 0)).toBe(true);
    }

    const report = await runCli(['report'], { METACONFORM_RESULTS_DIR: run.resultsDir });
    expect(report.code).toBe(0);
    for (const page of ['index.html', 'awesome/index.html', 'dashboard/index.html']) {
      const html = readFileSync(join(run.resultsDir, 'allure-report', page), 'utf8');
      expect(html, page).not.toMatch(/googletagmanager|gtag\(/);
      // nothing the page would load from another host: scripts, styles, images, frames
      expect(html, page).not.toMatch(/<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)="(?:https?:)?\/\//i);
    }
  });

  test('a fault-injected reference (PUT merges) exits 1 naming SM-REPLACE-001', async () => {
    const run = await runCli(['run'], { METACONFORM_REFERENCE_MUTANT: 'put-merges' });
    expect(run.code).toBe(1);
    expect(failedIds(run.resultsDir)).toContain('SM-REPLACE-001');
    expect(run.stdout).toMatch(/failed behaviour IDs: .*SM-REPLACE-001/);
    expect(run.stdout).toContain('verdict: NON-CONFORMANT');
  });
});

describe('conformance run against an endpoint', () => {
  let correct: StandaloneReference;
  let faulty: StandaloneReference;
  beforeAll(async () => {
    [correct, faulty] = await Promise.all([startStandaloneReference(), startStandaloneReference(['--mutant', 'echo-not-stored'])]);
  });
  afterAll(async () => {
    await Promise.all([correct?.stop(), faulty?.stop()]);
  });

  const envFor = (ref: StandaloneReference, extra: Record<string, string> = {}) => ({ ...ref.settings, OS_TOKEN: ref.token, ...extra });

  async function metadataOf(ref: StandaloneReference): Promise<unknown> {
    const { METACONFORM_COMPUTE_URL: url, OS_PROJECT_ID: p, METACONFORM_SERVER_ID: s } = ref.settings;
    const res = await fetch(`${url}/${p}/servers/${s}/metadata`, { headers: { 'X-Auth-Token': ref.token } });
    return res.json();
  }

  test('a correct implementation passes, its metadata is restored and the token appears nowhere', async () => {
    const before = await metadataOf(correct);
    const run = await runCli(['run'], envFor(correct));
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(await metadataOf(correct)).toEqual(before);
    for (const text of [run.stdout, run.stderr]) expect(text).not.toContain(correct.token);
    const files = filesBelow(run.resultsDir);
    expect(files.length).toBeGreaterThan(50);
    for (const [file, content] of files) expect(content.includes(correct.token), file).toBe(false);
    expect(files.some(([, c]) => c.includes('X-Auth-Token: ***'))).toBe(true);
  });

  test('a faulty implementation (writes not stored) exits 1 naming the failing behaviours', async () => {
    const run = await runCli(['run'], envFor(faulty));
    expect(run.code).toBe(1);
    expect(failedIds(run.resultsDir)).toEqual(expect.arrayContaining(['SM-REPLACE-001', 'SM-MERGE-001', 'SM-SET-001']));
    expect(run.stdout).not.toContain(faulty.token);
  });

  test('a rejected token is a configuration error (exit 2) naming OS_TOKEN', async () => {
    const run = await runCli(['run'], envFor(correct, { OS_TOKEN: 'wrong-token-value' }));
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/configuration error: OS_TOKEN: the token was rejected by the compute endpoint \(401\)/);
    expect(run.stderr).not.toContain('wrong-token-value');
  });

  test('an unknown server is a configuration error (exit 2) naming METACONFORM_SERVER_ID', async () => {
    const run = await runCli(['run'], envFor(correct, { METACONFORM_SERVER_ID: '00000000-0000-0000-0000-000000000000' }));
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/METACONFORM_SERVER_ID: server '0{8}-0{4}-0{4}-0{4}-0{12}' was not found/);
  });
});

describe('no verdict and usage errors', () => {
  let hanging: Server;
  let hangingPort = 0;
  const sockets = new Set<Socket>();
  beforeAll(async () => {
    hanging = createServer((socket) => void sockets.add(socket));
    await new Promise<void>((r) => hanging.listen(0, '127.0.0.1', () => r()));
    hangingPort = (hanging.address() as { port: number }).port;
  });
  afterAll(() => {
    for (const socket of sockets) socket.destroy();
    return new Promise<void>((r) => hanging.close(() => r()));
  });

  const endpoint = (url: string) => ({ METACONFORM_COMPUTE_URL: url, OS_TOKEN: 'a-token-1234', OS_PROJECT_ID: 'abc123', METACONFORM_SERVER_ID: 's1' });

  test('connection refused → exit 3, not a conformance failure', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', () => r()));
    const port = (closed.address() as { port: number }).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const run = await runCli(['run'], endpoint(`http://127.0.0.1:${port}/v2.1`));
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/no verdict: .*ECONNREFUSED/);
    expect(run.stdout).not.toMatch(/NON-CONFORMANT/);
  });

  test('a hanging endpoint → exit 3 within the timeout', async () => {
    const started = Date.now();
    const run = await runCli(['run'], { ...endpoint(`http://127.0.0.1:${hangingPort}`), METACONFORM_TIMEOUT_MS: '500' });
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/no verdict: .*timed out/);
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  test('list prints the catalogue, --json for machines', async () => {
    const text = await runCli(['list']);
    expect(text.code).toBe(0);
    for (const b of CATALOGUE) expect(text.stdout).toContain(b.id);
    const json = await runCli(['list', '--json']);
    expect((JSON.parse(json.stdout) as { id: string }[]).map((b) => b.id)).toEqual(CATALOGUE.map((b) => b.id));
  });

  test.each([
    [['list', '--yaml'], {}, /--yaml: unknown option/],
    [['run'], { METACONFORM_PROFILE: 'nope' }, /configuration error: METACONFORM_PROFILE: unknown profile 'nope'/],
    [['run'], { METACONFORM_COMPUTE_URL: 'http://127.0.0.1:1/v2.1', OS_PROJECT_ID: 'abc' }, /configuration error: OS_TOKEN: is not set/],
    [['run'], { METACONFORM_COMPUTE_URL: 'nonsense', OS_TOKEN: 'tok-1234', METACONFORM_SERVER_ID: 's' }, /METACONFORM_COMPUTE_URL: is not a valid URL/],
    [['run', '--colour'], {}, /--colour: unknown option/],
    [['frobnicate'], {}, /frobnicate: unknown command/],
  ])('%j with %j → exit 2 with one clear line', async (args, env, message) => {
    const run = await runCli(args, env as Record<string, string>);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });
});
