import { spawn } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { cleanEnv, ROOT, runCli, tempDir, type CliResult } from './helpers/cli.ts';
import { startCounter, type Hostile } from './helpers/hostile.ts';

/**
 * Usage errors: one line on stderr, exit 2, no stack trace, and nothing sent (the configured endpoint is a
 * loopback server that counts the requests it gets).
 */

let counter: Hostile;
beforeAll(async () => {
  counter = await startCounter();
});
afterAll(() => counter?.stop());

const endpoint = () => ({ METACONFORM_COMPUTE_URL: `${counter.url}/v2.1`, OS_TOKEN: 'usage-token-123456', OS_PROJECT_ID: 'p1', METACONFORM_SERVER_ID: 's1' });

function expectUsageError(run: CliResult, message: RegExp): void {
  expect(run.code, run.stdout + run.stderr).toBe(2);
  expect(run.stderr).toMatch(message);
  expect(run.stderr.trimEnd().split('\n'), run.stderr).toHaveLength(1);
  expect(run.stderr).not.toMatch(/\n\s+at |internal error/);
  expect(counter.requests).toBe(0);
}

describe.concurrent('the results folder is checked before anything is sent', () => {
  const file = () => {
    const dir = tempDir('results-file');
    writeFileSync(join(dir, 'results'), 'not a folder');
    return join(dir, 'results');
  };

  test.each([
    ['under /proc (Node’s recursive mkdir spins there)', () => ({ METACONFORM_RESULTS_DIR: '/proc/metaconform-x/results' }), /METACONFORM_RESULTS_DIR: cannot create the folder \/proc\/metaconform-x/],
    ['where folders cannot be made', () => ({ METACONFORM_RESULTS_DIR: '/sys/metaconform-x' }), /METACONFORM_RESULTS_DIR: cannot create the folder \/sys\/metaconform-x: operation not permitted/],
    ['a file', () => ({ METACONFORM_RESULTS_DIR: file() }), /METACONFORM_RESULTS_DIR: \S+ exists and is not a folder/],
    ['below a file', () => ({ METACONFORM_RESULTS_DIR: join(file(), 'sub') }), /METACONFORM_RESULTS_DIR: \S+\/results exists and is not a folder/],
  ])('%s → exit 2', async (_what, env, message) => {
    const started = Date.now();
    const run = await runCli(['run'], { ...endpoint(), ...env() });
    expectUsageError(run, message);
    expect(Date.now() - started).toBeLessThan(20_000);
  });

  test('--results-dir names the flag', async () => {
    const run = await runCli(['run', '--results-dir', file()], endpoint());
    expectUsageError(run, /--results-dir: \S+ exists and is not a folder/);
  });

  test.skipIf(process.getuid?.() === 0)('a folder that is not writable → exit 2', async () => {
    const dir = tempDir('read-only');
    mkdirSync(join(dir, 'results'), { mode: 0o500 });
    const run = await runCli(['run'], { ...endpoint(), METACONFORM_RESULTS_DIR: join(dir, 'results') });
    expectUsageError(run, /is not writable: permission denied/);
  });

  test('certify, mutants and the differential check it too', async () => {
    expectUsageError(await runCli(['certify'], { ...endpoint(), METACONFORM_RESULTS_DIR: '/proc/metaconform-x' }), /METACONFORM_RESULTS_DIR: cannot create/);
    expectUsageError(await runCli(['mutants', '--results-dir', '/proc/metaconform-x']), /--results-dir: cannot create/);
    const differential = await new Promise<CliResult>((done) => {
      const child = spawn(process.execPath, [join(ROOT, 'bin', 'differential.mjs')], { cwd: tempDir('differential'), env: cleanEnv({ ...endpoint(), METACONFORM_RESULTS_DIR: '/proc/metaconform-x' }) });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('close', (code) => done({ code, stdout, stderr, resultsDir: '' }));
    });
    expectUsageError(differential, /differential: configuration error: METACONFORM_RESULTS_DIR: cannot create/);
  });
});

describe.concurrent('names are looked up as own names', () => {
  test.each(['__proto__', 'constructor', 'toString', 'nope'])('METACONFORM_PROFILE=%s → exit 2 listing the profiles', async (name) => {
    const run = await runCli(['run'], { ...endpoint(), METACONFORM_PROFILE: name });
    expectUsageError(run, new RegExp(`METACONFORM_PROFILE: unknown profile '${name}' \\(known: nova, huawei-ecs, fujitsu-k5, rackspace\\)`));
  });

  test('--profile __proto__ → exit 2', async () => {
    expectUsageError(await runCli(['run', '--profile', '__proto__'], endpoint()), /unknown profile '__proto__'/);
  });

  test.each(['__proto__', 'toString'])('OS_INTERFACE=%s → exit 2', async (name) => {
    const run = await runCli(['run'], { OS_AUTH_URL: `${counter.url}/v3`, OS_TOKEN: 'usage-token-123456', OS_PROJECT_ID: 'p1', METACONFORM_SERVER_ID: 's1', OS_INTERFACE: name });
    expectUsageError(run, new RegExp(`OS_INTERFACE: must be public, internal or admin, got '${name}'`));
  });

  test.each(['nope', '__proto__', 'toString'])('METACONFORM_REFERENCE_MUTANT=%s → exit 2 listing the mutants, nothing written', async (name) => {
    const run = await runCli(['run'], { METACONFORM_REFERENCE_MUTANT: name });
    expectUsageError(run, new RegExp(`METACONFORM_REFERENCE_MUTANT: unknown mutant '${name}' \\(known: .*put-merges`));
    expect(existsSync(run.resultsDir)).toBe(false);
  });
});

