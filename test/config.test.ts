import { describe, expect, test } from 'vitest';
import { apiBases, normaliseComputeUrl } from '../lib/config/endpoint.ts';
import { loadConfig, parseTimeout } from '../lib/config/load.ts';
import { ConfigError } from '../lib/errors.ts';

const P = '0123456789abcdef0123456789abcdef';

describe('compute endpoint normalisation', () => {
  test.each([
    ['http://nova:8774', 'http://nova:8774', undefined],
    ['http://nova:8774/', 'http://nova:8774', undefined],
    ['http://nova:8774/v2.1', 'http://nova:8774', undefined],
    ['http://nova:8774/v2.1/', 'http://nova:8774', undefined],
    [`http://nova:8774/v2.1/${P}`, 'http://nova:8774', P],
    [`http://nova:8774/v2/${P}`, 'http://nova:8774', P],
    [`http://nova:8774/v2/${P}/`, 'http://nova:8774', P],
    ['https://cloud.example.com/compute/v2.1', 'https://cloud.example.com/compute', undefined],
    [`https://cloud.example.com/compute/v2/${P}`, 'https://cloud.example.com/compute', P],
    ['https://cloud.example.com/compute', 'https://cloud.example.com/compute', undefined],
    ['  https://ecs.example.com:443/v2.1  ', 'https://ecs.example.com', undefined],
  ])('%s → root %s, project %s', (raw, root, project) => {
    expect(normaliseComputeUrl(raw)).toEqual({ root, projectIdInUrl: project });
  });

  test.each([
    ['http://nova:8774/v2.1/%(tenant_id)s'],
    ['http://nova:8774/v2.1/$(project_id)s'],
    ['http://nova:8774/v2/{project_id}'],
  ])('catalog placeholder in %s is filled from OS_PROJECT_ID', (raw) => {
    expect(normaliseComputeUrl(raw, P)).toEqual({ root: 'http://nova:8774', projectIdInUrl: P });
    expect(normaliseComputeUrl(raw, P)).toEqual({ root: 'http://nova:8774', projectIdInUrl: P });
  });

  test('derives both bases from any form', () => {
    const bases = apiBases(normaliseComputeUrl(`https://c.example/compute/v2/${P}`), P);
    expect(bases).toEqual({ v2: `https://c.example/compute/v2/${P}`, 'v2.1': `https://c.example/compute/v2.1/${P}` });
  });

  test.each([
    ['', /is empty/],
    ['not a url', /not a valid URL/],
    ['ftp://nova/v2.1', /http:\/\/ or https:\/\//],
    ['http://user:pw@nova/v2.1', /credentials/],
    ['http://nova/v2.1?x=1', /query string/],
    [`http://nova/v2.1/${P}/servers`, /unexpected path/],
    ['http://nova/v2.1/%(tenant_id)s', /OS_PROJECT_ID/],
  ])('rejects %j', (raw, message) => {
    expect(() => normaliseComputeUrl(raw)).toThrow(message);
    expect(() => normaliseComputeUrl(raw)).toThrow(ConfigError);
  });
});

describe('configuration', () => {
  const endpoint = { METACONFORM_COMPUTE_URL: 'http://nova:8774/v2.1', OS_TOKEN: 'tok-123456', OS_PROJECT_ID: P, METACONFORM_SERVER_ID: 'srv-1' };

  test('nothing configured means the embedded reference with the nova profile', () => {
    const config = loadConfig({}, '/work');
    expect(config.target).toEqual({ kind: 'reference' });
    expect(config.profile.name).toBe('nova');
    expect(config.resultsDir).toBe('/work/results');
    expect(config.timeoutMs).toBe(30_000);
  });

  test('an endpoint configuration', () => {
    const config = loadConfig({ ...endpoint, METACONFORM_IMAGE_ID: 'img-1', METACONFORM_RESULTS_DIR: 'out', METACONFORM_TIMEOUT_MS: '5000' }, '/w');
    expect(config.target).toEqual({ kind: 'endpoint', endpoint: { root: 'http://nova:8774', projectIdInUrl: undefined }, projectId: P, auth: { kind: 'token', token: 'tok-123456' }, serverId: 'srv-1', imageId: 'img-1' });
    expect(config.resultsDir).toBe('/w/out');
    expect(config.timeoutMs).toBe(5000);
  });

  test('the project may come from the URL alone', () => {
    const { OS_PROJECT_ID: _, ...rest } = endpoint;
    const config = loadConfig({ ...rest, METACONFORM_COMPUTE_URL: `http://nova:8774/v2/${P}` });
    expect(config.target.kind === 'endpoint' && config.target.projectId).toBe(P);
  });

  test.each([
    [{ METACONFORM_PROFILE: 'nope' }, 'METACONFORM_PROFILE', /unknown profile 'nope'/],
    [{ OS_TOKEN: 'x' }, 'METACONFORM_COMPUTE_URL', /is not set/],
    [{ METACONFORM_SERVER_ID: 's' }, 'METACONFORM_COMPUTE_URL', /is not set/],
    [{ ...endpoint, OS_TOKEN: '' }, 'OS_TOKEN', /is not set/],
    [{ ...endpoint, METACONFORM_SERVER_ID: ' ' }, 'METACONFORM_SERVER_ID', /is not set/],
    [{ ...endpoint, METACONFORM_SERVER_ID: 'a/b' }, 'METACONFORM_SERVER_ID', /not a valid id/],
    [{ ...endpoint, OS_PROJECT_ID: '' }, 'OS_PROJECT_ID', /names no project/],
    [{ ...endpoint, METACONFORM_COMPUTE_URL: `http://nova/v2.1/${P}`, OS_PROJECT_ID: 'abc' }, 'OS_PROJECT_ID', /differs from the project/],
    [{ ...endpoint, METACONFORM_TIMEOUT_MS: '10s' }, 'METACONFORM_TIMEOUT_MS', /whole number/],
    [{ ...endpoint, METACONFORM_TIMEOUT_MS: '0' }, 'METACONFORM_TIMEOUT_MS', /between 1 and/],
    [{ ...endpoint, METACONFORM_REFERENCE_MUTANT: 'put-merges' }, 'METACONFORM_REFERENCE_MUTANT', /only to the embedded reference/],
    [{ OS_AUTH_URL: 'https://keystone/v3' }, 'OS_PASSWORD', /no credentials for OS_AUTH_URL/],
    [{ OS_AUTH_URL: 'https://keystone/v3', OS_PASSWORD: 'pw', OS_USER_ID: 'u', OS_PROJECT_ID: 'p' }, 'METACONFORM_SERVER_ID', /is not set/],
    [{ OS_CLOUD: 'mycloud' }, 'OS_CLOUD', /no clouds.yaml was found/],
    [{ METACONFORM_TARGET: 'cloud' }, 'METACONFORM_TARGET', /'reference' or 'endpoint'/],
  ])('%j is a configuration error naming %s', (env, variable, message) => {
    let error: unknown;
    try {
      loadConfig(env as Record<string, string>, '/nonexistent-cwd', '/nonexistent-home');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).variable).toBe(variable);
    expect((error as ConfigError).message).toMatch(message);
    expect((error as ConfigError).message.startsWith(`${variable}: `)).toBe(true);
  });

  test('METACONFORM_TARGET=reference ignores OpenStack variables explicitly', () => {
    expect(loadConfig({ METACONFORM_TARGET: 'reference', OS_AUTH_URL: 'https://k/v3' }).target.kind).toBe('reference');
  });

  test('timeouts', () => {
    expect(parseTimeout(undefined)).toBe(30_000);
    expect(parseTimeout('600000')).toBe(600_000);
    expect(() => parseTimeout('600001')).toThrow(ConfigError);
    expect(() => parseTimeout('-5')).toThrow(/whole number/);
  });
});
