import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openSession, renewToken } from '../lib/auth/session.ts';
import { authFrom } from '../lib/config/auth.ts';
import { ConfigError } from '../lib/errors.ts';
import { redactText } from '../lib/http/redact.ts';
import { nova } from '../profiles/nova.ts';
import { Keystone } from '../reference/keystone.ts';
import { startReference, type ReferenceServer } from '../reference/server.ts';
import { filesBelow, runCli, startStandaloneReference, type CliResult, type StandaloneReference } from './helpers/cli.ts';

/**
 * Keystone v2.0 (Rackspace-style clouds): the reference's POST /identity/v2.0/tokens, and the suite's
 * authentication against it (password, API key, catalog by region, renewal, a wrong password).
 */
const PASSWORD = `pw2-${Math.random().toString(36).slice(2)}-secret`;
const API_KEY = `key2-${Math.random().toString(36).slice(2)}-secret`;

async function configError(p: Promise<unknown>): Promise<ConfigError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error('expected a ConfigError');
}

describe("the reference's Keystone v2.0", () => {
  let ref: ReferenceServer;
  let serverId: string;
  beforeAll(async () => {
    const user = { ...Keystone.defaultUser(), password: PASSWORD, apiKey: API_KEY };
    ref = await startReference({ profile: nova, keystoneUser: user, regions: ['DFW', 'ORD'], tokenTtlMs: 60_000 });
    serverId = ref.store.createServer(ref.projectId, { metadata: { a: '1' } }).id;
  });
  afterAll(() => ref.close());

  const tokens = (body: unknown) => fetch(`${ref.url}/identity/v2.0/tokens`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  const env = (extra: Record<string, string>) => ({ OS_AUTH_URL: `${ref.url}/identity/v2.0`, OS_USERNAME: 'demo', OS_REGION_NAME: 'ORD', ...extra });

  test('POST /v2.0/tokens: 200 with the token, its tenant and a catalog whose compute URLs are the /v2/{tenant} base', async () => {
    const r = await tokens({ auth: { passwordCredentials: { username: 'demo', password: PASSWORD }, tenantName: 'metaconform' } });
    expect(r.status).toBe(200);
    const { access } = (await r.json()) as { access: { token: { id: string; expires: string; tenant: { id: string; name: string } }; serviceCatalog: { type: string; endpoints: Record<string, string>[] }[]; user: { name: string } } };
    expect(access.token.tenant).toMatchObject({ id: ref.projectId, name: 'metaconform' });
    expect(Date.parse(access.token.expires)).toBeGreaterThan(Date.now());
    expect(access.user.name).toBe('demo');
    const compute = access.serviceCatalog.find((s) => s.type === 'compute')!;
    expect(compute.endpoints.map((e) => e.region)).toEqual(['DFW', 'ORD']);
    expect(compute.endpoints[0]).toMatchObject({ tenantId: ref.projectId, publicURL: `${ref.url}/v2/${ref.projectId}`, internalURL: `${ref.url}/v2/${ref.projectId}` });
    // the token works on the compute API
    const meta = await fetch(`${ref.url}/v2/${ref.projectId}/servers/${serverId}/metadata`, { headers: { 'X-Auth-Token': access.token.id } });
    expect([meta.status, await meta.json()]).toEqual([200, { metadata: { a: '1' } }]);
  });

  test('API key (RAX-KSKEY) without a tenant: the default tenant; a token exchanged for another', async () => {
    const r = await tokens({ auth: { 'RAX-KSKEY:apiKeyCredentials': { username: 'demo', apiKey: API_KEY } } });
    const { access } = (await r.json()) as { access: { token: { id: string; tenant: { id: string } } } };
    expect([r.status, access.token.tenant.id]).toEqual([200, ref.projectId]);
    const exchanged = await tokens({ auth: { token: { id: access.token.id }, tenantId: ref.projectId } });
    expect(exchanged.status).toBe(200);
  });

  test.each([
    ['a wrong password', { auth: { passwordCredentials: { username: 'demo', password: 'nope' } } }, 401],
    ['a wrong API key', { auth: { 'RAX-KSKEY:apiKeyCredentials': { username: 'demo', apiKey: 'nope' } } }, 401],
    ['another tenant', { auth: { passwordCredentials: { username: 'demo', password: PASSWORD }, tenantId: 'someone-else' } }, 401],
    ['no auth', {}, 400],
    ['no credentials', { auth: { tenantName: 'metaconform' } }, 400],
  ])('%s → %i', async (_name, body, status) => {
    const r = await tokens(body);
    expect(r.status).toBe(status);
    expect(Object.keys((await r.json()) as object)).toEqual(['error']);
  });

  test('password login: the compute endpoint from the catalog of OS_REGION_NAME, the project from the token', async () => {
    const session = await openSession({ auth: authFrom(env({ OS_PASSWORD: PASSWORD, OS_TENANT_NAME: 'metaconform' })) }, 10_000);
    expect(session).toMatchObject({ projectId: ref.projectId, endpointFrom: 'service catalog', endpoint: { root: ref.url, projectIdInUrl: ref.projectId } });
    expect(ref.keystone.valid(session.token)).toBe(true);
  });

  test('API-key login; the secret never shows in a message', async () => {
    const session = await openSession({ auth: authFrom(env({ OS_API_KEY: API_KEY })) }, 10_000);
    expect(session.projectId).toBe(ref.projectId);
    expect(redactText(`key ${API_KEY}`)).not.toContain(API_KEY);
  });

  test('catalog by region: none of several → OS_REGION_NAME; an unknown one → what is offered', async () => {
    const { OS_REGION_NAME: _, ...noRegion } = env({ OS_API_KEY: API_KEY });
    expect((await configError(openSession({ auth: authFrom(noRegion) }, 10_000))).message).toBe('OS_REGION_NAME: is not set and the catalog offers compute in several regions (DFW, ORD)');
    const unknown = await configError(openSession({ auth: authFrom(env({ OS_API_KEY: API_KEY, OS_REGION_NAME: 'SYD' })) }, 10_000));
    expect(unknown.message).toMatch(/^OS_REGION_NAME: no public compute endpoint in region 'SYD' in the catalog \(offered: public@DFW, internal@DFW, admin@DFW, public@ORD/);
  });

  test('a wrong password or API key is a configuration error naming its variable, without the secret', async () => {
    const wrong = await configError(openSession({ auth: authFrom(env({ OS_PASSWORD: 'wrong-password-v2' })) }, 10_000));
    expect(wrong.message).toMatch(/^OS_PASSWORD: Keystone v2.0 rejected the credentials \(401\): POST .*\/identity\/v2.0\/tokens → 401/);
    expect(wrong.message).not.toContain('wrong-password-v2');
    expect((await configError(openSession({ auth: authFrom(env({ OS_API_KEY: 'wrong-key-v2' })) }, 10_000))).variable).toBe('OS_API_KEY');
  });

  test('a token is renewed from the same credentials', async () => {
    const session = await openSession({ auth: authFrom(env({ OS_API_KEY: API_KEY })) }, 10_000);
    const renewed = await renewToken(session.renewal!, 10_000);
    expect(renewed).not.toBe(session.token);
    expect(ref.keystone.valid(renewed)).toBe(true);
  });

  test('an OS_AUTH_URL that is no Keystone v2.0 → OS_AUTH_URL', async () => {
    const e = await configError(openSession({ auth: authFrom({ OS_AUTH_URL: `${ref.url}/nothing/v2.0`, OS_USERNAME: 'demo', OS_API_KEY: API_KEY }) }, 10_000));
    expect(e.message).toMatch(/^OS_AUTH_URL: is not a Keystone v2.0 endpoint \(404 for .*\/nothing\/v2.0\/tokens\)/);
  });
});

describe('a Keystone v2.0 that issues a token for no tenant (no tenant named, no default)', () => {
  let server: Server;
  let url: string;
  beforeAll(async () => {
    server = createServer((_req, res) => {
      const body = JSON.stringify({ access: { token: { id: 'unscoped-token-1234', expires: '2099-01-01T00:00:00Z' }, serviceCatalog: [], user: { name: 'u' } } });
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) });
      res.end(body);
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v2.0`;
  });
  afterAll(() => new Promise<void>((done) => server.close(() => done())));

  test('→ a configuration error asking for OS_TENANT_NAME', async () => {
    const e = await configError(openSession({ auth: authFrom({ OS_AUTH_URL: url, OS_USERNAME: 'u', OS_PASSWORD: 'p' }) }, 10_000));
    expect(e.message).toBe('OS_TENANT_NAME: is not set and Keystone v2.0 issued a token for no tenant: set OS_TENANT_NAME or OS_TENANT_ID');
  });
});

/** No secret in the output or in any file the run wrote. */
function expectNoSecrets(run: CliResult, secrets: string[]): void {
  const files = filesBelow(run.resultsDir);
  for (const secret of secrets) {
    expect(run.stdout + run.stderr).not.toContain(secret);
    for (const [f, content] of files) expect(content.includes(secret), f).toBe(false);
  }
}

describe('end to end: the rackspace profile against the standalone reference, authenticating with Keystone v2.0', () => {
  let rax: StandaloneReference;
  beforeAll(async () => {
    // tokens live 1.5 s, so the run has to renew them; compute in two regions, so the region has to be named
    rax = await startStandaloneReference(['--profile', 'rackspace', '--token-ttl-ms', '1500', '--regions', 'DFW,ORD'], undefined, { METACONFORM_REFERENCE_PASSWORD: PASSWORD, METACONFORM_REFERENCE_API_KEY: API_KEY });
  });
  afterAll(() => rax?.stop());

  const v2 = () => ({
    OS_AUTH_URL: rax.keystone.OS_AUTH_URL!.replace(/\/v3$/, '/v2.0'),
    OS_USERNAME: rax.keystone.OS_USERNAME!,
    OS_REGION_NAME: 'ORD',
    METACONFORM_PROFILE: 'rackspace',
    METACONFORM_SERVER_ID: rax.settings.METACONFORM_SERVER_ID,
  });

  test('API key, region ORD, tokens renewed during the run → exit 0; no secret anywhere', async () => {
    const run = await runCli(['run'], { ...v2(), OS_API_KEY: API_KEY });
    expect(run.code, run.stdout.slice(-1500) + run.stderr).toBe(0);
    const cert = JSON.parse(readFileSync(join(run.resultsDir, 'certification.json'), 'utf8')) as { target: { region?: string } };
    expect(cert.target.region).toBe('ORD');
    expectNoSecrets(run, [API_KEY, rax.token]);
  });

  test('a wrong password → exit 2 with one line naming OS_PASSWORD, without the password', async () => {
    const run = await runCli(['run'], { ...v2(), OS_PASSWORD: 'wrong-v2-password-123', OS_TENANT_NAME: 'metaconform' });
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/configuration error: OS_PASSWORD: Keystone v2.0 rejected the credentials \(401\)/);
    expect(run.stdout + run.stderr).not.toContain('wrong-v2-password-123');
  });

  test('no region while the catalog offers two → exit 2 with one line naming OS_REGION_NAME', async () => {
    const { OS_REGION_NAME: _, ...noRegion } = v2();
    const run = await runCli(['run'], { ...noRegion, OS_PASSWORD: PASSWORD });
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split('\n')).toEqual([expect.stringMatching(/configuration error: OS_REGION_NAME: is not set and the catalog offers compute in several regions \(DFW, ORD\)/)]);
    expect(run.stdout + run.stderr).not.toContain(PASSWORD);
  });
});
