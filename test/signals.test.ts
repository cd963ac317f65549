import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { startStandaloneReference, tempDir, type StandaloneReference } from './helpers/cli.ts';
import { cli, journalsIn, ORIGINAL, readJson, serverView, startCli, startControlProxy, waitFor, type ControlProxy, type Request, type Run } from './helpers/runs.ts';

/**
 * Signals: a first SIGINT/SIGTERM stops the tests and restores the target, a second only says the restore goes
 * on, a third forces a loud exit that leaves the journal for the next run or `cleanup`. A proxy in front of the
 * standalone reference holds the final restore's PUT (to signal during it) or stops answering (a hanging target).
 */

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A few suite files, the lock's among them: enough to signal midway, during the restore, or while locked. */
const SOME = ['run', '--behaviour', 'SM-LIST-001,SM-REPLACE-*,SM-MERGE-*,SM-STATE-003'];

/** A PUT of the server's original metadata: the probe's no-op write before the tests, and the final restore (no test writes these keys). */
const originalPut = (r: Request) => r.method === 'PUT' && /\/servers\/[^/]+\/metadata$/.test(r.path) && r.body.includes('"orig-000"');
/** The final restore's PUT: the original put back once the tests ran (the progress lines are out). */
const restorePut = (run: () => Run | undefined) => (r: Request) => originalPut(r) && /behaviours, +\d+ tests\]/.test(run()?.output() ?? '');

