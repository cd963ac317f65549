import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { filesBelow, runCli, startStandaloneReference, tempDir, type CliResult, type StandaloneReference } from './helpers/cli.ts';
import { leaks, startCounter, startEchoingKeystone, startLeakingProxy, type Hostile } from './helpers/hostile.ts';

/**
 * Secrets never reach an artefact: hostile loopback servers echo them in every form, and every file of the
 * results folder (and of the bundle, and of the HTML report), stdout and stderr are searched for every form
 * of every secret (raw, JSON-escaped, base64 at three alignments, truncated, URL- and form-encoded).
 */

const random = () => Math.random().toString(36).slice(2);

/** Every file the run left (and the files of any archive in it), stdout and stderr. */
function artefacts(run: CliResult, extra: [string, string][] = []): [string, string][] {
  return [...(existsSync(run.resultsDir) ? filesBelow(run.resultsDir) : []), ['stdout', run.stdout], ['stderr', run.stderr], ...extra];
}

function bundleFiles(bundle: string): [string, string][] {
  const dir = tempDir('bundle-out');
  const tar = spawnSync('tar', ['-xzf', bundle, '-C', dir]);
  expect(tar.status, tar.stderr.toString()).toBe(0);
  return filesBelow(dir);
}

describe('a target that echoes the token', () => {
  // quote and backslash (JSON-escaped and quoted forms differ from the raw one), long runs between them
  const TOKEN = `Tok"${random()}${random()}\\mid-${random()}${random()}`;
  let ref: StandaloneReference;
  let proxy: Hostile;
  beforeAll(async () => {
    ref = await startStandaloneReference([], TOKEN);
    proxy = await startLeakingProxy(ref.settings.METACONFORM_COMPUTE_URL);
  });
  afterAll(() => Promise.all([proxy?.stop(), ref?.stop()]));

  test('in bodies and headers, in every form: no form of it in any file, the bundle, the HTML report or the output', async () => {
    const env = { ...ref.settings, METACONFORM_COMPUTE_URL: `${proxy.url}/v2.1`, OS_TOKEN: TOKEN };
    const run = await runCli(['certify'], env);
    expect(run.code, run.stdout.slice(-1500) + run.stderr).toBe(1);
    // the leaks were there: tests failed on them, and what they show is masked
    expect(proxy.requests).toBeGreaterThan(100);
    expect(run.stdout).toMatch(/FAILED +SM-LIST-001/);
    expect(filesBelow(run.resultsDir).some(([f, c]) => f.endsWith('junit.xml') && c.includes('leak-b64in1') && c.includes('***'))).toBe(true);
    // caught at the source: the final scrub found nothing left to mask
    expect(run.stderr).not.toMatch(/masked a secret/);
    const report = await runCli(['report'], { ...env, METACONFORM_RESULTS_DIR: run.resultsDir });
    expect(report.code, report.stderr).toBe(0);
    const found = leaks(artefacts(run, [...bundleFiles(join(run.resultsDir, 'certification-bundle.tar.gz')), ['report stdout', report.stdout], ['report stderr', report.stderr]]), [TOKEN]);
    expect(found).toEqual([]);
  });

  test('every token a run holds, issued and renewed (in the workers and the runner), is masked', async () => {
    const PASSWORD = `pw-${random()}-secret`;
    const short = await startStandaloneReference(['--token-ttl-ms', '1500'], `static-${random()}`, { METACONFORM_REFERENCE_PASSWORD: PASSWORD });
    const renewing = await startLeakingProxy(short.settings.METACONFORM_COMPUTE_URL);
    try {
      const { OS_APPLICATION_CREDENTIAL_ID: _, OS_AUTH_URL, ...keystone } = short.keystone;
      const run = await runCli(['run', '--tag', 'core'], {
        ...keystone,
        OS_AUTH_URL: OS_AUTH_URL!.replace(new URL(OS_AUTH_URL!).origin, renewing.url),
        OS_PASSWORD: PASSWORD,
        METACONFORM_COMPUTE_URL: `${renewing.url}/v2.1`,
        METACONFORM_SERVER_ID: short.settings.METACONFORM_SERVER_ID,
      });
      expect(run.code, run.stdout.slice(-1500) + run.stderr).toBe(1);
      // the first token and renewed ones
      expect(renewing.tokens.size).toBeGreaterThan(1);
      expect(leaks(artefacts(run), [...renewing.tokens, PASSWORD])).toEqual([]);
    } finally {
      await Promise.all([renewing.stop(), short.stop()]);
    }
  });
});

