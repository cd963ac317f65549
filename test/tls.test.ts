import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer as createHttpsServer, type Server } from 'node:https';
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { loadConfig } from '../lib/config/load.ts';
import { runCli, startStandaloneReference, tempDir, type StandaloneReference } from './helpers/cli.ts';

/**
 * A private cloud behind an internal CA: a TLS front made in the test (its own CA, a server certificate for
 * 127.0.0.1, and a client CA for a front that asks for client certificates) before the standalone reference.
 */
const dir = tempDir('tls');
const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });

function makeCa(name: string): void {
  openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.pem`, '-days', '2', '-subj', `/CN=${name}`);
}

function makeCert(name: string, ca: string, extensions?: string): void {
  openssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}`);
  const args = ['x509', '-req', '-in', `${name}.csr`, '-CA', `${ca}.pem`, '-CAkey', `${ca}.key`, '-CAcreateserial', '-out', `${name}.pem`, '-days', '2'];
  if (extensions) {
    writeFileSync(join(dir, `${name}.ext`), extensions);
    args.push('-extfile', `${name}.ext`);
  }
  openssl(...args);
}

let ref: StandaloneReference;
const fronts: Server[] = [];

/** An HTTPS front on 127.0.0.1 that passes every request on to the reference; optionally asking for a client certificate. */
async function front(clientCa?: string): Promise<string> {
  const upstream = new URL(ref.settings.METACONFORM_COMPUTE_URL);
  const server = createHttpsServer(
    { key: readFileSync(join(dir, 'server.key')), cert: readFileSync(join(dir, 'server.pem')), ...(clientCa ? { ca: readFileSync(join(dir, `${clientCa}.pem`)), requestCert: true, rejectUnauthorized: true } : {}) },
    (req, res) => {
      const forward = request({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: { ...req.headers, host: upstream.host } }, (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      });
      forward.on('error', () => res.destroy());
      req.pipe(forward);
    },
  );
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  fronts.push(server);
  return `https://127.0.0.1:${(server.address() as AddressInfo).port}/v2.1`;
}

let plain: string;
let withClientCerts: string;

