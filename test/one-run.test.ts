import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { startStandaloneReference, tempDir, type StandaloneReference } from './helpers/cli.ts';
import { cli, journalsIn, ORIGINAL, readJson, serverView, startCli, startControlProxy, waitFor, type ControlProxy, type Run } from './helpers/runs.ts';

/**
 * One run per server: on one machine the journal in the state folder keeps a second run away; across machines
 * (simulated with a state folder each) the server tag `metaconform-run-<run id>` does. Never two runs on one
 * server, whatever the timing; the first run is unaffected by the second's refusal.
 */

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('one run per server', () => {
  let ref: StandaloneReference;
  let proxy: ControlProxy;
  let view: ReturnType<typeof serverView>;
  const runs: Run[] = [];
  beforeAll(async () => {
    ref = await startStandaloneReference();
    view = serverView(ref);
  });
  beforeEach(async () => {
    await view.reset();
    proxy = await startControlProxy(ref.settings.METACONFORM_COMPUTE_URL);
  });
  afterEach(async () => {
    for (const r of runs.splice(0)) if (r.alive()) r.child.kill('SIGKILL');
    await proxy.stop();
  });
  afterAll(() => ref?.stop());

  const env = (stateDir: string, extra: Record<string, string> = {}) => ({ ...ref.settings, METACONFORM_COMPUTE_URL: proxy.computeUrl, OS_TOKEN: ref.token, METACONFORM_STATE_DIR: stateDir, ...extra });
  const start = (stateDir: string, args = ['run']) => {
    const r = startCli(args, env(stateDir));
    runs.push(r);
    return r;
  };
  /** A run in `stateDir`, SIGKILLed once its test data is on the server. */
  const killedMidway = async (stateDir: string) => {
    const killed = start(stateDir);
    await waitFor('test data on the server', async () => !(await view.isOriginal()), killed);
    killed.child.kill('SIGKILL');
    await killed.exited;
    return killed;
  };
  const markerOf = async () => (await view.tags()).find((t) => t.startsWith('metaconform-run-'));

  async function expectUnaffected(first: Run): Promise<void> {
    expect(await first.exited, first.output().slice(-3000)).toBe(0);
    const summary = readJson<{ behaviours: { status: string }[] }>(join(first.resultsDir, 'summary.json'));
    expect(summary.behaviours.filter((b) => b.status === 'failed' || b.status === 'error')).toEqual([]);
    expect(await view.metadata()).toEqual(ORIGINAL);
    expect(await view.tags()).toEqual([]);
  }

  test('started 2.5 s apart on one machine: the second refuses (exit 2) naming the first, which is unaffected', async () => {
    const state = tempDir('state');
    const first = start(state);
    await sleep(2500);
    await waitFor('the first run marked the server', async () => (await markerOf()) !== undefined, first);
    const runId = (await markerOf())!.slice('metaconform-run-'.length);
    const second = await cli(['run'], env(state));
    expect(second.code, second.output).toBe(2);
    expect(second.output).toContain(`is being tested by another metaconform run ${runId}`);
    // the marker of a run going on on this machine is not cleared
    const clear = await cli(['cleanup', '--clear-marker'], env(state));
    expect(clear.code, clear.output).toBe(2);
    expect(clear.output).toContain(`the marker metaconform-run-${runId} is kept: run ${runId}`);
    expect(await markerOf()).toBe(`metaconform-run-${runId}`);
    expect(first.alive()).toBe(true);
    await expectUnaffected(first);
    expect(journalsIn(state)).toEqual([]);
  });

  test('started 2.5 s apart on two machines: the second refuses (exit 2) naming the first run\'s marker, the first is unaffected', async () => {
    const first = start(tempDir('state-a'));
    await sleep(2500);
    await waitFor('the first run marked the server', async () => (await markerOf()) !== undefined, first);
    const marker = (await markerOf())!;
    const elsewhere = tempDir('state-b');
    const second = await cli(['run'], env(elsewhere));
    expect(second.code, second.output).toBe(2);
    expect(second.output).toContain(`is being tested by another metaconform run ${marker.slice('metaconform-run-'.length)} (server tag ${marker})`);
    expect(journalsIn(elsewhere)).toEqual([]);
    expect(await view.tags()).toEqual([marker]);
    await expectUnaffected(first);
  });

  test('started at the same moment on two machines (their marks cross): both step back, nothing changed', async () => {
    // every tags request is held until the other run sent its own: both read no marker, both set theirs, both see two
    proxy.holdWhen((r) => r.path.includes('/tags'));
    const a = start(tempDir('state-a'));
    const b = start(tempDir('state-b'));
    const pairing = (async () => {
      while (a.alive() || b.alive()) {
        if (proxy.held.length >= 2 || (proxy.held.length === 1 && (!a.alive() || !b.alive()))) for (const h of proxy.held.splice(0)) h.release();
        await sleep(5);
      }
    })();
    const codes = await Promise.all([a.exited, b.exited]);
    await pairing;
    expect(codes, a.output() + b.output()).toEqual([2, 2]);
    for (const r of [a, b]) expect(r.output()).toMatch(/started on server \S+ at the same moment; this run steps back/);
    expect(await view.tags()).toEqual([]);
    expect(await view.metadata()).toEqual(ORIGINAL);
  });

  test('started at the same moment on one machine: never two runs, and the journal of the one that proceeds is its own', async () => {
    const state = tempDir('state');
    // both read the server's metadata before either wrote its journal; then one sets its marker before the
    // other reads the tags: the other steps back at its journal, or at the marker
    proxy.holdWhen((r) => r.method === 'GET' && r.path.endsWith('/metadata'));
    const a = start(state);
    const b = start(state);
    await waitFor('both runs reading the snapshot, or one refused', () => proxy.held.length >= 2 || !a.alive() || !b.alive());
    proxy.holdWhen((r) => r.method === 'GET' && r.path.endsWith('/tags'));
    for (const h of proxy.held.splice(0)) h.release();
    await waitFor('both runs at their marker, or one refused and the other at its marker', () => proxy.held.length >= 2 || ((!a.alive() || !b.alive()) && proxy.held.length >= 1));
    proxy.holdWhen(undefined);
    proxy.held.shift()!.release();
    await waitFor('a marker set', async () => (await markerOf()) !== undefined);
    await sleep(500);
    for (const h of proxy.held.splice(0)) h.release();
    const winnerId = (await markerOf())!.slice('metaconform-run-'.length);
    await waitFor('one run refused', () => !a.alive() || !b.alive());
    const [loser, winner] = a.alive() ? [b, a] : [a, b];
    expect(await loser.exited, loser.output()).toBe(2);
    expect(loser.output()).toMatch(new RegExp(`another metaconform run ${winnerId}`));
    // the run going on still has its journal (the one that stepped back neither overwrote nor removed it)
    expect(winner.alive()).toBe(true);
    const journals = journalsIn(state);
    expect(journals).toHaveLength(1);
    expect(readJson<{ runId: string }>(journals[0]!).runId).toBe(winnerId);
    await expectUnaffected(winner);
    expect(journalsIn(state)).toEqual([]);
  });

  test("the journal of a killed run, while another run marked its server: left alone (exit 2), until that run is over", async () => {
    const state = tempDir('state');
    await killedMidway(state);
    const own = (await markerOf())!;
    const found = await view.metadata();
    // a run from another machine holds the server now (as after a --clear-marker of the killed run's marker)
    await view.setTags([own, 'metaconform-run-elsewhere']);
    const refused = await cli(['run'], env(state));
    expect(refused.code, refused.output).toBe(2);
    expect(refused.output).toContain('carries the marker of another run (metaconform-run-elsewhere)');
    const cleanup = await cli(['cleanup', '--yes'], env(state));
    expect(cleanup.code, cleanup.output).toBe(2);
    expect(cleanup.output).toContain('left alone');
    expect(await view.metadata()).toEqual(found);
    expect(journalsIn(state)).toHaveLength(1);
    // that run is over: the journal is undone
    await view.setTags([own]);
    const done = await cli(['cleanup', '--yes'], env(state));
    expect(done.code, done.output).toBe(0);
    expect(await view.metadata()).toEqual(ORIGINAL);
    expect(await view.tags()).toEqual([]);
    expect(journalsIn(state)).toEqual([]);
  });

  test('a server locked at the start: exit 2 naming the lock and how to lift it; nothing changed, no marker, no journal', async () => {
    await view.setMetadata({ kept: 'as found' });
    await view.lock();
    const state = tempDir('state-locked');
    const run = await cli(['run'], env(state));
    expect(run.code, run.output).toBe(2);
    expect(run.output).toContain('is locked, and a locked server refuses metadata writes (409), so nothing could be judged');
    expect(run.output).toContain("'metaconform cleanup --journal <its results folder>/run-journal.json --yes'");
    expect(await view.locked()).toBe(true);
    expect(await view.metadata()).toEqual({ kept: 'as found' });
    expect(await view.tags()).toEqual([]);
    expect(journalsIn(state)).toEqual([]);
  });

  test("a stale marker (its run was SIGKILLed on another machine): exit 2 naming it; 'cleanup --clear-marker' lets a run proceed, 'cleanup --journal' restores", async () => {
    const gone = tempDir('state-gone');
    const killed = await killedMidway(gone);
    const marker = (await markerOf())!;
    expect(marker).toBeDefined();
    // the machine it ran on is out of reach: its state folder with it
    rmSync(gone, { recursive: true, force: true });

    const here = tempDir('state-here');
    const refused = await cli(['run'], env(here));
    expect(refused.code, refused.output).toBe(2);
    expect(refused.output).toContain(`(server tag ${marker})`);
    expect(refused.output).toContain("'metaconform cleanup --clear-marker'");
    expect(await view.tags()).toEqual([marker]);

    const cleared = await cli(['cleanup', '--clear-marker'], env(here));
    expect(cleared.code, cleared.output).toBe(0);
    expect(cleared.output).toContain(`removed the marker ${marker}`);
    expect(await view.tags()).toEqual([]);
    if (await view.locked()) {
      // killed inside a lock test: the next run names the lock and how to lift it, and changes nothing
      const locked = await cli(['run', '--behaviour', 'SM-LIST-001'], env(here));
      expect(locked.code, locked.output).toBe(2);
      expect(locked.output).toContain('is locked, and a locked server refuses metadata writes (409)');
      expect(await view.tags()).toEqual([]);
      await view.unlock();
    }
    const proceeds = await cli(['run', '--behaviour', 'SM-LIST-001'], env(here));
    expect(proceeds.code, proceeds.output.slice(-2000)).toBe(0);

    // the killed run's original comes back from the copy of its journal in its results folder
    const restored = await cli(['cleanup', '--journal', join(killed.resultsDir, 'run-journal.json'), '--yes'], env(here));
    expect(restored.code, restored.output).toBe(0);
    expect(await view.metadata()).toEqual(ORIGINAL);
    expect(await view.tags()).toEqual([]);
  });
});
