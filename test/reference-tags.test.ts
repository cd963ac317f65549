import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { nova } from '../profiles/nova.ts';
import { startReference, type ReferenceServer } from '../reference/server.ts';
import { referenceCaller } from './helpers/reference-call.ts';

/**
 * Server tags (microversion 2.26) in the reference, as nova/api/openstack/compute/server_tags.py serves
 * them in Nova 26.2.2 (see the header of reference/compute/server_tags.ts for the order of its checks).
 */
let ref: ReferenceServer;
let serverId: string;

beforeAll(async () => {
  ref = await startReference({ profile: nova, token: 'tags-test-token' });
});
afterAll(() => ref.close());
beforeEach(() => {
  serverId = ref.store.createServer(ref.projectId, { metadata: { a: '1' } }).id;
});

const V = (version: string) => ({ 'OpenStack-API-Version': `compute ${version}` });
const AT = V('2.26');

const call = referenceCaller(() => ref, AT);

const T = (id = serverId, base = '/v2.1/{p}') => `${base}/servers/${id}/tags`;
const fault = (name: string, code: number, message: string) => ({ [name]: { code, message } });
const bad = (message: string) => fault('badRequest', 400, message);
const tags = async (id = serverId) => ((await call('GET', T(id))).json as { tags: string[] }).tags;

describe('server tags: operations and statuses', () => {
  test('index of a server without tags → 200 {"tags": []}', async () => {
    const r = await call('GET', T());
    expect([r.status, r.json, r.headers.get('openstack-api-version')]).toEqual([200, { tags: [] }, 'compute 2.26']);
  });

  test('PUT replace-all → 200 with the stored set (duplicates once, sorted); GET answers the same', async () => {
    const r = await call('PUT', T(), { json: { tags: ['run-marker', 'b', 'a', 'b'] } });
    expect([r.status, r.json]).toEqual([200, { tags: ['a', 'b', 'run-marker'] }]);
    expect(await tags()).toEqual(['a', 'b', 'run-marker']);
    expect((await call('PUT', T(), { json: { tags: ['c'] } })).json).toEqual({ tags: ['c'] });
    expect((await call('PUT', T(), { json: { tags: [] } })).json).toEqual({ tags: [] });
  });

  test('PUT one tag: 201 with Location and no body when added, 204 when it was there', async () => {
    const created = await call('PUT', `${T()}/marker`);
    expect([created.status, created.text, created.headers.get('content-type')]).toEqual([201, '', 'text/html; charset=UTF-8']);
    expect(created.headers.get('location')).toBe(`${ref.url}/v2.1/${ref.projectId}/servers/${serverId}/tags/marker`);
    expect(created.headers.get('openstack-api-version')).toBe('compute 2.26');
    const again = await call('PUT', `${T()}/marker`);
    expect([again.status, again.text, again.headers.get('location')]).toEqual([204, '', null]);
    expect(await tags()).toEqual(['marker']);
  });

  test('GET one tag: 204 empty when present, 404 "Server … has no tag" when not', async () => {
    await call('PUT', `${T()}/present`);
    const r = await call('GET', `${T()}/present`);
    expect([r.status, r.text]).toEqual([204, '']);
    const absent = await call('GET', `${T()}/absent`);
    expect([absent.status, absent.json]).toEqual([404, fault('itemNotFound', 404, `Server ${serverId} has no tag 'absent'`)]);
  });

  test('DELETE one tag → 204, an absent one → 404 "Instance … has no tag"; DELETE all → 204', async () => {
    await call('PUT', T(), { json: { tags: ['a', 'b', 'c'] } });
    const del = await call('DELETE', `${T()}/a`);
    expect([del.status, del.text]).toEqual([204, '']);
    const absent = await call('DELETE', `${T()}/a`);
    expect([absent.status, absent.json]).toEqual([404, fault('itemNotFound', 404, `Instance ${serverId} has no tag 'a'`)]);
    expect(await tags()).toEqual(['b', 'c']);
    expect((await call('DELETE', T())).status).toBe(204);
    expect(await tags()).toEqual([]);
  });

  test('percent-encoded tags are decoded; a Location without the project when the URL has none', async () => {
    expect((await call('PUT', `${T()}/with%20space`)).status).toBe(201);
    expect((await call('GET', `${T()}/with space`)).status).toBe(204);
    const projectless = await call('PUT', `${T(serverId, '/v2.1')}/x`);
    expect([projectless.status, projectless.headers.get('location')]).toEqual([201, `${ref.url}/v2.1/servers/${serverId}/tags/x`]);
    expect(await tags()).toEqual(['with space', 'x']);
  });

  test('unsupported methods on tag URLs are route misses (webob 404, no Nova envelope)', async () => {
    for (const [method, path] of [['POST', T()], ['POST', `${T()}/a`], ['PATCH', T()], ['GET', `${T()}/a/b`]] as const) {
      const r = await call(method, path);
      expect([r.status, (r.json as { title?: string } | undefined)?.title, r.headers.get('openstack-api-version')], `${method} ${path}`).toEqual([404, 'Not Found', null]);
    }
  });
});