beforeAll(async () => {
  makeCa('ca');
  makeCa('other-ca');
  makeCa('client-ca');
  makeCert('server', 'ca', 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  makeCert('client', 'client-ca');
  writeFileSync(join(dir, 'not-a-cert.pem'), 'this is no certificate\n');
  ref = await startStandaloneReference([], undefined, { METACONFORM_REFERENCE_READER_TOKEN: 'reader-token-0123456789' });
  plain = await front();
  withClientCerts = await front('client-ca');
});

afterAll(async () => {
  for (const s of fronts) s.close();
  await ref?.stop();
});

const ONE = ['run', '--behaviour', 'SM-LIST-001'];
const settings = (url: string, extra: Record<string, string> = {}) => ({ ...ref.settings, METACONFORM_COMPUTE_URL: url, OS_TOKEN: ref.token, ...extra });

describe('TLS: a private cloud behind its own CA', () => {
  test('OS_CACERT trusts the CA: the run passes', async () => {
    const run = await runCli(ONE, settings(plain, { OS_CACERT: join(dir, 'ca.pem') }));
    expect(run.code, run.stdout.slice(-600) + run.stderr).toBe(0);
  });

  test.each([
    ['no OS_CACERT', {}, /OS_CACERT: .*not trusted \((SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT_LOCALLY)\)/],
    ['another CA', { OS_CACERT: join(dir, 'other-ca.pem') }, /OS_CACERT: .*not trusted/],
    ['a file that is no certificate', { OS_CACERT: join(dir, 'not-a-cert.pem') }, /OS_CACERT: .*not-a-cert\.pem is not a PEM CA bundle/],
    ['a file that does not exist', { OS_CACERT: join(dir, 'missing.pem') }, /OS_CACERT: cannot read .*missing\.pem/],
  ])('%s: one clear line, exit 2, never a stack trace', async (_what, extra, message) => {
    const run = await runCli(ONE, settings(plain, extra as Record<string, string>));
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  test('OS_INSECURE=true skips the check (and says so nowhere in a secret-bearing way): the run passes', async () => {
    const run = await runCli(ONE, settings(plain, { OS_INSECURE: 'true' }));
    expect(run.code, run.stdout.slice(-600) + run.stderr).toBe(0);
  });

  test('a front that asks for a client certificate: OS_CERT and OS_KEY pass; without them one line naming OS_CERT', async () => {
    const ca = { OS_CACERT: join(dir, 'ca.pem') };
    const refused = await runCli(ONE, settings(withClientCerts, ca));
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/OS_CERT: .*client certificate/);
    expect(refused.stderr.trim().split('\n')).toHaveLength(1);
    const run = await runCli(ONE, settings(withClientCerts, { ...ca, OS_CERT: join(dir, 'client.pem'), OS_KEY: join(dir, 'client.key') }));
    expect(run.code, run.stdout.slice(-600) + run.stderr).toBe(0);
  });

  test('clouds.yaml: cacert, and a token-only entry naming its compute endpoint (compute_endpoint_override)', async () => {
    const cwd = tempDir('tls-cloud');
    writeFileSync(
      join(cwd, 'clouds.yaml'),
      [
        'clouds:',
        '  private:',
        `    cacert: ${join(dir, 'ca.pem')}`,
        `    compute_endpoint_override: ${plain}`,
        '    auth:',
        `      project_id: ${ref.settings.OS_PROJECT_ID}`,
        '  lax:',
        '    verify: false',
        `    compute_endpoint_override: ${plain}`,
        '    auth:',
        `      project_id: ${ref.settings.OS_PROJECT_ID}`,
      ].join('\n'),
    );
    writeFileSync(join(cwd, 'secure.yaml'), ['clouds:', '  private:', '    auth:', `      token: ${ref.token}`, '  lax:', '    auth:', `      token: ${ref.token}`].join('\n'));
    const base = { METACONFORM_SERVER_ID: ref.settings.METACONFORM_SERVER_ID };
    const run = await runCli(ONE, { ...base, OS_CLOUD: 'private' }, cwd);
    expect(run.code, run.stdout.slice(-600) + run.stderr).toBe(0);
    const lax = await runCli(ONE, { ...base, OS_CLOUD: 'lax' }, cwd);
    expect(lax.code, lax.stdout.slice(-600) + lax.stderr).toBe(0);
    expect(loadConfig({ OS_CLOUD: 'lax', ...base }, cwd).tls).toEqual({ insecure: true });
  });

  test('OS_CERT without OS_KEY is a usage error', () => {
    expect(() => loadConfig({ ...settings(plain), OS_CERT: join(dir, 'client.pem') })).toThrow(/OS_KEY: is required with OS_CERT/);
  });
});

describe('a reader credential configured the OpenStack way', () => {
  test('METACONFORM_READER_TOKEN: the reader behaviours are judged (and pass against the reference)', async () => {
    const run = await runCli(['run', '--behaviour', 'SM-AUTH-002,SM-AUTH-004'], { ...ref.settings, OS_TOKEN: ref.token, METACONFORM_READER_TOKEN: 'reader-token-0123456789' });
    expect(run.code, run.stdout.slice(-800) + run.stderr).toBe(0);
    const summary = JSON.parse(readFileSync(join(run.resultsDir, 'summary.json'), 'utf8')) as { behaviours: { id: string; status: string }[] };
    expect(summary.behaviours.filter((b) => ['SM-AUTH-002', 'SM-AUTH-004'].includes(b.id)).map((b) => b.status)).toEqual(['passed', 'passed']);
    expect(run.stdout).not.toContain('reader-token-0123456789');
  });

  test('METACONFORM_READER_CLOUD names a clouds.yaml entry of a reader; a cloud that is not there is one line naming the variable', () => {
    const cwd = tempDir('reader-cloud');
    writeFileSync(join(cwd, 'clouds.yaml'), ['clouds:', '  reader:', '    auth:', '      auth_url: https://keystone.example/v3', '      username: watcher', '      user_domain_name: Default', '      project_name: p', '      project_domain_name: Default'].join('\n'));
    writeFileSync(join(cwd, 'secure.yaml'), ['clouds:', '  reader:', '    auth:', '      password: reader-secret'].join('\n'));
    const env = { METACONFORM_COMPUTE_URL: 'http://127.0.0.1:1/v2.1', OS_TOKEN: 'tok-12345', OS_PROJECT_ID: 'abc', METACONFORM_SERVER_ID: 's' };
    const config = loadConfig({ ...env, METACONFORM_READER_CLOUD: 'reader' }, cwd);
    expect(config.target.kind === 'endpoint' && config.target.reader).toMatchObject({ kind: 'keystone', authUrl: 'https://keystone.example/v3', credentials: { method: 'password', password: 'reader-secret' } });
    expect(() => loadConfig({ ...env, METACONFORM_READER_CLOUD: 'nowhere' }, cwd)).toThrow(/METACONFORM_READER_CLOUD: .*'nowhere'/);
  });
});