describe.concurrent('--targets, --cloud and --region are checked whole before the first target runs', () => {
  const withTargets = async (yaml: string) => {
    const cwd = tempDir('targets');
    writeFileSync(join(cwd, 'targets.yaml'), yaml);
    return runCli(['run', '--targets', 'targets.yaml'], endpoint(), cwd);
  };

  test.each([
    ['10,000 entries', Array.from({ length: 10_000 }, (_, i) => `- region: r${i}`).join('\n'), /--targets: targets\.yaml lists 10000 targets; at most 64/],
    ['a duplicate', '- region: r1\n- region: r2\n- region: r1\n', /--targets: target r1 is listed twice \(entries 1 and 3/],
    ['a string entry', '- r1\n', /--targets: targets\.yaml entry 1 must be a mapping/],
    ['a number as a name', '- cloud: 12\n', /--targets: targets\.yaml entry 1: cloud must be a string/],
    ['an unknown key', '- clouds: east\n', /--targets: targets\.yaml entry 1: unknown key "clouds" \(known: cloud, region\)/],
    ['a name that is a path', '- cloud: ../../etc\n', /--targets: targets\.yaml entry 1: cloud "\.\.\/\.\.\/etc" is not a usable name/],
    ['an empty entry', '- {}\n', /--targets: targets\.yaml entry 1 needs a cloud and\/or a region/],
    ['an empty list', '[]\n', /--targets: targets\.yaml must hold a non-empty YAML list/],
    ['not a list', 'cloud: east\n', /--targets: targets\.yaml must hold a non-empty YAML list/],
    ['not YAML', '- [unclosed\n', /--targets: cannot read targets\.yaml/],
    ['two names for one results folder', '- cloud: a\n  region: b\n- cloud: a__b\n', /--targets: target a__b is listed twice/],
  ])('%s → exit 2', async (_what, yaml, message) => {
    expectUsageError(await withTargets(yaml), message);
  });

  test('a missing targets file → exit 2', async () => {
    expectUsageError(await runCli(['run', '--targets', 'nowhere.yaml'], endpoint()), /--targets: cannot read nowhere\.yaml/);
  });

  test.each([
    [['--cloud', 'a,a'], /--cloud: target a is listed twice/],
    [['--region', 'r1', '--region', '../x'], /--region: --region: region "\.\.\/x" is not a usable name/],
    [['--region', Array.from({ length: 65 }, (_, i) => `r${i}`).join(',')], /--region: 65 targets; at most 64/],
  ])('%j → exit 2', async (args, message) => {
    expectUsageError(await runCli(['run', ...args], endpoint()), message);
  });

  test('a target whose configuration is wrong stops the invocation before the first target runs', async () => {
    const cwd = tempDir('targets-config');
    writeFileSync(join(cwd, 'clouds.yaml'), `clouds:\n  good:\n    auth:\n      auth_url: ${counter.url}/v3\n      token: usage-token-123456\n      project_id: p1\n`);
    writeFileSync(join(cwd, 'targets.yaml'), '- cloud: good\n- cloud: missing\n');
    const run = await runCli(['run', '--targets', 'targets.yaml'], { METACONFORM_SERVER_ID: 's1' }, cwd);
    expectUsageError(run, /configuration error: target missing: OS_CLOUD: cloud 'missing' is not in /);
    expect(run.stdout).not.toMatch(/=== target good/);
  });

  test('an unknown behaviour or tag stops it too', async () => {
    expectUsageError(await runCli(['run', '--region', 'r1,r2', '--tag', 'nope'], endpoint()), /target r1: --tag: unknown tag 'nope'/);
  });
});

describe.concurrent('other arguments', () => {
  test.each(['1e3', '0x10', '2.5', '0'])('report --trend --last %s → exit 2', async (last) => {
    expectUsageError(await runCli(['report', '--trend', '--last', last]), /--last: must be a whole number of runs/);
  });
});

describe.concurrent('certify and verify check their files first', () => {
  test('certify --sign with a missing key → exit 2 before the run', async () => {
    expectUsageError(await runCli(['certify', '--sign', 'missing.pem'], endpoint()), /--sign: cannot read missing\.pem/);
  });

  test('certify --sign with a key that is not Ed25519 → exit 2 before the run', async () => {
    const dir = tempDir('rsa');
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
    writeFileSync(join(dir, 'rsa.pem'), privateKey.export({ type: 'pkcs8', format: 'pem' }));
    expectUsageError(await runCli(['certify', '--sign', join(dir, 'rsa.pem')], endpoint()), /--sign: \S+ is a rsa key; an Ed25519 key is needed/);
  });

  test('certify --out into a folder that does not exist → exit 2 before the run', async () => {
    expectUsageError(await runCli(['certify', '--out', '/proc/metaconform-x/bundle.tar.gz'], endpoint()), /--out: the folder \/proc\/metaconform-x does not exist/);
  });

  test('verify a missing bundle, or with a public key that is not one → exit 2', async () => {
    expectUsageError(await runCli(['verify', 'missing.tar.gz']), /verify: missing\.tar\.gz does not exist/);
    const dir = tempDir('pubkey');
    writeFileSync(join(dir, 'bundle.tar.gz'), 'x');
    writeFileSync(join(dir, 'key.pem'), 'not a key');
    expectUsageError(await runCli(['verify', join(dir, 'bundle.tar.gz'), '--pubkey', join(dir, 'key.pem')]), /--pubkey: \S+ is not a PEM public key/);
  });
});