describe('server tags: the microversion gate', () => {
  test('below 2.26 every operation is 404 "The resource could not be found." and changes nothing', async () => {
    await call('PUT', T(), { json: { tags: ['kept'] } });
    for (const [method, suffix, json] of [['GET', ''], ['PUT', '', { tags: [] }], ['DELETE', ''], ['GET', '/kept'], ['PUT', '/new'], ['DELETE', '/kept']] as const) {
      // 2.1 is also what a request without the header gets
      for (const version of ['2.25', '2.1']) {
        const r = await call(method, `${T()}${suffix}`, { headers: V(version), ...(json ? { json } : {}) });
        expect([r.status, r.json], `${method} ${suffix} at ${version}`).toEqual([404, fault('itemNotFound', 404, 'The resource could not be found.')]);
      }
    }
    expect(await tags()).toEqual(['kept']);
    expect((await call('GET', T(), { headers: V('2.25') })).headers.get('openstack-api-version')).toBe('compute 2.25');
  });

  test('the gate comes before validation, the JSON syntax and the project check before the gate', async () => {
    expect((await call('PUT', T(), { headers: V('2.25'), json: { nonsense: 1 } })).status).toBe(404);
    expect((await call('PUT', T(), { headers: V('2.25'), body: '{' })).json).toEqual(bad('Malformed request body'));
    expect((await call('GET', T(serverId, '/v2.1/0123456789abcdef'), { headers: V('2.25') })).text).toContain('Malformed request URL');
  });

  test('/v2 ignores the microversion headers (always 2.1): tags are 404 there, without version headers', async () => {
    await call('PUT', T(), { json: { tags: ['kept'] } });
    for (const [method, suffix] of [['GET', ''], ['PUT', '/x'], ['DELETE', '']] as const) {
      const r = await call(method, `${T(serverId, '/v2/{p}')}${suffix}`, { headers: V('2.93') });
      expect([r.status, r.json, r.headers.get('openstack-api-version')], `${method} ${suffix}`).toEqual([404, fault('itemNotFound', 404, 'The resource could not be found.'), null]);
    }
    expect(await tags()).toEqual(['kept']);
  });

  test('served at every microversion from 2.26 to the maximum', async () => {
    for (const v of ['2.26', '2.52', '2.93', 'latest']) expect((await call('GET', T(), { headers: V(v) })).status, v).toBe(200);
  });
});

