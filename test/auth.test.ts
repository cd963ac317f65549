import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { authRequest, catalogFromV2, computeUrlFromCatalog, tokensUrl, v2AuthRequest, v2TokensUrl, type CatalogEntry } from '../lib/auth/keystone.ts';
import { authFrom, identityVersion } from '../lib/config/auth.ts';
import { searchPath, withCloud } from '../lib/config/clouds.ts';
import { loadConfig } from '../lib/config/load.ts';
import { ConfigError } from '../lib/errors.ts';

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error('expected a ConfigError');
}

const K = { OS_AUTH_URL: 'https://keystone.example.com:5000/v3' };

describe('authentication settings', () => {
  test('password with user and project names needs their domains', () => {
    expect(authFrom({ ...K, OS_USERNAME: 'u', OS_USER_DOMAIN_NAME: 'Default', OS_PASSWORD: 'pw-1234', OS_PROJECT_NAME: 'p', OS_PROJECT_DOMAIN_ID: 'default' })).toEqual({
      kind: 'keystone',
      authUrl: K.OS_AUTH_URL,
      interface: 'public',
      credentials: { method: 'password', user: { name: 'u', domain: { name: 'Default' } }, password: 'pw-1234' },
      project: { name: 'p', domain: { id: 'default' } },
    });
    expect(configError(() => authFrom({ ...K, OS_USERNAME: 'u', OS_PASSWORD: 'x', OS_PROJECT_ID: 'p' })).variable).toBe('OS_USER_DOMAIN_NAME');
    expect(configError(() => authFrom({ ...K, OS_USER_ID: 'u', OS_PASSWORD: 'x', OS_PROJECT_NAME: 'p' })).variable).toBe('OS_PROJECT_DOMAIN_NAME');
    expect(configError(() => authFrom({ ...K, OS_USER_ID: 'u', OS_PASSWORD: 'x' })).variable).toBe('OS_PROJECT_ID');
  });

  test('application credentials by id need no scope; by name they need the user', () => {
    expect(authFrom({ ...K, OS_APPLICATION_CREDENTIAL_ID: 'ac', OS_APPLICATION_CREDENTIAL_SECRET: 's-1234', OS_REGION_NAME: 'RegionTwo', OS_INTERFACE: 'internalURL' })).toEqual({
      kind: 'keystone',
      authUrl: K.OS_AUTH_URL,
      interface: 'internal',
      region: 'RegionTwo',
      credentials: { method: 'application_credential', id: 'ac', secret: 's-1234' },
    });
    expect(configError(() => authFrom({ ...K, OS_APPLICATION_CREDENTIAL_NAME: 'n', OS_APPLICATION_CREDENTIAL_SECRET: 's' })).variable).toBe('OS_USERNAME');
    expect(configError(() => authFrom({ ...K, OS_APPLICATION_CREDENTIAL_SECRET: 's' })).variable).toBe('OS_APPLICATION_CREDENTIAL_ID');
  });

  test('a token with OS_AUTH_URL is exchanged at Keystone; without it, used as is', () => {
    expect(authFrom({ ...K, OS_TOKEN: 't-1234', OS_PROJECT_ID: 'p' })).toMatchObject({ kind: 'keystone', credentials: { method: 'token', token: 't-1234' }, project: { id: 'p' } });
    expect(authFrom({ OS_TOKEN: 't-1234' })).toEqual({ kind: 'token', token: 't-1234' });
  });

  test.each([
    [{ ...K }, 'OS_PASSWORD', /no credentials/],
    [{ OS_AUTH_URL: 'keystone:5000', OS_TOKEN: 't' }, 'OS_AUTH_URL', /not an http\(s\) URL/],
    [{ ...K, OS_TOKEN: 't', OS_PROJECT_ID: 'p', OS_INTERFACE: 'private' }, 'OS_INTERFACE', /public, internal or admin/],
    [{}, 'OS_TOKEN', /OS_AUTH_URL is not set either/],
  ])('%j → %s', (env, variable, message) => {
    const e = configError(() => authFrom(env));
    expect(e.variable).toBe(variable);
    expect(e.message).toMatch(message);
  });

  test('Keystone requests', () => {
    expect(tokensUrl('https://k:5000')).toBe('https://k:5000/v3/auth/tokens');
    expect(tokensUrl('https://k:5000/v3/')).toBe('https://k:5000/v3/auth/tokens');
    expect(tokensUrl('https://k/identity/v3')).toBe('https://k/identity/v3/auth/tokens');
    expect(authRequest({ method: 'password', user: { id: 'u' }, password: 'pw' }, { id: 'p' })).toEqual({
      auth: { identity: { methods: ['password'], password: { user: { id: 'u', password: 'pw' } } }, scope: { project: { id: 'p' } } },
    });
    expect(authRequest({ method: 'application_credential', id: 'a', secret: 's' }, { id: 'p' })).toEqual({
      auth: { identity: { methods: ['application_credential'], application_credential: { id: 'a', secret: 's' } } },
    });
  });
});

