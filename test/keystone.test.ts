import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { filesBelow, runCli, startStandaloneReference, tempDir, type CliResult, type StandaloneReference } from './helpers/cli.ts';

const PASSWORD = `pw-${Math.random().toString(36).slice(2)}-secret`;
const APP_SECRET = `ac-${Math.random().toString(36).slice(2)}-secret`;

/** No secret in the output or in any file the run wrote. */
function expectNoSecrets(run: CliResult, secrets: string[]): void {
  const files = filesBelow(run.resultsDir);
  for (const secret of secrets) {
    expect(run.stdout + run.stderr).not.toContain(secret);
    for (const [f, content] of files) expect(content.includes(secret), f).toBe(false);
  }
}

describe('Keystone v3 authentication against the reference', () => {
  let ref: StandaloneReference;
  let short: StandaloneReference;
  beforeAll(async () => {
    const secrets = { METACONFORM_REFERENCE_PASSWORD: PASSWORD, METACONFORM_REFERENCE_APP_SECRET: APP_SECRET };
    [ref, short] = await Promise.all([startStandaloneReference([], undefined, secrets), startStandaloneReference(['--token-ttl-ms', '1500'], undefined, secrets)]);
  });
  afterAll(() => Promise.all([ref?.stop(), short?.stop()]));

  const server = () => ({ METACONFORM_SERVER_ID: ref.settings.METACONFORM_SERVER_ID });
  const password = (r: StandaloneReference) => {
    const { OS_APPLICATION_CREDENTIAL_ID: _, ...k } = r.keystone;
    return { ...k, OS_PASSWORD: PASSWORD, METACONFORM_SERVER_ID: r.settings.METACONFORM_SERVER_ID };
  };

  test('password: the compute endpoint comes from the catalog; region in the certification; no secret anywhere', async () => {
    const run = await runCli(['run'], password(ref));
    expect(run.code, run.stdout.slice(-1500) + run.stderr).toBe(0);
    const cert = JSON.parse(readFileSync(join(run.resultsDir, 'certification.json'), 'utf8')) as { target: { region?: string; maxMicroversion?: string } };
    expect(cert.target).toMatchObject({ region: 'RegionOne', maxMicroversion: '2.93' });
    expectNoSecrets(run, [PASSWORD, ref.token]);
  });

  test('application credential', async () => {
    const run = await runCli(['run'], { OS_AUTH_URL: ref.keystone.OS_AUTH_URL!, OS_APPLICATION_CREDENTIAL_ID: ref.keystone.OS_APPLICATION_CREDENTIAL_ID!, OS_APPLICATION_CREDENTIAL_SECRET: APP_SECRET, ...server() });
    expect(run.code, run.stderr).toBe(0);
    expectNoSecrets(run, [APP_SECRET]);
  });

  test('a pre-issued token exchanged at Keystone for a scoped token and the catalog', async () => {
    const run = await runCli(['run'], { OS_AUTH_URL: ref.keystone.OS_AUTH_URL!, OS_TOKEN: ref.token, OS_PROJECT_ID: ref.settings.OS_PROJECT_ID, ...server() });
    expect(run.code, run.stderr).toBe(0);
  });

  test('clouds.yaml in the working directory, the password in secure.yaml', async () => {
    const cwd = tempDir('clouds');
    const k = ref.keystone;
    writeFileSync(join(cwd, 'clouds.yaml'), `clouds:\n  ref:\n    region_name: ${k.OS_REGION_NAME}\n    auth:\n      auth_url: ${k.OS_AUTH_URL}\n      username: ${k.OS_USERNAME}\n      user_domain_name: ${k.OS_USER_DOMAIN_NAME}\n      project_name: ${k.OS_PROJECT_NAME}\n      project_domain_name: ${k.OS_PROJECT_DOMAIN_NAME}\n`);
    writeFileSync(join(cwd, 'secure.yaml'), `clouds:\n  ref:\n    auth:\n      password: ${PASSWORD}\n`);
    const run = await runCli(['run'], { OS_CLOUD: 'ref', ...server() }, cwd);
    expect(run.code, run.stderr).toBe(0);
    expectNoSecrets(run, [PASSWORD]);
  });

  test('a wrong password is a configuration error naming OS_PASSWORD, without a stack trace or the password', async () => {
    const run = await runCli(['run'], { ...password(ref), OS_PASSWORD: 'wrong-password-123' });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/configuration error: OS_PASSWORD: Keystone rejected the credentials \(401\)/);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(run.stderr).not.toContain('wrong-password-123');
  });

  test('a token that expires during the run is renewed, not reported as failures', async () => {
    const run = await runCli(['run'], password(short));
    expect(run.code, run.stdout.slice(-1500) + run.stderr).toBe(0);
  });

  test('without METACONFORM_SERVER_ID the run boots its own server, uses it and deletes it', async () => {
    const { METACONFORM_SERVER_ID: _, ...creds } = password(ref);
    const run = await runCli(['run'], { ...creds, METACONFORM_FLAVOR: 'm1.tiny', METACONFORM_BOOT_IMAGE: 'cirros', METACONFORM_NETWORK: 'none' });
    expect(run.code, run.stdout.slice(-1500) + run.stderr).toBe(0);
    expect(run.stdout).toMatch(/booting server metaconform-\S+ \(\S+\)/);
    expect(run.stdout).toMatch(/server metaconform-\S+ is ACTIVE/);
    expect(run.stdout).toMatch(/deleted server /);
    const cleanup = await runCli(['cleanup'], creds);
    expect(cleanup.stdout).toMatch(/no server named metaconform-\*/);
  });

  test('cleanup lists leftovers (dry run) and deletes them with --yes', async () => {
    const { METACONFORM_SERVER_ID: _, ...creds } = password(ref);
    const url = `${ref.settings.METACONFORM_COMPUTE_URL}/${ref.settings.OS_PROJECT_ID}/servers`;
    const made = await fetch(url, { method: 'POST', headers: { 'X-Auth-Token': ref.token, 'Content-Type': 'application/json' }, body: JSON.stringify({ server: { name: 'metaconform-20260101T000000-old', flavorRef: 'f', imageRef: 'i' } }) });
    expect(made.status).toBe(202);
    const dry = await runCli(['cleanup'], creds);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(/would delete server metaconform-20260101T000000-old/);
    const yes = await runCli(['cleanup', '--yes'], creds);
    expect(yes.code).toBe(0);
    expect(yes.stdout).toMatch(/deleting server metaconform-20260101T000000-old/);
    expect((await runCli(['cleanup'], creds)).stdout).toMatch(/no server named/);
  });
});