describe('server tags: validation (parameter_types.tag, at most 50 per server)', () => {
  const invalid = (tag: string, detail: string) => bad(`Tag '${tag}' is invalid. It must be a non empty string without characters '/' and ','. Validation error message: ${detail}`);

  test('PUT one tag: a comma, or more than 60 characters → 400; 60 characters (code points) are fine', async () => {
    expect((await call('PUT', `${T()}/a,b`)).json).toEqual(invalid('a,b', "'a,b' does not match '^[^,/]*$'"));
    const long = 't'.repeat(61);
    expect((await call('PUT', `${T()}/${long}`)).json).toEqual(invalid(long, `'${long}' is too long`));
    expect((await call('PUT', `${T()}/${'t'.repeat(60)}`)).status).toBe(201);
    expect((await call('PUT', `${T()}/${encodeURIComponent('é'.repeat(60))}`)).status).toBe(201);
    expect((await call('PUT', `${T()}/${encodeURIComponent('😀'.repeat(60))}`)).status).toBe(201);
  });

  test('a "/" cannot reach the controller: %2F splits the path, a route miss', async () => {
    const r = await call('PUT', `${T()}/a%2Fb`);
    expect([r.status, (r.json as { title?: string }).title]).toEqual([404, 'Not Found']);
  });

  test('PUT one tag takes no body: anything but none or null → 400', async () => {
    expect((await call('PUT', `${T()}/x`, { json: {} })).json).toEqual(bad("{} is not of type 'null'"));
    expect((await call('PUT', `${T()}/x`, { json: { tags: ['x'] } })).json).toEqual(bad("{'tags': ['x']} is not of type 'null'"));
    expect((await call('PUT', `${T()}/x`, { body: 'null', headers: { 'Content-Type': 'application/json' } })).status).toBe(201);
  });

  test.each([
    ['no body', undefined, "None is not of type 'object'"],
    ['no tags member', {}, "'tags' is a required property"],
    ['an extra member', { tags: [], extra: 1 }, "Additional properties are not allowed ('extra' was unexpected)"],
    ['two extra members', { tags: [], b: 1, a: 2 }, "Additional properties are not allowed ('a', 'b' were unexpected)"],
    ['tags not a list', { tags: 'a' }, "Invalid input for field/attribute tags. Value: a. 'a' is not of type 'array'"],
    ['a tag not a string', { tags: ['a', 1] }, "Invalid input for field/attribute 1. Value: 1. 1 is not of type 'string'"],
    ['an empty tag', { tags: [''] }, "Invalid input for field/attribute 0. Value: . '' is too short"],
    ['a tag with a slash', { tags: ['a/b'] }, "Invalid input for field/attribute 0. Value: a/b. 'a/b' does not match '^[^,/]*$'"],
    ['a tag of 61 characters', { tags: ['x'.repeat(61)] }, `Invalid input for field/attribute 0. Value: ${'x'.repeat(61)}. '${'x'.repeat(61)}' is too long`],
    ['a quote in a bad tag', { tags: ["it's,"] }, `Invalid input for field/attribute 0. Value: it's,. "it's," does not match '^[^,/]*$'`],
  ])('PUT all with %s → 400 and nothing changed', async (_name, json, message) => {
    await call('PUT', T(), { json: { tags: ['kept'] } });
    const r = await call('PUT', T(), json === undefined ? {} : { json });
    expect([r.status, r.json]).toEqual([400, bad(message)]);
    expect(await tags()).toEqual(['kept']);
  });

  test('PUT all: 50 tags are accepted, 51 → 400 "… is too long"', async () => {
    const many = (n: number) => Array.from({ length: n }, (_, i) => `t${String(i).padStart(2, '0')}`);
    expect((await call('PUT', T(), { json: { tags: many(50) } })).status).toBe(200);
    const over = await call('PUT', T(), { json: { tags: many(51) } });
    const repr = `[${many(51).map((t) => `'${t}'`).join(', ')}]`;
    expect([over.status, over.json]).toEqual([400, bad(`Invalid input for field/attribute tags. Value: ${repr}. ${repr} is too long`)]);
  });

  test('PUT one tag on a server with 50 tags → 400, even for a tag it already has; below 50 it is added', async () => {
    const fifty = Array.from({ length: 50 }, (_, i) => `t${i}`);
    await call('PUT', T(), { json: { tags: fifty } });
    for (const tag of ['new', 't0']) expect((await call('PUT', `${T()}/${tag}`)).json, tag).toEqual(bad('The number of tags exceeded the per-server limit 50'));
    await call('DELETE', `${T()}/t0`);
    expect((await call('PUT', `${T()}/new`)).status).toBe(201);
    expect((await tags()).length).toBe(50);
  });
});

