import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { startStandaloneReference, tempDir, type StandaloneReference } from './helpers/cli.ts';
import { cli, journalsIn, ORIGINAL, readJson, serverView, startCli, waitFor, type Run } from './helpers/runs.ts';

/**
 * What survives a SIGKILL: the run journal in the state folder (and its copy in the results folder) lets the
 * next run, or `metaconform cleanup`, put back the server's original metadata (at the quota: 128 items,
 * exactly), unlock it and take its marker off. Every run is a CLI process against the standalone reference,
 * whose server is observed over HTTP.
 */

interface Summary {
  behaviours: { id: string; status: string; reason?: string }[];
  problems: string[];
}

const failures = (resultsDir: string) =>
  readJson<Summary>(join(resultsDir, 'summary.json'))
    .behaviours.filter((b) => b.status === 'failed' || b.status === 'error')
    .map((b) => b.id);

describe('a run killed with SIGKILL', () => {
  let ref: StandaloneReference;
  let view: ReturnType<typeof serverView>;
  let run: Run | undefined;
  beforeAll(async () => {
    ref = await startStandaloneReference();
    view = serverView(ref);
  });
  beforeEach(() => view.reset());
  afterEach(() => {
    if (run?.alive()) run.child.kill('SIGKILL');
    run = undefined;
  });
  afterAll(() => ref?.stop());

  const env = (stateDir: string, extra: Record<string, string> = {}) => ({ ...ref.settings, OS_TOKEN: ref.token, METACONFORM_STATE_DIR: stateDir, ...extra });

  /** Starts a run and SIGKILLs it once `when` holds; returns the journal it left and the run. */
  async function killedRun(stateDir: string, what: string, when: () => Promise<boolean>): Promise<{ journal: string; runId: string; run: Run }> {
    run = startCli(['run'], env(stateDir));
    await waitFor(what, when, run);
    run.child.kill('SIGKILL');
    expect(await run.exited).toBe(null);
    const journals = journalsIn(stateDir);
    expect(journals).toHaveLength(1);
    const recorded = readJson<{ runId: string; snapshot: { server: Record<string, string> }; marker: string }>(journals[0]!);
    // written before the first write: the original exactly, and the marker the run put on the server
    expect(recorded.snapshot.server).toEqual(ORIGINAL);
    expect(recorded.marker).toBe(`metaconform-run-${recorded.runId}`);
    expect(await view.tags()).toEqual([recorded.marker]);
    return { journal: journals[0]!, runId: recorded.runId, run };
  }

  test('midway, at the quota: the next run restores the 128 original items first, then runs and exits 0', async () => {
    const state = tempDir('state');
    const { runId } = await killedRun(state, 'test data on the server', async () => !(await view.isOriginal()));
    expect(await view.isOriginal()).toBe(false);
    const next = await cli(['run'], env(state));
    expect(next.code, next.output.slice(-3000)).toBe(0);
    expect(next.output).toContain(`found the journal of an unfinished run ${runId}`);
    expect(next.output).toContain("the unfinished run's metadata, locks and marker are restored");
    // the restore came before this run read the server: the snapshot it took (and put back) is the original
    expect(readJson(join(next.resultsDir, 'metadata-snapshot.json'))).toEqual(ORIGINAL);
    expect(failures(next.resultsDir)).toEqual([]);
    expect(await view.metadata()).toEqual(ORIGINAL);
    expect(await view.tags()).toEqual([]);
    expect(journalsIn(state)).toEqual([]);
  });

  test('while a lock test held the server locked: the next run unlocks first and reports no false failure', async () => {
    const state = tempDir('state');
    const { runId } = await killedRun(state, 'a locked server', () => view.locked());
    expect(await view.locked()).toBe(true);
    const next = await cli(['run'], env(state));
    expect(next.code, next.output.slice(-3000)).toBe(0);
    expect(next.output).toContain(`found the journal of an unfinished run ${runId}`);
    expect(failures(next.resultsDir)).toEqual([]);
    // 409 as a status (a journal's file name is hex and may hold those digits)
    expect(next.output).not.toMatch(/\bFAILED\b|\b409\b/);
    expect(readJson(join(next.resultsDir, 'metadata-snapshot.json'))).toEqual(ORIGINAL);
    expect(await view.locked()).toBe(false);
    expect(await view.metadata()).toEqual(ORIGINAL);
    expect(await view.tags()).toEqual([]);
    expect(journalsIn(state)).toEqual([]);
  });

  test("'cleanup' lists the journal and changes nothing; 'cleanup --yes' unlocks and restores without running tests", async () => {
    const state = tempDir('state');
    const { journal, runId } = await killedRun(state, 'a locked server', () => view.locked());
    const found = await view.metadata();
    const dry = await cli(['cleanup'], env(state));
    expect(dry.code, dry.output).toBe(0);
    expect(dry.output).toContain(`journal ${journal}: unfinished run ${runId}`);
    expect(dry.output).toContain(`would unlock ${ref.settings.METACONFORM_SERVER_ID}, restore the metadata of server ${ref.settings.METACONFORM_SERVER_ID} (128 item(s))`);
    expect(dry.output).toContain(`remove the marker metaconform-run-${runId}`);
    expect(dry.output).toContain('dry run, nothing changed');
    expect(await view.locked()).toBe(true);
    expect(await view.metadata()).toEqual(found);
    expect(journalsIn(state)).toEqual([journal]);

    const yes = await cli(['cleanup', '--yes'], env(state));
    expect(yes.code, yes.output).toBe(0);
    expect(yes.output).toContain(`run ${runId}`);
    expect(yes.output).toContain('undone and confirmed; journal removed');
    expect(yes.output).not.toMatch(/behaviours|CLEANUP FAILED/);
    expect(await view.locked()).toBe(false);
    expect(await view.metadata()).toEqual(ORIGINAL);
    expect(await view.tags()).toEqual([]);
    expect(journalsIn(state)).toEqual([]);
  });

  test("'cleanup --journal FILE' undoes a copy of the journal from the results folder (on another machine: no state folder, no locks file)", async () => {
    const state = tempDir('state');
    const { run: killed } = await killedRun(state, 'a locked server', () => view.locked());
    // another machine: the state folder (journal and locks file) is not there, the results folder is
    rmSync(state, { recursive: true, force: true });
    const elsewhere = tempDir('state-elsewhere');
    const dry = await cli(['cleanup', '--journal', join(killed.resultsDir, 'run-journal.json')], env(elsewhere));
    expect(dry.code, dry.output).toBe(0);
    expect(dry.output).toContain(`would unlock server ${ref.settings.METACONFORM_SERVER_ID} if a test left it locked, restore the metadata of server ${ref.settings.METACONFORM_SERVER_ID} (128 item(s))`);
    expect(await view.locked()).toBe(true);
    const yes = await cli(['cleanup', '--journal', join(killed.resultsDir, 'run-journal.json'), '--yes'], env(elsewhere));
    expect(yes.code, yes.output).toBe(0);
    expect(yes.output).toContain('undone and confirmed');
    expect(await view.locked()).toBe(false);
    expect(await view.metadata()).toEqual(ORIGINAL);
    expect(await view.tags()).toEqual([]);
    // and a run can start
    const next = await cli(['run', '--behaviour', 'SM-LIST-001'], env(elsewhere));
    expect(next.code, next.output.slice(-2000)).toBe(0);
  });
});

