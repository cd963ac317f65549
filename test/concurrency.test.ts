import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { lanes, lease, resourceIds } from '../lib/harness/leases.ts';
import type { Target } from '../lib/harness/target.ts';
import type { RunRecord } from '../reporters/behaviour-reporter.ts';
import { runCli, startStandaloneReference, type StandaloneReference } from './helpers/cli.ts';

function target(id: string, extra: Partial<Target> = {}): Target {
  return { id, label: id, kind: 'endpoint', root: 'http://127.0.0.1:1', bases: { v2: '', 'v2.1': '' }, token: 't', projectId: 'p', serverId: 's0', imageId: 'i0', profile: 'nova', timeoutMs: 1000, ...extra };
}

/** Every test's outcome in a results folder, by target and test name. */
function outcomes(resultsDir: string): Map<string, string> {
  const record = JSON.parse(readFileSync(join(resultsDir, 'tests.json'), 'utf8')) as RunRecord;
  return new Map(record.tests.map((t) => [`${t.target} ${t.name}`, t.outcome]));
}

describe('leases: a test owns the server (and image) it uses', () => {
  test('one server: a second test waits until the first returns it, then gets it', async () => {
    const t = target('one-server');
    const first = await lease(t, ['server']);
    let second: Awaited<ReturnType<typeof lease>> | undefined;
    const waiting = lease(t, ['server']).then((l) => (second = l));
    await new Promise((r) => setTimeout(r, 20));
    expect(second, 'a second lease while the only server is held').toBeUndefined();
    first.release();
    await waiting;
    expect(second?.ids.server).toBe('s0');
    second?.release();
  });

  test('lane servers: concurrent tests get different servers; an image test does not wait for a server test', async () => {
    const t = target('lanes', { extraServerIds: ['s1', 's2'], extraImageIds: ['i1', 'i2'] });
    expect(lanes(t)).toBe(6);
    expect(resourceIds(t, 'server')).toEqual(['s0', 's1', 's2']);
    const held = await Promise.all([lease(t, ['server']), lease(t, ['server']), lease(t, ['server', 'image']), lease(t, ['image'])]);
    expect(new Set(held.map((l) => l.ids.server).filter(Boolean)).size).toBe(3);
    expect(new Set(held.map((l) => l.ids.image).filter(Boolean)).size).toBe(2);
    for (const l of held) l.release();
  });

  test('leases are taken servers first, so tests using both never wait for each other', async () => {
    const t = target('order');
    const both = await lease(t, ['image', 'server']);
    const imageOnly = lease(t, ['image']);
    const serverOnly = lease(t, ['server']);
    both.release();
    const [a, b] = await Promise.all([imageOnly, serverOnly]);
    expect([a.ids, b.ids]).toEqual([{ image: 'i0' }, { server: 's0' }]);
    a.release();
    b.release();
  });

  test('a target without an image leases none, and a test without resources waits for nothing', async () => {
    const t = target('no-image', { imageId: undefined });
    expect(resourceIds(t, 'image')).toEqual([]);
    const l = await lease(t, ['server', 'image']);
    expect(l.ids).toEqual({ server: 's0' });
    expect((await lease(t, [])).ids).toEqual({});
    l.release();
  });
});

describe('the result is the same with 1 and with 8 tests at once', () => {
  let reference: StandaloneReference;
  beforeAll(async () => {
    reference = await startStandaloneReference();
  });
  afterAll(() => reference.stop());

  test('against one shared server (a real cloud): every test has the same outcome, and the run is conformant', async () => {
    const env = { ...reference.settings, OS_TOKEN: reference.token };
    const serial = await runCli(['run'], { ...env, METACONFORM_CONCURRENCY: '1' });
    const parallel = await runCli(['run'], { ...env, METACONFORM_CONCURRENCY: '8' });
    expect(serial.code, serial.stdout).toBe(0);
    expect(parallel.code, parallel.stdout).toBe(0);
    const [a, b] = [outcomes(serial.resultsDir), outcomes(parallel.resultsDir)];
    expect(a.size).toBeGreaterThan(150);
    expect(Object.fromEntries(b)).toEqual(Object.fromEntries(a));
  });
});