describe('server tags: which servers take tag writes', () => {
  test('a locked server takes tag writes (no lock check), while its metadata writes are 409', async () => {
    const locked = ref.store.createServer(ref.projectId, { locked: true }).id;
    expect((await call('PUT', `${T(locked)}/marker`)).status).toBe(201);
    expect((await call('PUT', T(locked), { json: { tags: ['a', 'marker'] } })).status).toBe(200);
    expect((await call('DELETE', `${T(locked)}/a`)).status).toBe(204);
    expect(await tags(locked)).toEqual(['marker']);
    expect((await call('DELETE', T(locked))).status).toBe(204);
    expect((await call('PUT', `/v2.1/{p}/servers/${locked}/metadata/k`, { json: { meta: { k: 'v' } } })).status).toBe(409);
  });

  test('vm_state error: reads 200/204, every write 409 naming its action; the state check comes before the tag check', async () => {
    const errored = ref.store.createServer(ref.projectId, { vmState: 'error', tags: ['kept'] }).id;
    const conflict = (action: string) => fault('conflictingRequest', 409, `Cannot '${action}' instance ${errored} while it is in vm_state error`);
    expect((await call('GET', T(errored))).json).toEqual({ tags: ['kept'] });
    expect((await call('GET', `${T(errored)}/kept`)).status).toBe(204);
    expect((await call('PUT', `${T(errored)}/new`)).json).toEqual(conflict('update tag'));
    expect((await call('PUT', `${T(errored)}/a,b`)).json).toEqual(conflict('update tag'));
    expect((await call('PUT', T(errored), { json: { tags: [] } })).json).toEqual(conflict('update tags'));
    expect((await call('DELETE', `${T(errored)}/kept`)).json).toEqual(conflict('delete tag'));
    expect((await call('DELETE', T(errored))).json).toEqual(conflict('delete tags'));
    expect(await tags(errored)).toEqual(['kept']);
  });

  test.each(['paused', 'suspended', 'stopped'])('vm_state %s takes tag writes', async (vmState) => {
    const id = ref.store.createServer(ref.projectId, { vmState }).id;
    expect((await call('PUT', `${T(id)}/x`)).status).toBe(201);
  });

  test('a building server (vm_state building) refuses them; one that never launched takes them (vm_state only)', async () => {
    const building = ref.store.createServer(ref.projectId, { vmState: 'building' }).id;
    expect((await call('PUT', `${T(building)}/x`)).json).toEqual(fault('conflictingRequest', 409, `Cannot 'update tag' instance ${building} while it is in vm_state building`));
    const unlaunched = ref.store.createServer(ref.projectId, { launched: false }).id;
    expect((await call('PUT', `${T(unlaunched)}/x`)).status).toBe(201);
  });

  test('an unknown server → 404 "has no mapping to a cell" on every operation; the schema is checked first', async () => {
    const unknown = '00000000-0000-4000-8000-000000000000';
    const miss = fault('itemNotFound', 404, `Instance ${unknown} has no mapping to a cell.`);
    for (const [method, suffix, json] of [['GET', ''], ['PUT', '', { tags: [] }], ['DELETE', ''], ['GET', '/a'], ['PUT', '/a'], ['DELETE', '/a']] as const) {
      expect((await call(method, `${T(unknown)}${suffix}`, json ? { json } : {})).json, `${method} ${suffix}`).toEqual(miss);
    }
    expect((await call('PUT', T(unknown), { json: { tags: 'x' } })).status).toBe(400);
  });

  test('a deleted server keeps its mapping: 404 "could not be found"', async () => {
    const id = ref.store.createServer(ref.projectId, { tags: ['a'] }).id;
    expect((await call('DELETE', `/v2.1/{p}/servers/${id}`)).status).toBe(204);
    for (const [method, suffix] of [['GET', ''], ['PUT', '/b'], ['DELETE', '']] as const) {
      expect((await call(method, `${T(id)}${suffix}`)).json, `${method} ${suffix}`).toEqual(fault('itemNotFound', 404, `Instance ${id} could not be found.`));
    }
  });

  test("another project's server → 403 by policy (the mapping is found, the target project differs)", async () => {
    const foreign = ref.store.createServer('fedcba9876543210fedcba9876543210', { tags: ['theirs'] }).id;
    for (const [method, suffix, action] of [['GET', '', 'index'], ['GET', '/theirs', 'show'], ['PUT', '/x', 'update'], ['DELETE', '', 'delete_all']] as const) {
      const r = await call(method, `${T(foreign, '/v2.1')}${suffix}`);
      expect(r.json, `${method} ${suffix}`).toEqual(fault('forbidden', 403, `Policy doesn't allow os_compute_api:os-server-tags:${action} to be performed.`));
    }
    expect(ref.store.servers.get(foreign)!.tags).toEqual(new Set(['theirs']));
  });

  test('a reader may list and check tags; writes are 403 by policy', async () => {
    await call('PUT', T(), { json: { tags: ['a'] } });
    const reader = { token: ref.readerToken };
    expect((await call('GET', T(), reader)).json).toEqual({ tags: ['a'] });
    expect((await call('GET', `${T()}/a`, reader)).status).toBe(204);
    expect((await call('PUT', `${T()}/b`, reader)).json).toEqual(fault('forbidden', 403, "Policy doesn't allow os_compute_api:os-server-tags:update to be performed."));
    expect((await call('PUT', T(), { ...reader, json: { tags: [] } })).json).toEqual(fault('forbidden', 403, "Policy doesn't allow os_compute_api:os-server-tags:update_all to be performed."));
    expect((await call('DELETE', `${T()}/a`, reader)).status).toBe(403);
    expect(await tags()).toEqual(['a']);
  });
});