describe('service catalog', () => {
  const catalog: CatalogEntry[] = [
    { type: 'identity', endpoints: [{ interface: 'public', region: 'R1', url: 'https://k/v3' }] },
    {
      type: 'compute',
      endpoints: [
        { interface: 'public', region: 'R1', url: 'https://nova-r1/v2.1' },
        { interface: 'internal', region: 'R1', url: 'http://nova-r1.internal/v2.1' },
        { interface: 'public', region: 'R2', url: 'https://nova-r2/compute/v2.1/%(tenant_id)s' },
      ],
    },
  ];

  test('picks the interface and region', () => {
    expect(computeUrlFromCatalog(catalog, 'internal', undefined)).toBe('http://nova-r1.internal/v2.1');
    expect(computeUrlFromCatalog(catalog, 'public', 'R2')).toBe('https://nova-r2/compute/v2.1/%(tenant_id)s');
  });

  test('refuses to guess between regions, and names what is offered', () => {
    expect(configError(() => computeUrlFromCatalog(catalog, 'public', undefined)).message).toMatch(/OS_REGION_NAME: .*several regions \(R1, R2\)/);
    expect(configError(() => computeUrlFromCatalog(catalog, 'admin', 'R1')).message).toMatch(/no admin compute endpoint in region 'R1'.*public@R1/);
    expect(configError(() => computeUrlFromCatalog([], 'public', undefined)).variable).toBe('METACONFORM_COMPUTE_URL');
  });
});