describe('a target without the lock action', () => {
  let ref: StandaloneReference;
  beforeAll(async () => {
    ref = await startStandaloneReference(['--variant', 'no-lock-action']);
  });
  afterAll(() => ref?.stop());

  test('is conformant (lock behaviours not applicable), and the run restores it without CLEANUP FAILED', async () => {
    const view = serverView(ref);
    const before = await view.metadata();
    const state = tempDir('state');
    const run = await cli(['run'], { ...ref.settings, OS_TOKEN: ref.token, METACONFORM_STATE_DIR: state });
    expect(run.code, run.output.slice(-3000)).toBe(0);
    expect(run.output).not.toMatch(/CLEANUP FAILED|MAY STILL BE LOCKED/);
    const summary = readJson<Summary>(join(run.resultsDir, 'summary.json'));
    const lock = summary.behaviours.find((b) => b.id === 'SM-STATE-003')!;
    expect(lock.status).toBe('not-applicable');
    expect(lock.reason).toMatch(/does not lock servers/);
    expect(summary.problems).toEqual([]);
    expect(await view.metadata()).toEqual(before);
    expect(await view.tags()).toEqual([]);
    expect(journalsIn(state)).toEqual([]);

    // the copy in the results folder says the run was undone: adopting it later never puts an old snapshot back
    const copy = join(run.resultsDir, 'run-journal.json');
    expect(readJson<{ phase: string }>(copy).phase).toBe('undone');
    const later = { ...before, 'changed-by-the-owner': 'after the run' };
    await view.setMetadata(later);
    const adopted = await cli(['cleanup', '--journal', copy, '--yes'], { ...ref.settings, OS_TOKEN: ref.token, METACONFORM_STATE_DIR: state });
    expect(adopted.code, adopted.output).toBe(0);
    expect(adopted.output).toContain('was undone and confirmed when it ended: nothing to do');
    expect(await view.metadata()).toEqual(later);
  });
});