describe('several clouds in one gate', () => {
  let good: StandaloneReference;
  let bad: StandaloneReference;
  beforeAll(async () => {
    const secrets = { METACONFORM_REFERENCE_PASSWORD: PASSWORD };
    [good, bad] = await Promise.all([startStandaloneReference([], undefined, secrets), startStandaloneReference(['--mutant', 'no-request-id'], undefined, secrets)]);
  });
  afterAll(() => Promise.all([good?.stop(), bad?.stop()]));

  test('--cloud a,b runs each (own results folder), writes the matrix, and exits with the worst status', async () => {
    const cwd = tempDir('clouds-many');
    const entry = (r: StandaloneReference) =>
      `    auth:\n      auth_url: ${r.keystone.OS_AUTH_URL}\n      username: ${r.keystone.OS_USERNAME}\n      password: ${PASSWORD}\n      user_domain_name: ${r.keystone.OS_USER_DOMAIN_NAME}\n      project_name: ${r.keystone.OS_PROJECT_NAME}\n      project_domain_name: ${r.keystone.OS_PROJECT_DOMAIN_NAME}\n`;
    writeFileSync(join(cwd, 'clouds.yaml'), `clouds:\n  good:\n${entry(good)}  bad:\n${entry(bad)}`);
    const run = await runCli(['run', '--cloud', 'good,bad', '--tag', 'headers'], { METACONFORM_FLAVOR: 'f', METACONFORM_BOOT_IMAGE: 'i', METACONFORM_NETWORK: 'none' }, cwd);
    expect(run.code, run.stdout.slice(-1500) + run.stderr).toBe(1);
    expect(run.stdout).toMatch(/=== target good started ===[\s\S]*=== target bad started ===/);
    expect(run.stdout).toMatch(/^\[bad\] /m);
    const matrix = readFileSync(join(run.resultsDir, 'matrix.md'), 'utf8');
    expect(matrix).toMatch(/\| behaviour \| good \| bad \|/);
    expect(matrix).toMatch(/\| \*\*exit status\*\* \| \*\*0\*\* \| \*\*1\*\* \|/);
    expect(matrix).toMatch(/\| SM-HDR-001 \| passed \| \*\*FAILED\*\* \|/);
    for (const sub of ['good', 'bad']) expect(readFileSync(join(run.resultsDir, sub, 'summary.json'), 'utf8')).toContain('"profile": "nova"');
    // after the targets, the output shows only the behaviours that differ, and each target's totals
    const after = run.stdout.slice(run.stdout.search(/^behaviours that differ between the targets/m));
    expect(after).toMatch(/^behaviours that differ between the targets: \d+ of \d+ /m);
    expect(after).toMatch(/^\| SM-HDR-001 \| passed \| \*\*FAILED\*\* \|$/m);
    expect(after).not.toMatch(/^\| SM-[A-Z]+-\d+ \| passed \| passed \|$/m);
    expect(after).toMatch(/^totals:\n {2}good: \d+ passed, 0 failed/m);
    expectNoSecrets(run, [PASSWORD]);
    // the same targets from a list in a file
    writeFileSync(join(cwd, 'targets.yaml'), '- cloud: good\n- cloud: bad\n');
    const listed = await runCli(['run', '--targets', 'targets.yaml', '--tag', 'headers'], { METACONFORM_FLAVOR: 'f', METACONFORM_BOOT_IMAGE: 'i', METACONFORM_NETWORK: 'none' }, cwd);
    expect(listed.code).toBe(1);
    expect(readFileSync(join(listed.resultsDir, 'matrix.md'), 'utf8')).toMatch(/\| SM-HDR-001 \| passed \| \*\*FAILED\*\* \|/);
  });
});