describe('Keystone v2.0 settings (Rackspace-style clouds)', () => {
  const K2 = { OS_AUTH_URL: 'https://identity.example.com/v2.0' };

  test('an OS_AUTH_URL ending in /v2.0, or OS_IDENTITY_API_VERSION=2, is Keystone v2.0; a contradiction is an error', () => {
    expect(identityVersion({}, 'https://identity.example.com/v2.0/')).toBe(2);
    expect(identityVersion({ OS_IDENTITY_API_VERSION: '2' }, 'https://identity.example.com')).toBe(2);
    expect(identityVersion({ OS_IDENTITY_API_VERSION: '2.0' }, 'https://identity.example.com')).toBe(2);
    expect(identityVersion({}, 'https://identity.example.com')).toBe(3);
    expect(identityVersion({}, 'https://identity.example.com/v3')).toBe(3);
    expect(configError(() => identityVersion({ OS_IDENTITY_API_VERSION: '3' }, 'https://k/v2.0')).message).toBe("OS_IDENTITY_API_VERSION: is 3, but OS_AUTH_URL 'https://k/v2.0' is a Keystone v2.0 URL");
    expect(configError(() => identityVersion({ OS_IDENTITY_API_VERSION: '2' }, 'https://k/v3')).variable).toBe('OS_IDENTITY_API_VERSION');
    expect(configError(() => identityVersion({ OS_IDENTITY_API_VERSION: '4' }, 'https://k')).message).toMatch(/must be 2 \(Keystone v2.0\) or 3, got '4'/);
  });

  test('password with a tenant name; API key without a tenant; interface and region as for v3', () => {
    expect(authFrom({ ...K2, OS_USERNAME: 'u', OS_PASSWORD: 'pw-1234', OS_TENANT_NAME: 't' })).toEqual({
      kind: 'keystone',
      authUrl: K2.OS_AUTH_URL,
      interface: 'public',
      credentials: { method: 'v2-password', username: 'u', password: 'pw-1234' },
      project: { name: 't' },
    });
    expect(authFrom({ ...K2, OS_USERNAME: 'u', OS_API_KEY: 'k-1234', OS_REGION_NAME: 'DFW', OS_INTERFACE: 'internalURL' })).toEqual({
      kind: 'keystone',
      authUrl: K2.OS_AUTH_URL,
      interface: 'internal',
      region: 'DFW',
      credentials: { method: 'v2-api-key', username: 'u', apiKey: 'k-1234' },
    });
    // the v3 names of the tenant work too; ids win over names
    expect(authFrom({ ...K2, OS_USERNAME: 'u', OS_PASSWORD: 'p', OS_PROJECT_NAME: 'n', OS_TENANT_ID: '123' })).toMatchObject({ project: { id: '123' } });
    expect(authFrom({ OS_AUTH_URL: 'https://k', OS_IDENTITY_API_VERSION: '2', OS_USERNAME: 'u', OS_PASSWORD: 'p', OS_PROJECT_ID: '123' })).toMatchObject({ credentials: { method: 'v2-password' }, project: { id: '123' } });
    expect(authFrom({ ...K2, OS_TOKEN: 't-1234', OS_TENANT_ID: '123' })).toMatchObject({ credentials: { method: 'v2-token', token: 't-1234' }, project: { id: '123' } });
  });

  test.each([
    [{ ...K2 }, 'OS_PASSWORD', 'OS_PASSWORD: no credentials for OS_AUTH_URL (Keystone v2.0): set OS_USERNAME with OS_PASSWORD or OS_API_KEY, or OS_TOKEN'],
    [{ ...K2, OS_API_KEY: 'k' }, 'OS_USERNAME', 'OS_USERNAME: is required with OS_API_KEY (Keystone v2.0 names the user; OS_USER_ID is not used)'],
    [{ ...K2, OS_USER_ID: 'u', OS_PASSWORD: 'p' }, 'OS_USERNAME', 'OS_USERNAME: is required with OS_PASSWORD (Keystone v2.0 names the user; OS_USER_ID is not used)'],
    [{ ...K2, OS_USERNAME: 'u', OS_API_KEY: 'k', OS_PASSWORD: 'p' }, 'OS_API_KEY', 'OS_API_KEY: and OS_PASSWORD are both set: Keystone v2.0 takes one of them'],
    [{ ...K2, OS_TOKEN: 't' }, 'OS_TENANT_ID', 'OS_TENANT_ID: or OS_TENANT_NAME is required to exchange OS_TOKEN at Keystone v2.0'],
    [{ ...K2, OS_USERNAME: 'u', OS_PASSWORD: 'p', OS_TENANT_ID: '1', OS_PROJECT_ID: '2' }, 'OS_TENANT_ID', "OS_TENANT_ID: '1' differs from OS_PROJECT_ID '2'"],
    [{ ...K2, OS_USERNAME: 'u', OS_PASSWORD: 'p', OS_INTERFACE: 'private' }, 'OS_INTERFACE', "OS_INTERFACE: must be public, internal or admin, got 'private'"],
  ])('incomplete or contradictory: %j → one line naming %s', (env, variable, message) => {
    const e = configError(() => authFrom(env));
    expect([e.variable, e.message]).toEqual([variable, message]);
    expect(e.message).not.toContain('\n');
  });

  test('Keystone v2.0 requests', () => {
    expect(v2TokensUrl('https://identity.api.example.com/v2.0/')).toBe('https://identity.api.example.com/v2.0/tokens');
    expect(v2TokensUrl('https://k:5000')).toBe('https://k:5000/v2.0/tokens');
    expect(v2AuthRequest({ method: 'v2-password', username: 'u', password: 'pw' }, { name: 't' })).toEqual({ auth: { passwordCredentials: { username: 'u', password: 'pw' }, tenantName: 't' } });
    expect(v2AuthRequest({ method: 'v2-api-key', username: 'u', apiKey: 'k' })).toEqual({ auth: { 'RAX-KSKEY:apiKeyCredentials': { username: 'u', apiKey: 'k' } } });
    expect(v2AuthRequest({ method: 'v2-token', token: 't' }, { id: '1' })).toEqual({ auth: { token: { id: 't' }, tenantId: '1' } });
  });

  test('a v2.0 serviceCatalog is read by region and interface (publicURL, internalURL), every compute service together', () => {
    const catalog = catalogFromV2([
      { type: 'compute', name: 'cloudServersOpenStack', endpoints: [
        { region: 'DFW', tenantId: '123', publicURL: 'https://dfw.servers.example.com/v2/123' },
        { region: 'ORD', tenantId: '123', publicURL: 'https://ord.servers.example.com/v2/123', internalURL: 'https://ord.internal.example.com/v2/123' },
      ] },
      { type: 'object-store', name: 'cloudFiles', endpoints: [{ region: 'DFW', publicURL: 'https://storage/v1' }] },
      { type: 'compute', name: 'cloudServers', endpoints: [{ tenantId: '123', publicURL: 'https://servers.example.com/v1.0/123' }] },
    ]);
    expect(computeUrlFromCatalog(catalog, 'public', 'ORD')).toBe('https://ord.servers.example.com/v2/123');
    expect(computeUrlFromCatalog(catalog, 'internal', 'ORD')).toBe('https://ord.internal.example.com/v2/123');
    expect(configError(() => computeUrlFromCatalog(catalog, 'public', undefined)).message).toMatch(/OS_REGION_NAME: .*several regions \(DFW, ORD, \)/);
    expect(configError(() => computeUrlFromCatalog(catalog, 'internal', 'DFW')).message).toMatch(/no internal compute endpoint in region 'DFW'/);
  });
});

