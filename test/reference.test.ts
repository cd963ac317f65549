import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { nova } from '../profiles/nova.ts';
import { startReference, type ReferenceServer } from '../reference/server.ts';

/**
 * The reference models real Nova 26.2.2: these cases are taken from ../shared/spec/nova-ground-truth.md
 * (case IDs in the names) and check the order of Nova's checks, which the conformance suites rely on.
 */
let ref: ReferenceServer;
let serverId: string;
let lockedId: string;
let errorId: string;
let imageId: string;

beforeAll(async () => {
  ref = await startReference({ profile: nova, token: 'reference-test-token' });
  serverId = ref.store.createServer(ref.projectId, { metadata: { a: '1', b: '2' } }).id;
  lockedId = ref.store.createServer(ref.projectId, { locked: true, metadata: { fixture: 'x' } }).id;
  errorId = ref.store.createServer(ref.projectId, { vmState: 'error' }).id;
  imageId = ref.store.createImage({ properties: { os_distro: 'x' } }).id;
});
afterAll(() => ref.close());

async function call(method: string, path: string, opts: { body?: string; json?: unknown; headers?: Record<string, string>; token?: string | null } = {}) {
  const headers: Record<string, string> = { Accept: 'application/json', ...opts.headers };
  if (opts.token !== null) headers['X-Auth-Token'] = opts.token ?? ref.token;
  let body = opts.body;
  if (opts.json !== undefined) {
    body = JSON.stringify(opts.json);
    headers['Content-Type'] ??= 'application/json';
  }
  const res = await fetch(`${ref.url}${path.replace('{p}', ref.projectId)}`, { method, headers, body });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

const S = () => `/v2.1/{p}/servers/${serverId}/metadata`;

describe('reference implementation models Nova 26.2.2', () => {
  test('A5 POST merge answers 200 with the full merged set', async () => {
    await call('PUT', S(), { json: { metadata: { a: '1', b: '2' } } });
    const r = await call('POST', S(), { json: { metadata: { b: '22', d: '4' } } });
    expect([r.status, r.json]).toEqual([200, { metadata: { a: '1', b: '22', d: '4' } }]);
  });

  test('A10 PUT item URI/body mismatch → 400', async () => {
    const r = await call('PUT', `${S()}/x`, { json: { meta: { y: '1' } } });
    expect([r.status, r.json]).toEqual([400, { badRequest: { code: 400, message: 'Request body and URI mismatch' } }]);
  });

  test('A14/A19 extra top-level member: 400 on /v2.1, dropped on /v2', async () => {
    expect((await call('POST', S(), { json: { metadata: { e: '1' }, extra: 1 } })).status).toBe(400);
    const v2 = await call('POST', S().replace('/v2.1/', '/v2/'), { json: { metadata: { e: '1' }, extra: 1 } });
    expect(v2.status).toBe(200);
  });

  test('A15/A16 DELETE → 204 empty, then 404 "Metadata item was not found"', async () => {
    await call('PUT', S(), { json: { metadata: { a: '1' } } });
    const del = await call('DELETE', `${S()}/a`);
    expect([del.status, del.text, del.headers.get('content-length')]).toEqual([204, '', '0']);
    const again = await call('DELETE', `${S()}/a`);
    expect([again.status, again.json]).toEqual([404, { itemNotFound: { code: 404, message: 'Metadata item was not found' } }]);
  });

  test.each([
    ['B2 key of 255', 'k'.repeat(255), 200],
    ['B3 key of 256', 'k'.repeat(256), 400],
    ['B4 key with space', 'a b', 200],
    ['B5 key with slash', 'a/b', 400],
    ['B8 unicode key', 'ключ', 400],
    ['B9 key with : . - _', 'a:b.c-d_e', 200],
    ['B10 key with tab', 'a\tb', 400],
    ['B1 empty key', '', 400],
  ])('%s → %i', async (_name, key, status) => {
    expect((await call('POST', S(), { json: { metadata: { [key]: 'v' } } })).status).toBe(status);
  });

  test.each([
    ['C3 255 × é', 'é'.repeat(255), 200],
    ['C4 256 × é', 'é'.repeat(256), 400],
    ['C5 255 × emoji', '😀'.repeat(255), 200],
    ['C6 empty value', '', 200],
    ['C7 integer', 1, 400],
    ['C9 null', null, 400],
    ['C11 object', { x: 'y' }, 400],
  ])('%s → %i', async (_name, value, status) => {
    expect((await call('POST', S(), { json: { metadata: { v: value } } })).status).toBe(status);
  });

  test('D1/D4/D7/D8 body and content type', async () => {
    expect((await call('POST', S(), { body: '{not json', headers: { 'Content-Type': 'application/json' } })).json).toEqual({ badRequest: { code: 400, message: 'Malformed request body' } });
    expect((await call('POST', S(), { body: '' })).json).toEqual({ badRequest: { code: 400, message: "None is not of type 'object'" } });
    expect((await call('POST', S(), { json: { metadata: { t: 'p' } }, headers: { 'Content-Type': 'text/plain' } })).status).toBe(200);
    expect((await call('POST', S(), { json: { metadata: { t: 'p' } }, headers: { 'Content-Type': 'application/xml' } })).json).toEqual({ badMediaType: { code: 415, message: 'Unsupported Content-Type' } });
  });

  test('E3/E4/E13 order of checks: JSON syntax, then project, then schema, then server', async () => {
    const other = '/v2.1/abcdef0123/servers/x/metadata';
    expect((await call('POST', other, { body: '{', headers: { 'Content-Type': 'application/json' } })).json).toEqual({ badRequest: { code: 400, message: 'Malformed request body' } });
    expect(((await call('POST', other, { json: { metadata: { 'a/b': 1 } } })).text)).toContain('Malformed request URL');
    const unknown = await call('POST', '/v2.1/{p}/servers/00000000-0000-0000-0000-000000000000/metadata', { json: { meta: {} } });
    expect(unknown.status).toBe(400);
  });

  test('E5/H1/H2 route misses are 404 without the Nova envelope or microversion headers', async () => {
    for (const [method, path] of [['GET', '/v2.1/demo-project/servers/x/metadata'], ['DELETE', S()], ['POST', `${S()}/a`], ['PATCH', S()]] as const) {
      const r = await call(method, path);
      expect(r.status, `${method} ${path}`).toBe(404);
      expect(r.json).toMatchObject({ code: '404 Not Found', title: 'Not Found' });
      expect(r.headers.get('openstack-api-version')).toBeNull();
      expect(r.headers.get('x-compute-request-id')).toMatch(/^req-/);
    }
  });

  test('E8 no token → 401 keystonemiddleware body', async () => {
    const r = await call('GET', S(), { token: null });
    expect([r.status, r.json]).toEqual([401, { error: { code: 401, title: 'Unauthorized', message: 'The request you have made requires authentication.' } }]);
  });

  test('F1/F2 quota: 128 items accepted, 129 → 403 and nothing changed', async () => {
    const many = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, 'v']));
    expect((await call('PUT', S(), { json: { metadata: many(128) } })).status).toBe(200);
    const over = await call('PUT', S(), { json: { metadata: many(129) } });
    expect([over.status, over.json]).toEqual([403, { forbidden: { code: 403, message: 'Maximum number of metadata items exceeds 128' } }]);
    expect(Object.keys(((await call('GET', S())).json as { metadata: object }).metadata).length).toBe(128);
  });

  test('G1-G5 locked server: reads 200, writes 409, DELETE of an absent key 404', async () => {
    const L = `/v2.1/{p}/servers/${lockedId}/metadata`;
    expect((await call('GET', L)).status).toBe(200);
    expect((await call('POST', L, { json: { metadata: { a: '1' } } })).json).toEqual({ conflictingRequest: { code: 409, message: `Instance ${lockedId} is locked` } });
    expect((await call('DELETE', `${L}/fixture`)).status).toBe(409);
    expect((await call('DELETE', `${L}/absent`)).status).toBe(404);
  });

  test('G20 vm_state error: writes 409', async () => {
    const r = await call('PUT', `/v2.1/{p}/servers/${errorId}/metadata`, { json: { metadata: {} } });
    expect(r.json).toEqual({ conflictingRequest: { code: 409, message: `Cannot 'update metadata' instance ${errorId} while it is in vm_state error` } });
  });

  test('I1-I6 microversions on /v2.1, ignored on /v2', async () => {
    const at = (v: string, base = '/v2.1') => call('GET', S().replace('/v2.1', base), { headers: { 'OpenStack-API-Version': `compute ${v}` } });
    expect((await at('2.93')).headers.get('openstack-api-version')).toBe('compute 2.93');
    expect((await at('latest')).headers.get('x-openstack-nova-api-version')).toBe('2.93');
    expect((await at('2.94')).status).toBe(406);
    expect((await at('2.x')).status).toBe(400);
    const v2 = await at('3.0', '/v2');
    expect([v2.status, v2.headers.get('openstack-api-version'), v2.headers.get('vary')]).toEqual([200, null, null]);
  });

  test('J24/J25 image proxy: served at 2.38, 404 from 2.39 on /v2.1, always on /v2', async () => {
    const I = `/v2.1/{p}/images/${imageId}/metadata`;
    expect((await call('GET', I, { headers: { 'OpenStack-API-Version': 'compute 2.38' } })).status).toBe(200);
    const gone = await call('GET', I, { headers: { 'OpenStack-API-Version': 'compute 2.39' } });
    expect([gone.status, gone.json]).toEqual([404, { itemNotFound: { code: 404, message: 'The resource could not be found.' } }]);
    expect((await call('GET', I.replace('/v2.1/', '/v2/'), { headers: { 'OpenStack-API-Version': 'compute 2.39' } })).status).toBe(200);
  });
  test('E6 project-less URLs reach the same controller', async () => {
    await call('PUT', S(), { json: { metadata: { a: '1' } } });
    const r = await call('GET', `/v2.1/servers/${serverId}/metadata`);
    expect([r.status, r.json]).toEqual([200, { metadata: { a: '1' } }]);
    expect((await call('GET', `/v2/servers/${serverId}/metadata/a`)).json).toEqual({ meta: { a: '1' } });
  });

  test('D13 Accept: application/xml is answered with JSON', async () => {
    const r = await call('GET', S(), { headers: { Accept: 'application/xml' } });
    expect([r.status, r.headers.get('content-type')]).toEqual([200, 'application/json']);
  });

  test('F3/F4/F5 quota counted on the merged set: growth beyond 128 → 403, overwrite at 128 → 200', async () => {
    const many = Object.fromEntries(Array.from({ length: 128 }, (_, i) => [`k${String(i).padStart(3, '0')}`, 'v']));
    expect((await call('PUT', S(), { json: { metadata: many } })).status).toBe(200);
    expect((await call('POST', S(), { json: { metadata: { extra: 'v' } } })).status).toBe(403);
    expect((await call('POST', S(), { json: { metadata: { k000: 'changed' } } })).status).toBe(200);
    expect((await call('PUT', `${S()}/extra`, { json: { meta: { extra: 'v' } } })).json).toEqual({ forbidden: { code: 403, message: 'Maximum number of metadata items exceeds 128' } });
    expect((await call('PUT', S(), { json: { metadata: {} } })).status).toBe(200);
  });

  test('G19/G23 vm_state error: reads 200, DELETE of an existing key 409 "delete metadata", of an absent key 404', async () => {
    const id = ref.store.createServer(ref.projectId, { vmState: 'error', metadata: { fixture: 'x' } }).id;
    const E = `/v2.1/{p}/servers/${id}/metadata`;
    expect((await call('GET', E)).status).toBe(200);
    expect((await call('DELETE', `${E}/fixture`)).json).toEqual({ conflictingRequest: { code: 409, message: `Cannot 'delete metadata' instance ${id} while it is in vm_state error` } });
    expect((await call('DELETE', `${E}/absent`)).status).toBe(404);
  });

  test('lock and unlock through the server action API (202), writes 409 only while locked', async () => {
    const action = `/v2.1/{p}/servers/${serverId}/action`;
    expect((await call('POST', action, { json: { lock: null } })).status).toBe(202);
    expect((await call('PUT', `${S()}/x`, { json: { meta: { x: '1' } } })).status).toBe(409);
    expect((await call('GET', S())).status).toBe(200);
    expect((await call('POST', action, { json: { unlock: null } })).status).toBe(202);
    expect((await call('PUT', `${S()}/x`, { json: { meta: { x: '1' } } })).status).toBe(200);
  });

  test('version document announces the microversion range', async () => {
    const r = await call('GET', '/v2.1/');
    expect((r.json as { version: { version: string; min_version: string } }).version).toMatchObject({ version: '2.93', min_version: '2.1' });
  });
  test('never-launched server: writes 409 "is in an invalid state"; another project\'s server 404 (E15/E16)', async () => {
    const unlaunched = ref.store.createServer(ref.projectId, { launched: false }).id;
    const r = await call('POST', `/v2.1/{p}/servers/${unlaunched}/metadata`, { json: { metadata: { a: '1' } } });
    expect(r.json).toEqual({ conflictingRequest: { code: 409, message: `Instance ${unlaunched} is in an invalid state for 'update metadata'` } });
    const other = ref.store.createServer('0123456789abcdef0123456789abcdef').id;
    expect((await call('GET', `/v2.1/servers/${other}/metadata`)).status).toBe(404);
    expect((await call('POST', `/v2.1/servers/${other}/metadata`, { json: { metadata: { a: '1' } } })).status).toBe(404);
  });

  test('multipart/form-data body → 500 computeFault (Nova 26.2.2 upstream bug)', async () => {
    const r = await call('POST', S(), { body: '--x\r\n\r\n--x--\r\n', headers: { 'Content-Type': 'multipart/form-data; boundary=x' } });
    expect([r.status, Object.keys(r.json as object)]).toEqual([500, ['computeFault']]);
  });
});