describe('signals', () => {
  let ref: StandaloneReference;
  let proxy: ControlProxy;
  let view: ReturnType<typeof serverView>;
  let run: Run | undefined;
  beforeAll(async () => {
    ref = await startStandaloneReference();
    view = serverView(ref);
  });
  beforeEach(async () => {
    await view.reset();
    proxy = await startControlProxy(ref.settings.METACONFORM_COMPUTE_URL);
  });
  afterEach(async () => {
    if (run?.alive()) run.child.kill('SIGKILL');
    run = undefined;
    await proxy.stop();
  });
  afterAll(() => ref?.stop());

  /** Runs go through the proxy (the journal is keyed by the endpoint: later runs use the same one). */
  const env = (stateDir: string, extra: Record<string, string> = {}) => ({ ...ref.settings, METACONFORM_COMPUTE_URL: proxy.computeUrl, OS_TOKEN: ref.token, METACONFORM_STATE_DIR: stateDir, ...extra });

  test('a signal while the run connects (its probes write): it stops before the tests and restores what it changed', async () => {
    const state = tempDir('state');
    proxy.holdWhen(originalPut);
    run = startCli(SOME, env(state));
    await waitFor("the probe's no-op write", () => proxy.held.length === 1, run);
    run.child.kill('SIGTERM');
    await waitFor('the signal acknowledged', () => /SIGTERM received/.test(run!.output()), run);
    expect(run.output()).toContain('SIGTERM received while connecting to the target');
    proxy.holdWhen(undefined);
    proxy.held[0]!.release();
    expect(await run.exited).toBe(143);
    expect(run.output()).not.toMatch(/CLEANUP FAILED|behaviours, +\d+ tests/);
    expect(await view.metadata()).toEqual(ORIGINAL);
    expect(await view.tags()).toEqual([]);
    expect(journalsIn(state)).toEqual([]);
  });

  test('SIGINT twice, quickly, midway: the restore finishes, the output says it goes on', async () => {
    const state = tempDir('state');
    run = startCli(SOME, env(state));
    await waitFor('test data on the server', async () => !(await view.isOriginal()), run);
    run.child.kill('SIGINT');
    await sleep(20);
    run.child.kill('SIGINT');
    expect(await run.exited).toBe(130);
    expect(run.output()).toContain('SIGINT received: stopping the tests');
    expect(run.output()).toContain('SIGINT received again: the restore goes on');
    expect(run.output()).not.toContain('CLEANUP FAILED');
    expect(await view.metadata()).toEqual(ORIGINAL);
    expect(await view.tags()).toEqual([]);
    expect(journalsIn(state)).toEqual([]);
  });

  test('signals during the final restore (the tests have ended): the restore finishes and the output says so', async () => {
    const state = tempDir('state');
    proxy.holdWhen(restorePut(() => run));
    run = startCli(SOME, env(state));
    await waitFor("the final restore's PUT", () => proxy.held.length === 1, run);
    run.child.kill('SIGTERM');
    await waitFor('the first signal acknowledged', () => /SIGTERM received/.test(run!.output()), run);
    expect(run.output()).toContain('SIGTERM received: the tests have ended; the restore goes on');
    run.child.kill('SIGTERM');
    await waitFor('the second signal acknowledged', () => /SIGTERM received again/.test(run!.output()), run);
    expect(run.output()).toContain('SIGTERM received again: the restore goes on');
    proxy.held[0]!.release();
    expect(await run.exited).toBe(143);
    expect(run.output()).not.toContain('CLEANUP FAILED');
    // the tests had ended: their results are written
    expect(run.output()).toMatch(/verdict: CONFORMANT/);
    expect(existsSync(join(run.resultsDir, 'summary.json'))).toBe(true);
    expect(await view.metadata()).toEqual(ORIGINAL);
    expect(await view.tags()).toEqual([]);
    expect(journalsIn(state)).toEqual([]);
  });

  test('a third signal during the restore forces an exit (CLEANUP FAILED, the journal path); the next run restores', async () => {
    const state = tempDir('state');
    proxy.holdWhen(restorePut(() => run));
    run = startCli(SOME, env(state));
    await waitFor("the final restore's PUT", () => proxy.held.length === 1, run);
    for (const [n, seen] of [
      [1, /SIGINT received:/],
      [2, /SIGINT received again/],
    ] as const) {
      run.child.kill('SIGINT');
      await waitFor(`signal ${n} acknowledged`, () => seen.test(run!.output()), run);
    }
    run.child.kill('SIGINT');
    expect(await run.exited).toBe(130);
    const [journal] = journalsIn(state);
    expect(journal).toBeDefined();
    expect(run.output()).toMatch(/CLEANUP FAILED: forced exit by a third SIGINT/);
    expect(run.output()).toContain(journal!);
    expect(run.output()).toContain("'metaconform cleanup --yes'");
    // the restore never reached the target
    proxy.held[0]!.drop();
    expect(readJson<{ phase: string }>(journal!).phase).toBe('undoing');
    expect(await view.isOriginal()).toBe(false);

    proxy.holdWhen(undefined);
    const next = await cli(['run', '--behaviour', 'SM-LIST-001'], env(state));
    expect(next.code, next.output.slice(-2000)).toBe(0);
    expect(next.output).toContain('found the journal of an unfinished run');
    expect(await view.metadata()).toEqual(ORIGINAL);
    expect(await view.tags()).toEqual([]);
    expect(journalsIn(state)).toEqual([]);
  });

  test('a target that stops answering: after SIGTERM the run ends within a bounded time, says CLEANUP FAILED and keeps the journal; the next run unlocks and restores', async () => {
    const state = tempDir('state');
    const timeoutMs = 1000;
    // the target stops answering right after it locked the server
    proxy.hangAfter((r, status) => r.method === 'POST' && r.path.endsWith('/action') && r.body.includes('"lock"') && status < 300);
    run = startCli(SOME, env(state, { METACONFORM_TIMEOUT_MS: String(timeoutMs) }));
    await waitFor('a hanging target', () => proxy.hanging, run);
    await sleep(200);
    const signalled = Date.now();
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(143);
    const took = Date.now() - signalled;
    // the grace (10 s) and the undo's requests (unlock, restore of server and image: one timeout each), with room for a loaded machine
    expect(took, run.output().slice(-2000)).toBeLessThan(10_000 + 4 * timeoutMs + 6_000);
    const [journal] = journalsIn(state);
    expect(journal).toBeDefined();
    expect(run.output()).toMatch(/CLEANUP FAILED/);
    expect(run.output()).toContain(journal!);
    expect(existsSync(journal!)).toBe(true);
    expect(await view.locked()).toBe(true);

    proxy.resume();
    const next = await cli(SOME, env(state));
    expect(next.code, next.output.slice(-3000)).toBe(0);
    expect(next.output).not.toMatch(/\bFAILED\b/);
    expect(next.output).toContain('found the journal of an unfinished run');
    expect(await view.locked()).toBe(false);
    expect(await view.metadata()).toEqual(ORIGINAL);
    expect(await view.tags()).toEqual([]);
    expect(journalsIn(state)).toEqual([]);
  });
});