describe('clouds.yaml', () => {
  function layout(): { cwd: string; home: string } {
    const root = mkdtempSync(join(tmpdir(), 'metaconform-clouds-'));
    const cwd = join(root, 'work');
    const home = join(root, 'home');
    mkdirSync(join(home, '.config', 'openstack'), { recursive: true });
    mkdirSync(cwd);
    return { cwd, home };
  }
  const clouds = `clouds:
  mycloud:
    region_name: RegionOne
    interface: internal
    auth:
      auth_url: https://keystone.example.com/v3
      username: alice
      user_domain_name: Default
      project_name: demo
      project_domain_name: Default
`;

  test('is searched where openstacksdk searches: working directory first, then ~/.config/openstack', () => {
    const { cwd, home } = layout();
    expect(searchPath('clouds', {}, cwd, home).slice(0, 4)).toEqual([join(cwd, 'clouds.yaml'), join(cwd, 'clouds.yml'), join(home, '.config/openstack/clouds.yaml'), join(home, '.config/openstack/clouds.yml')]);
    expect(searchPath('secure', { OS_CLIENT_SECURE_FILE: '/x/s.yaml' }, cwd, home)[0]).toBe('/x/s.yaml');
  });

  test('fills OS_* from the cloud entry and secure.yaml; the environment wins', () => {
    const { cwd, home } = layout();
    writeFileSync(join(home, '.config', 'openstack', 'clouds.yaml'), clouds);
    writeFileSync(join(home, '.config', 'openstack', 'secure.yaml'), 'clouds:\n  mycloud:\n    auth:\n      password: from-secure\n');
    const env = withCloud({ OS_CLOUD: 'mycloud', OS_REGION_NAME: 'RegionTwo' }, cwd, home);
    expect(env).toMatchObject({ OS_AUTH_URL: 'https://keystone.example.com/v3', OS_USERNAME: 'alice', OS_PASSWORD: 'from-secure', OS_PROJECT_NAME: 'demo', OS_INTERFACE: 'internal', OS_REGION_NAME: 'RegionTwo' });
    const config = loadConfig({ OS_CLOUD: 'mycloud', METACONFORM_SERVER_ID: 's1' }, cwd, home);
    expect(config.target).toMatchObject({ kind: 'endpoint', serverId: 's1', auth: { kind: 'keystone', interface: 'internal', region: 'RegionOne', credentials: { method: 'password', password: 'from-secure' } } });
  });

  test("Rackspace's api_key (rackspace_apikey) and identity_api_version are read", () => {
    const { cwd, home } = layout();
    writeFileSync(join(cwd, 'clouds.yaml'), 'clouds:\n  rax:\n    identity_api_version: 2\n    region_name: DFW\n    auth_type: rackspace_apikey\n    auth:\n      auth_url: https://identity.example.com/\n      username: alice\n      api_key: from-file\n');
    const config = loadConfig({ OS_CLOUD: 'rax', METACONFORM_SERVER_ID: 's1' }, cwd, home);
    expect(config.target).toMatchObject({ auth: { kind: 'keystone', region: 'DFW', credentials: { method: 'v2-api-key', username: 'alice', apiKey: 'from-file' } } });
  });

  test('a clouds.yaml in the working directory is preferred', () => {
    const { cwd, home } = layout();
    writeFileSync(join(home, '.config', 'openstack', 'clouds.yaml'), clouds);
    writeFileSync(join(cwd, 'clouds.yaml'), clouds.replace('alice', 'bob'));
    expect(withCloud({ OS_CLOUD: 'mycloud' }, cwd, home).OS_USERNAME).toBe('bob');
  });

  test('a missing file, a missing cloud or bad YAML is a configuration error naming OS_CLOUD', () => {
    const { cwd, home } = layout();
    expect(configError(() => withCloud({ OS_CLOUD: 'mycloud' }, cwd, home)).message).toMatch(/OS_CLOUD: is 'mycloud' but no clouds.yaml was found/);
    writeFileSync(join(cwd, 'clouds.yaml'), clouds);
    expect(configError(() => withCloud({ OS_CLOUD: 'other' }, cwd, home)).message).toMatch(/cloud 'other' is not in/);
    writeFileSync(join(cwd, 'clouds.yaml'), 'clouds: [unclosed');
    expect(configError(() => withCloud({ OS_CLOUD: 'mycloud' }, cwd, home)).message).toMatch(/OS_CLOUD: cannot read/);
  });
});
