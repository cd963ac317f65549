import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { cleanEnv, ROOT, startStandaloneReference, tempDir, type StandaloneReference } from './helpers/cli.ts';

describe('an interrupted run leaves the target as it found it', () => {
  let ref: StandaloneReference;
  let child: ChildProcess | undefined;
  beforeAll(async () => {
    ref = await startStandaloneReference();
  });
  afterEach(() => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    child = undefined;
  });
  afterAll(() => ref?.stop());

  const get = async (path: string) => (await fetch(`${ref.settings.METACONFORM_COMPUTE_URL}/${ref.settings.OS_PROJECT_ID}/servers/${ref.settings.METACONFORM_SERVER_ID}${path}`, { headers: { 'X-Auth-Token': ref.token } })).json();
  const metadata = () => get('/metadata');
  const locked = async () => ((await get('')) as { server: { locked: boolean } }).server.locked;

  /** Starts a run against the reference; resolves with its exit code and output once it ends. */
  function startRun(extra: Record<string, string> = {}): { exited: Promise<number | null>; output: () => string } {
    let out = '';
    child = spawn(process.execPath, [join(ROOT, 'bin', 'metaconform.mjs'), 'run'], {
      cwd: tempDir('interrupt'),
      env: cleanEnv({ ...ref.settings, OS_TOKEN: ref.token, METACONFORM_RESULTS_DIR: join(tempDir('interrupt-results'), 'r'), ...extra }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    const run = child;
    return { exited: new Promise((resolve) => run.on('close', (code) => resolve(code))), output: () => out };
  }

  async function waitFor(what: string, condition: () => Promise<boolean>, output: () => string): Promise<void> {
    const deadline = Date.now() + 120_000;
    while (!(await condition())) {
      if (Date.now() > deadline || child?.exitCode !== null) throw new Error(`the run never reached "${what}": ${output().slice(-800)}`);
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  test.each(['SIGTERM', 'SIGINT'] as const)('%s midway: the original metadata is restored before the run exits', async (signal) => {
    const before = await metadata();
    const { exited, output } = startRun();
    await waitFor('a changed server', async () => JSON.stringify(await metadata()) !== JSON.stringify(before), output);
    child!.kill(signal);
    expect(await exited).toBe(signal === 'SIGINT' ? 130 : 143);
    expect(output()).toContain(`${signal} received: stopping the tests`);
    expect(await metadata()).toEqual(before);
  });

  test('killed while a lock test holds the server locked: unlocked and restored before the run exits', async () => {
    const before = await metadata();
    expect(await locked()).toBe(false);
    const { exited, output } = startRun();
    await waitFor('a locked server', locked, output);
    child!.kill('SIGTERM');
    expect(await exited).toBe(143);
    expect(await locked()).toBe(false);
    expect(await metadata()).toEqual(before);
  });

  test('killed midway, a run that booted its own server deletes it: nothing is left behind', async () => {
    const servers = async () =>
      ((await (await fetch(`${ref.settings.METACONFORM_COMPUTE_URL}/${ref.settings.OS_PROJECT_ID}/servers?name=${encodeURIComponent('^metaconform-')}`, { headers: { 'X-Auth-Token': ref.token } })).json()) as { servers: { id: string }[] }).servers;
    expect(await servers()).toEqual([]);
    const { METACONFORM_SERVER_ID: _, ...settings } = ref.settings;
    const { exited, output } = startRun({ ...settings, METACONFORM_SERVER_ID: '', METACONFORM_FLAVOR: 'm1.tiny', METACONFORM_BOOT_IMAGE: 'cirros', METACONFORM_NETWORK: 'none' });
    await waitFor('the first suite file done on the booted server', async () => (await servers()).length === 1 && /\d+ tests\]/.test(output()), output);
    child!.kill('SIGTERM');
    expect(await exited).toBe(143);
    expect(output()).toMatch(/deleted server /);
    expect(await servers()).toEqual([]);
  });
});