describe('server tags elsewhere in the servers API', () => {
  test('metadata writes never touch tags (a run marker survives replace-all)', async () => {
    await call('PUT', `${T()}/run-marker`);
    expect((await call('PUT', `/v2.1/{p}/servers/${serverId}/metadata`, { json: { metadata: {} } })).status).toBe(200);
    expect((await call('DELETE', `/v2.1/{p}/servers/${serverId}/metadata/a`)).status).toBe(404);
    expect(await tags()).toEqual(['run-marker']);
  });

  test('GET /servers/{id} shows "tags" from 2.26 on /v2.1, not below it and not on /v2', async () => {
    await call('PUT', T(), { json: { tags: ['b', 'a'] } });
    const show = (base: string, version: string) => call('GET', `${base}/servers/${serverId}`, { headers: V(version) });
    expect(((await show('/v2.1/{p}', '2.26')).json as { server: { tags?: string[] } }).server.tags).toEqual(['a', 'b']);
    expect((await show('/v2.1/{p}', '2.25')).json).not.toHaveProperty('server.tags');
    expect((await show('/v2/{p}', '2.26')).json).not.toHaveProperty('server.tags');
  });

  test('boot with tags from 2.52; below it on /v2.1 an unexpected member (400); /v2 drops it', async () => {
    const boot = (version: string, base = '/v2.1/{p}', tags: unknown = ['marker']) => call('POST', `${base}/servers`, { headers: V(version), json: { server: { name: 'tagged', flavorRef: 'f', imageRef: 'i', tags } } });
    const booted = await boot('2.52');
    expect(booted.status).toBe(202);
    const id = (booted.json as { server: { id: string } }).server.id;
    expect(await tags(id)).toEqual(['marker']);
    expect((await boot('2.51')).json).toEqual(bad("Additional properties are not allowed ('tags' was unexpected)"));
    expect((await boot('2.52', '/v2.1/{p}', ['a,b'])).json).toEqual(bad("Invalid input for field/attribute 0. Value: a,b. 'a,b' does not match '^[^,/]*$'"));
    const legacy = await boot('2.52', '/v2/{p}');
    expect(legacy.status).toBe(202);
    expect(await tags((legacy.json as { server: { id: string } }).server.id)).toEqual([]);
  });

  test('GET /servers filters by tags, tags-any, not-tags and not-tags-any from 2.26 (ignored below)', async () => {
    const mark = `m${Date.now()}`;
    const one = ref.store.createServer(ref.projectId, { tags: [mark, 'x'] }).id;
    const two = ref.store.createServer(ref.projectId, { tags: [mark, 'y'] }).id;
    const three = ref.store.createServer(ref.projectId, { tags: [mark] }).id;
    const ids = async (query: string, version = '2.26') => ((await call('GET', `/v2.1/{p}/servers?${query}`, { headers: V(version) })).json as { servers: { id: string }[] }).servers.map((s) => s.id).sort();
    expect(await ids(`tags=${mark}`)).toEqual([one, two, three].sort());
    expect(await ids(`tags=${mark},x`)).toEqual([one]);
    expect(await ids(`tags=${mark}&tags-any=x,y`)).toEqual([one, two].sort());
    expect(await ids(`tags=${mark}&not-tags=${mark},x`)).toEqual([two, three].sort());
    expect(await ids(`tags=${mark}&not-tags-any=x,y`)).toEqual([three]);
    // below 2.26 the filters are not search options: every server of the project is listed
    expect(await ids(`tags=${mark}`, '2.25')).toContain(serverId);
  });
});