describe('the scrub of the results folder', () => {
  test('a configured secret that reaches a file some other way (an expectation’s reason) is masked there, and the run says so', async () => {
    const PASSWORD = `scrubbed-${random()}-${random()}`;
    const cwd = tempDir('scrub-run');
    writeFileSync(join(cwd, 'expectations.yaml'), `- id: SM-HDR-001\n  expect: fail\n  reason: ticket 42, reproduced with ${PASSWORD} and ${Buffer.from(PASSWORD).toString('base64')}\n`);
    // OS_PASSWORD alone does not make an endpoint target: this runs the embedded reference
    const run = await runCli(['run', '--behaviour', 'SM-HDR-001', '--expectations', 'expectations.yaml'], { OS_PASSWORD: PASSWORD }, cwd);
    expect(run.code, run.stdout.slice(-1500) + run.stderr).toBe(0);
    expect(run.stderr).toMatch(/metaconform: masked a secret in [1-9]\d* file\(s\) of \S+ after the run/);
    expect(filesBelow(run.resultsDir).some(([f, c]) => f.endsWith('summary.json') && c.includes('reproduced with ***'))).toBe(true);
    expect(leaks(artefacts(run), [PASSWORD])).toEqual([]);
  });
});

describe('a Keystone that echoes the request in its 401', () => {
  let keystone: Hostile;
  beforeAll(async () => {
    keystone = await startEchoingKeystone();
  });
  afterAll(() => keystone?.stop());

  const scope = { OS_PROJECT_NAME: 'demo', OS_PROJECT_DOMAIN_NAME: 'Default', METACONFORM_SERVER_ID: 'server-1' };

  test.each([
    ['a password with a quote and a backslash', 'OS_PASSWORD', () => ({ OS_USERNAME: 'demo', OS_USER_DOMAIN_NAME: 'Default', OS_PASSWORD: `pw"${random()}\\${random()}'end` })],
    ['an application-credential secret', 'OS_APPLICATION_CREDENTIAL_SECRET', () => ({ OS_APPLICATION_CREDENTIAL_ID: 'ac-id', OS_APPLICATION_CREDENTIAL_SECRET: `ac-${random()}"${random()}` })],
    ['a token exchanged at Keystone', 'OS_TOKEN', () => ({ OS_TOKEN: `tok-${random()}/${random()}+=` })],
  ])('%s: one line naming %s, exit 2, no form of the secret anywhere', async (_what, variable, credentials) => {
    const creds = credentials();
    const secret = Object.entries(creds).find(([k]) => /PASSWORD|SECRET|TOKEN/.test(k))![1];
    const before = keystone.requests;
    const run = await runCli(['run'], { OS_AUTH_URL: `${keystone.url}/v3`, ...scope, ...creds });
    expect(run.code).toBe(2);
    expect(keystone.requests).toBe(before + 1);
    expect(run.stderr).toMatch(new RegExp(`^metaconform: configuration error: ${variable}: Keystone rejected the credentials \\(401\\)`));
    expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
    // the echo is shown, masked
    expect(run.stderr).toContain('***');
    expect(leaks(artefacts(run), [secret])).toEqual([]);
  });
});

describe('credentials in a URL are refused before anything is sent', () => {
  let counter: Hostile;
  beforeAll(async () => {
    counter = await startCounter();
  });
  afterAll(() => counter?.stop());

  const PASSWORD = `url-pw-${random()}`;
  const host = () => counter.url.replace('http://', '');

  test.each([
    ['OS_AUTH_URL', () => ({ OS_AUTH_URL: `http://admin:${PASSWORD}@${host()}/v3`, OS_USERNAME: 'demo', OS_USER_DOMAIN_NAME: 'Default', OS_PASSWORD: 'another-password-1', OS_PROJECT_NAME: 'p', OS_PROJECT_DOMAIN_NAME: 'Default', METACONFORM_SERVER_ID: 's' }), /OS_AUTH_URL: must not contain credentials/],
    ['METACONFORM_COMPUTE_URL', () => ({ METACONFORM_COMPUTE_URL: `http://admin:${PASSWORD}@${host()}/v2.1`, OS_TOKEN: 'a-token-123456', OS_PROJECT_ID: 'p', METACONFORM_SERVER_ID: 's' }), /METACONFORM_COMPUTE_URL: must not contain credentials/],
  ])('%s with user:password@ → exit 2, one line without it', async (_variable, env, message) => {
    const run = await runCli(['run'], env());
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(counter.requests).toBe(0);
    expect(leaks(artefacts(run), [PASSWORD])).toEqual([]);
  });

  test('auth_url of clouds.yaml with user:password@ → exit 2 naming the cloud', async () => {
    const cwd = tempDir('userinfo-cloud');
    writeFileSync(join(cwd, 'clouds.yaml'), `clouds:\n  c:\n    auth:\n      auth_url: http://admin:${PASSWORD}@${host()}/v3\n      username: demo\n      password: other-password-9\n      user_domain_name: Default\n      project_name: p\n      project_domain_name: Default\n`);
    const run = await runCli(['run'], { OS_CLOUD: 'c', METACONFORM_SERVER_ID: 's' }, cwd);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/auth_url of cloud 'c' \(clouds\.yaml\): must not contain credentials/);
    expect(counter.requests).toBe(0);
    expect(leaks(artefacts(run), [PASSWORD, 'other-password-9'])).toEqual([]);
  });
});
