import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { citedBehaviours } from '../cli/suite-files.ts';
import { InfrastructureError } from '../lib/errors.ts';
import { withinTimeout } from '../lib/harness/conformance.ts';
import { fixtureServerIds, lanes, lease, leaseIds } from '../lib/harness/leases.ts';
import type { Target } from '../lib/harness/target.ts';
import type { RunRecord } from '../lib/results/records.ts';
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
    expect(leaseIds(t, 'server')).toEqual(['s0', 's1', 's2']);
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
    expect(leaseIds(t, 'image')).toEqual([]);
    const l = await lease(t, ['server', 'image']);
    expect(l.ids).toEqual({ server: 's0' });
    expect((await lease(t, [])).ids).toEqual({});
    l.release();
  });
});

describe('fixture servers and timeouts', () => {
  test('the fixture servers are one lane: two tests using them run one after the other; none without fixtures', async () => {
    const t = target('fixtures', { errorServerId: 'e0', otherProjectServerId: 'o0' });
    expect(fixtureServerIds(t)).toEqual(['e0', 'o0']);
    expect(leaseIds(t, 'fixtures')).toEqual(['fixtures']);
    const first = await lease(t, ['server', 'fixtures']);
    let second: Awaited<ReturnType<typeof lease>> | undefined;
    const waiting = lease(t, ['fixtures']).then((l) => (second = l));
    await new Promise((r) => setTimeout(r, 20));
    expect(second, 'a second fixtures lease while the first is held').toBeUndefined();
    first.release();
    await waiting;
    second?.release();
    expect(leaseIds(target('bare'), 'fixtures')).toEqual([]);
    expect((await lease(target('bare'), ['fixtures'])).ids).toEqual({});
  });

  test('a test that outlives its time is no verdict, stops its client, and its late failure is not reported', async () => {
    const timedOut = new AbortController();
    const body = new Promise<void>((_, reject) => setTimeout(() => reject(new Error('late')), 60));
    await expect(withinTimeout(body, timedOut, 20)).rejects.toThrow(InfrastructureError);
    expect(timedOut.signal.aborted).toBe(true);
    await new Promise((r) => setTimeout(r, 80)); // the late rejection must not surface as an unhandled error
    await expect(withinTimeout(Promise.resolve(), new AbortController(), 20)).resolves.toBeUndefined();
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
    // the suites run from one entry file, but each test still names the suite file that declares it
    const cited = citedBehaviours();
    const record = JSON.parse(readFileSync(join(parallel.resultsDir, 'tests.json'), 'utf8')) as RunRecord;
    for (const t of record.tests) expect(cited.get(t.file), `${t.name} in ${t.file}`).toContain(t.behaviour);
  });
});
