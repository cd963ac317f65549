import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { cleanEnv, ROOT, startStandaloneReference, tempDir, type StandaloneReference } from './helpers/cli.ts';

describe('an interrupted run leaves the target as it found it', () => {
  let ref: StandaloneReference;
  beforeAll(async () => {
    ref = await startStandaloneReference();
  });
  afterAll(() => ref?.stop());

  async function metadata(): Promise<unknown> {
    const { METACONFORM_COMPUTE_URL: url, OS_PROJECT_ID: p, METACONFORM_SERVER_ID: s } = ref.settings;
    return (await fetch(`${url}/${p}/servers/${s}/metadata`, { headers: { 'X-Auth-Token': ref.token } })).json();
  }

  test.each(['SIGTERM', 'SIGINT'] as const)('%s midway: the original metadata is restored before the run exits', async (signal) => {
    const before = await metadata();
    const child = spawn(process.execPath, [join(ROOT, 'bin', 'metaconform.mjs'), 'run'], {
      cwd: tempDir('interrupt'),
      env: cleanEnv({ ...ref.settings, OS_TOKEN: ref.token, METACONFORM_RESULTS_DIR: join(tempDir('interrupt-results'), 'r') }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    await new Promise<void>((resolve) => {
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        // the first suite file has finished: the server's metadata has been changed by now
        if (/\d+ tests\]/.test(out)) resolve();
      });
    });
    expect(await metadata()).not.toEqual(before);
    child.kill(signal);
    const code = await exited;
    expect(code).toBe(signal === 'SIGINT' ? 130 : 143);
    expect(out).toContain(`${signal} received, restoring the target`);
    expect(await metadata()).toEqual(before);
  });
});
