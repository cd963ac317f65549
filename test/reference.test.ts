import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { nova } from '../profiles/nova.ts';
import { startReference, type ReferenceServer } from '../reference/server.ts';
import { referenceCaller } from './helpers/reference-call.ts';

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

const call = referenceCaller(() => ref);

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

/**
 * Image-metadata proxy (ground-truth section J: image properties reset to {"a": "1", "b": "2"} before each case).
 * Not modelled: J32a/J32/J33 (the /images/{id} show proxy is not a metadata route), J34 (a second project's token).
 */
describe('reference image proxy models Nova 26.2.2 (J cases)', () => {
  const I = (base = '/v2.1') => `${base}/{p}/images/${imageId}/metadata`;
  const UNKNOWN = '/v2.1/{p}/images/00000000-dead-beef-0000-000000000000/metadata';
  const at = (version: string) => ({ 'OpenStack-API-Version': `compute ${version}` });
  const reset = () => call('PUT', I(), { json: { metadata: { a: '1', b: '2' } } });
  const listed = async (base = '/v2.1') => (await call('GET', I(base))).json;
  const many = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${String(i).padStart(3, '0')}`, 'v']));

  test.each(['/v2.1', '/v2'])('J1-J3 list, show, show unknown key (%s)', async (base) => {
    await reset();
    expect(await listed(base)).toEqual({ metadata: { a: '1', b: '2' } });
    expect((await call('GET', `${I(base)}/a`)).json).toEqual({ meta: { a: '1' } });
    const absent = await call('GET', `${I(base)}/nokey`);
    expect([absent.status, absent.json]).toEqual([404, { itemNotFound: { code: 404, message: 'The resource could not be found.' } }]);
  });

  test.each(['/v2.1', '/v2'])('J4/J5/J6 replace-all echoes, merge answers the resulting set, set item echoes (%s)', async (base) => {
    await reset();
    const put = await call('PUT', I(base), { json: { metadata: { c: '3' } } });
    expect([put.status, put.json, await listed(base)]).toEqual([200, { metadata: { c: '3' } }, { metadata: { c: '3' } }]);
    await reset();
    const post = await call('POST', I(base), { json: { metadata: { b: '22', d: '4' } } });
    expect([post.status, post.json, await listed(base)]).toEqual([200, { metadata: { a: '1', b: '22', d: '4' } }, { metadata: { a: '1', b: '22', d: '4' } }]);
    await reset();
    const item = await call('PUT', `${I(base)}/e`, { json: { meta: { e: '5' } } });
    expect([item.status, item.json, await listed(base)]).toEqual([200, { meta: { e: '5' } }, { metadata: { a: '1', b: '2', e: '5' } }]);
  });

  test('J7/J8/J9 PUT item: mismatch, two keys, wrong envelope → 400', async () => {
    await reset();
    expect((await call('PUT', `${I()}/e`, { json: { meta: { f: '6' } } })).json).toEqual({ badRequest: { code: 400, message: 'Request body and URI mismatch' } });
    expect((await call('PUT', `${I()}/e`, { json: { meta: { e: '5', g: '7' } } })).status).toBe(400);
    expect((await call('PUT', `${I()}/e`, { json: { metadata: { e: '5' } } })).json).toEqual({ badRequest: { code: 400, message: "'meta' is a required property" } });
  });

  test('IM-SET-002 the mismatch is checked before the image lookup (unknown image + mismatch → 400)', async () => {
    expect((await call('PUT', `${UNKNOWN}/e`, { json: { meta: { f: '6' } } })).json).toEqual({ badRequest: { code: 400, message: 'Request body and URI mismatch' } });
    expect((await call('PUT', `${UNKNOWN}/e`, { json: { meta: { e: '6' } } })).status).toBe(404);
  });

  test('J10/J11 DELETE item → 204 empty; unknown key → 404 "Invalid metadata key"', async () => {
    await reset();
    const del = await call('DELETE', `${I()}/a`);
    expect([del.status, del.text, await listed()]).toEqual([204, '', { metadata: { b: '2' } }]);
    const absent = await call('DELETE', `${I()}/nokey`);
    expect([absent.status, absent.json]).toEqual([404, { itemNotFound: { code: 404, message: 'Invalid metadata key' } }]);
  });

  test('J12/J13 unknown image → 404 "Image not found." on every operation', async () => {
    const notFound = { itemNotFound: { code: 404, message: 'Image not found.' } };
    for (const [method, path, json] of [
      ['GET', UNKNOWN],
      ['GET', `${UNKNOWN}/a`],
      ['PUT', UNKNOWN, { metadata: { a: '1' } }],
      ['POST', UNKNOWN, { metadata: { a: '1' } }],
      ['PUT', `${UNKNOWN}/a`, { meta: { a: '1' } }],
      ['DELETE', `${UNKNOWN}/a`],
    ] as const) {
      const r = await call(method, path, json ? { json } : {});
      expect([r.status, r.json], `${method} ${path}`).toEqual([404, notFound]);
    }
  });

  test.each([
    ['J14 integer value', { k: 1 }],
    ['J15 key of 256 chars', { ['k'.repeat(256)]: 'v' }],
    ['J16 value of 256 chars', { k: 'v'.repeat(256) }],
    ['J20 key with slash', { 'a/b': 'v' }],
  ])('%s → 400 on /v2.1 and /v2, nothing changed', async (_name, metadata) => {
    await reset();
    for (const base of ['/v2.1', '/v2']) {
      expect((await call('POST', I(base), { json: { metadata } })).status, base).toBe(400);
      expect(await listed(base)).toEqual({ metadata: { a: '1', b: '2' } });
    }
  });

  test('J17/J18 quota: PUT of 128 properties accepted, 129 → 403 "Image metadata limit exceeded"', async () => {
    expect((await call('PUT', I(), { json: { metadata: many(128) } })).status).toBe(200);
    const over = await call('PUT', I('/v2'), { json: { metadata: many(129) } });
    expect([over.status, over.json]).toEqual([403, { forbidden: { code: 403, message: 'Image metadata limit exceeded' } }]);
    expect(Object.keys((await listed() as { metadata: object }).metadata).length).toBe(128);
    // POST and PUT item count the resulting set; overwriting a property at the limit is accepted
    expect((await call('POST', I(), { json: { metadata: { extra: 'v' } } })).status).toBe(403);
    expect((await call('PUT', `${I()}/extra`, { json: { meta: { extra: 'v' } } })).status).toBe(403);
    expect((await call('PUT', `${I()}/k000`, { json: { meta: { k000: 'w' } } })).status).toBe(200);
  });

  test('J19 PUT item for the Glance core attribute min_ram → 200 echo, but it is no property afterwards', async () => {
    await reset();
    const r = await call('PUT', `${I()}/min_ram`, { json: { meta: { min_ram: '5' } } });
    expect([r.status, r.json, await listed()]).toEqual([200, { meta: { min_ram: '5' } }, { metadata: { a: '1', b: '2' } }]);
  });

  test('J21/J22/J23 project mismatch 400, body not JSON 400, DELETE on the collection is a route miss', async () => {
    const other = `/v2.1/0a1b2c3d4e5f40718293a4b5c6d7e8f9/images/${imageId}/metadata`;
    expect((await call('GET', other)).text).toContain('Malformed request URL');
    expect((await call('POST', I(), { body: 'nope', headers: { 'Content-Type': 'application/json' } })).json).toEqual({ badRequest: { code: 400, message: 'Malformed request body' } });
    const miss = await call('DELETE', I());
    expect([miss.status, miss.headers.get('openstack-api-version')]).toEqual([404, null]);
  });

  test('J24-J30 every operation is served at 2.38 and 404 at 2.39 on /v2.1; /v2 ignores the header', async () => {
    const gone = { itemNotFound: { code: 404, message: 'The resource could not be found.' } };
    const calls = [
      ['GET', ''],
      ['GET', '/a'],
      ['POST', '', { metadata: { c: '3' } }],
      ['PUT', '', { metadata: { c: '3' } }],
      ['PUT', '/a', { meta: { a: '3' } }],
      ['DELETE', '/a'],
    ] as const;
    for (const [method, suffix, json] of calls) {
      await reset();
      const removed = await call(method, `${I()}${suffix}`, { headers: at('2.39'), ...(json ? { json } : {}) });
      expect([removed.status, removed.json, removed.headers.get('openstack-api-version')], `${method} ${suffix} at 2.39`).toEqual([404, gone, 'compute 2.39']);
      expect(await listed(), `${method} ${suffix} at 2.39 changed nothing`).toEqual({ metadata: { a: '1', b: '2' } });
      expect((await call(method, `${I()}${suffix}`, { headers: at('latest'), ...(json ? { json } : {}) })).status, `${method} ${suffix} at latest`).toBe(404);
      const served = await call(method, `${I()}${suffix}`, { headers: at('2.38'), ...(json ? { json } : {}) });
      expect(served.status, `${method} ${suffix} at 2.38`).toBeLessThan(300);
      await reset();
      const v2 = await call(method, `${I('/v2')}${suffix}`, { headers: at('2.39'), ...(json ? { json } : {}) });
      expect(v2.status, `${method} ${suffix} on /v2 with 2.39`).toBeLessThan(300);
    }
  });

  test('IM-VER-001 at 2.39 schema validation is not reached (invalid body → 404), JSON syntax still is (→ 400)', async () => {
    expect((await call('PUT', I(), { headers: at('2.39'), json: { meta: 'nonsense' } })).status).toBe(404);
    expect((await call('PUT', I(), { headers: at('2.39'), body: '{' })).json).toEqual({ badRequest: { code: 400, message: 'Malformed request body' } });
  });

  test('J31 unknown image at 2.39: the removed route answers first on /v2.1, the image lookup on /v2', async () => {
    const r = await call('GET', UNKNOWN, { headers: at('2.39') });
    expect([r.status, r.json]).toEqual([404, { itemNotFound: { code: 404, message: 'The resource could not be found.' } }]);
    const v2 = await call('GET', UNKNOWN.replace('/v2.1/', '/v2/'), { headers: at('2.39') });
    expect([v2.status, v2.json]).toEqual([404, { itemNotFound: { code: 404, message: 'Image not found.' } }]);
  });
});

describe('reference models Nova 26.2.2: request bodies, keys and values', () => {
  const fault400 = (message: string) => ({ badRequest: { code: 400, message } });
  const reset = () => call('PUT', S(), { json: { metadata: { a: '1', b: '2' } } });

  test.each([
    ['A11 two items', 'e', { meta: { e: '5', g: '7' } }, 'has too many properties'],
    ['A12 envelope metadata', 'e', { metadata: { e: '5' } }, "'meta' is a required property"],
    ['A13 empty meta', 'e', { meta: {} }, 'does not have enough properties'],
    ['C13 integer value', 'e', { meta: { e: 1 } }, "is not of type 'string'"],
    ['C14 null value', 'e', { meta: { e: null } }, "is not of type 'string'"],
  ])('%s: PUT item → 400', async (_name, key, body, message) => {
    const r = await call('PUT', `${S()}/${key}`, { json: body });
    expect(r.status).toBe(400);
    expect((r.json as { badRequest: { message: string } }).badRequest.message).toContain(message);
  });

  test('A17/A18/A21-A23 wrong or non-object collection envelope → 400 on both bases', async () => {
    for (const base of ['/v2.1/', '/v2/']) {
      const url = S().replace('/v2.1/', base);
      expect((await call('PUT', url, { json: { meta: { c: '3' } } })).json).toEqual(fault400("'metadata' is a required property"));
      expect((await call('POST', url, { json: { meta: { c: '3' } } })).json).toEqual(fault400("'metadata' is a required property"));
      expect((await call('POST', url, { json: { metadata: null } })).json).toEqual(fault400("Invalid input for field/attribute metadata. Value: None. None is not of type 'object'"));
      for (const inner of [[], 'x']) expect((await call('POST', url, { json: { metadata: inner } })).status).toBe(400);
    }
  });

  test('A14/A20 extra member on /v2: the request map is stored, the member is not', async () => {
    await reset();
    const v2 = S().replace('/v2.1/', '/v2/');
    const item = await call('PUT', `${v2}/e`, { json: { meta: { e: '5' }, extra: 1 } });
    expect([item.status, item.json]).toEqual([200, { meta: { e: '5' } }]);
    const all = await call('PUT', v2, { json: { metadata: { c: '3' }, x: 1 } });
    expect([all.status, all.json]).toEqual([200, { metadata: { c: '3' } }]);
    expect((await call('GET', S())).json).toEqual({ metadata: { c: '3' } });
  });

  test('A24/A25 keys are case-sensitive', async () => {
    await reset();
    expect((await call('PUT', `${S()}/A`, { json: { meta: { a: 'x' } } })).json).toEqual(fault400('Request body and URI mismatch'));
    const r = await call('POST', S(), { json: { metadata: { A: 'upper' } } });
    expect(r.json).toEqual({ metadata: { a: '1', b: '2', A: 'upper' } });
  });

  test.each([
    ['B11 key " " → 200', ' ', 200],
    ['B12 key with $ and % → 400', 'a$b%c', 400],
    ['B13 key of 255 × é → 400', 'é'.repeat(255), 400],
  ])('%s', async (_name, key, status) => {
    expect((await call('POST', S(), { json: { metadata: { [key]: 'v' } } })).status).toBe(status);
  });

  test('B14-B21 item URLs: percent-decoded, %2F is a route miss, no format suffix stripping', async () => {
    await reset();
    expect((await call('PUT', `${S()}/a%20b`, { json: { meta: { 'a b': 'v' } } })).json).toEqual({ meta: { 'a b': 'v' } });
    expect((await call('PUT', `${S()}/a%2Fb`, { json: { meta: { 'a/b': 'v' } } })).status).toBe(404);
    expect((await call('PUT', `${S()}/${'k'.repeat(256)}`, { json: { meta: { ['k'.repeat(256)]: 'v' } } })).status).toBe(400);
    expect((await call('PUT', `${S()}/${encodeURIComponent('ключ')}`, { json: { meta: { ключ: 'v' } } })).status).toBe(400);
    for (const key of ['a.b', 'a.json']) expect((await call('PUT', `${S()}/${key}`, { json: { meta: { [key]: key } } })).status).toBe(200);
    expect((await call('GET', `${S()}/a.json`)).json).toEqual({ meta: { 'a.json': 'a.json' } });
    expect((await call('GET', `${S()}/a`)).json).toEqual({ meta: { a: '1' } });
  });

  test.each([
    ['C2 256 characters → 400', 'v'.repeat(256), 400],
    ['C8 float → 400', 1.5, 400],
    ['C10 boolean → 400', true, 400],
    ['C12 array → 400', ['x'], 400],
    ['256 × emoji → 400', '😀'.repeat(256), 400],
  ])('%s', async (_name, value, status) => {
    expect((await call('POST', S(), { json: { metadata: { v: value } } })).status).toBe(status);
  });

  test('C15 PUT replace-all with an integer value → 400 on /v2 as well', async () => {
    expect((await call('PUT', S().replace('/v2.1/', '/v2/'), { json: { metadata: { k: 1 } } })).status).toBe(400);
  });

  test('D2-D6, D10-D12 malformed, empty and non-object bodies', async () => {
    const malformed = fault400('Malformed request body');
    expect((await call('PUT', S(), { body: '{"metadata": ', headers: { 'Content-Type': 'application/json' } })).json).toEqual(malformed);
    expect((await call('PUT', `${S()}/a`, { body: 'nope', headers: { 'Content-Type': 'application/json' } })).json).toEqual(malformed);
    expect((await call('POST', S(), { body: '\ufeff{"metadata": {}}', headers: { 'Content-Type': 'application/json' } })).json).toEqual(malformed);
    for (const [method, path] of [['PUT', S()], ['PUT', `${S()}/a`]] as const) {
      expect((await call(method, path)).json).toEqual(fault400("None is not of type 'object'"));
    }
    expect((await call('POST', S(), { json: [] })).json).toEqual(fault400("[] is not of type 'object'"));
    expect((await call('POST', S(), { json: 'x' })).status).toBe(400);
    expect((await call('POST', S(), { json: {} })).json).toEqual(fault400("'metadata' is a required property"));
  });

  test('D9/D14 no Content-Type and a charset parameter are accepted; GET with application/xml → 415', async () => {
    expect((await call('POST', S(), { body: JSON.stringify({ metadata: { n: 'none' } }) })).status).toBe(200);
    expect((await call('POST', S(), { json: { metadata: { c: 'cs' } }, headers: { 'Content-Type': 'application/json; charset=UTF-8' } })).status).toBe(200);
    expect((await call('GET', S(), { headers: { 'Content-Type': 'application/xml' } })).json).toEqual({ badMediaType: { code: 415, message: 'Unsupported Content-Type' } });
    expect((await call('POST', S(), { json: { metadata: {} }, headers: { 'Content-Type': 'APPLICATION/JSON' } })).status).toBe(415);
  });

  test('bodies on DELETE are ignored (fetch cannot send one on GET); pagination query parameters are ignored; duplicate members: last wins', async () => {
    await reset();
    expect((await call('GET', `${S()}?limit=1&marker=a`)).json).toEqual({ metadata: { a: '1', b: '2' } });
    expect((await call('DELETE', `${S()}/b`, { body: '{not json' })).status).toBe(204);
    expect((await call('POST', S(), { body: '{"metadata": {"d": "first", "d": "last"}}', headers: { 'Content-Type': 'application/json' } })).json).toEqual({ metadata: { a: '1', d: 'last' } });
  });

  test('oversized body → 413 webob body, not the Nova envelope', async () => {
    const r = await call('POST', S(), { json: { metadata: { k: 'x'.repeat(nova.requestBody.maxBytes) } } });
    expect(r.status).toBe(413);
    expect(r.json).toMatchObject({ code: '413 Request Entity Too Large', title: 'Request Entity Too Large' });
  });
});

