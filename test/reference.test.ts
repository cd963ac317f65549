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

