import { describe, expect, test } from 'vitest';
import { InfrastructureError } from '../lib/errors.ts';
import { arranged, withinTimeout } from '../lib/harness/conformance.ts';
import { ObservationError, PreconditionError } from '../lib/harness/errors.ts';
import { expectFault, expectSameMap } from '../lib/harness/expect.ts';
import { expectState, readState, seed, seedOrObserve } from '../lib/harness/fixtures.ts';
import { fixtureServerIds, lanes, lease, leaseIds } from '../lib/harness/leases.ts';
import { collectionMap, faultOf, isRouteMiss, itemValue } from '../lib/harness/lenient.ts';
import { answerOf, expectError, expectRefusedCases } from '../lib/harness/refusals.ts';
import type { Target } from '../lib/harness/target.ts';
import { acceptedThrough, writers } from '../lib/harness/writers.ts';
import { ServerErrorAnswer } from '../lib/http/client.ts';
import type { Exchange } from '../lib/http/exchange.ts';
import { BASE, FakeTarget, fakeContext, SERVER } from './helpers/harness.ts';

/**
 * The harness tests itself, as test262 tests its harness: each helper against hand-built exchanges and a fake
 * target (test/helpers/harness.ts, no server), failure modes included, so that a broken helper fails here, naming
 * itself, instead of showing up as a mutant that survives.
 */

/** A hand-built exchange: the answer `status` with `body` (an object is sent as JSON, a string as it is). */
function ex(status: number, body?: unknown, method = 'GET', url = `${BASE}/servers/${SERVER}/metadata`): Exchange {
  const text = body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body);
  return { request: { method, url, headers: {} }, response: { status, headers: {}, text }, durationMs: 1 };
}

/** The error a call throws (or undefined): helpers fail with AssertionError (a verdict) or a no-verdict error. */
async function thrown(run: () => unknown): Promise<Error | undefined> {
  try {
    await run();
  } catch (e) {
    return e as Error;
  }
  return undefined;
}

describe('expectFault: the Nova error envelope', () => {
  test('passes on the fault named after the status, with its code and message, and returns them', () => {
    expect(expectFault(ex(404, { itemNotFound: { code: 404, message: 'Metadata item was not found' } }), 404)).toEqual({ name: 'itemNotFound', message: 'Metadata item was not found' });
    expect(expectFault(ex(406, { computeFault: { code: 406, message: 'Version 9.0 is not supported' } }), 406).name).toBe('computeFault');
  });

  test.each([
    ['another status', ex(400, { badRequest: { code: 400, message: 'x' } }), /expected status 404, got GET .* → 400/],
    ['the wrong fault name', ex(404, { badRequest: { code: 404, message: 'x' } }), /fault name for 404: expected "itemNotFound", got "badRequest"/],
    ['a code that is a string', ex(404, { itemNotFound: { code: '404', message: 'x' } }), /violates schema compute-fault: .*code/],
    ['a code that is not the status', ex(404, { itemNotFound: { code: 400, message: 'x' } }), /fault code equals the HTTP status: expected 404, got 400/],
    ['two members', ex(404, { itemNotFound: { code: 404, message: 'x' }, extra: {} }), /violates schema compute-fault/],
    ['a body that is no JSON', ex(404, '<html>404 Not Found</html>'), /expected a JSON body \(compute-fault\)/],
  ])('fails on %s', (_, exchange, message) => {
    expect(() => expectFault(exchange, 404)).toThrow(message);
  });
});

describe('expectSameMap: maps compared as sets of pairs', () => {
  test('member order does not matter', () => {
    expect(() => expectSameMap({ b: '2', a: '1' }, { a: '1', b: '2' }, 'order')).not.toThrow();
  });

  test.each([
    [{ a: '1' }, { a: '2' }],
    [{ a: '1', b: '2' }, { a: '1' }],
    [{}, { a: '' }],
    [{ A: '1' }, { a: '1' }],
  ])('%j is not %j, and the message says what was compared', (actual, expected) => {
    expect(() => expectSameMap(actual, expected, 'after the merge')).toThrow(/after the merge/);
  });
});

describe('expectError: the refusal status, and the fault name only where the rule names it', () => {
  const unnamed = ex(404, { error: { code: 404, message: 'gone' } });

  test("a rule that names the fault (SM-SHOW-002: '404 itemNotFound') fails on another fault name", () => {
    const ctx = fakeContext(new FakeTarget(), { behaviour: 'SM-SHOW-002' });
    expect(() => expectError(ctx, unnamed, 404)).toThrow(/fault name for 404: expected "itemNotFound", got "error"/);
    expect(() => expectError(ctx, ex(404, '<html>not found</html>'), 404)).toThrow(/got no fault envelope/);
    expect(expectError(ctx, ex(404, { itemNotFound: { code: 404, message: 'Metadata item was not found' } }), 404)).toEqual({ name: 'itemNotFound', message: 'Metadata item was not found' });
  });

  test('a rule that names only the status (SM-KEY-002: rejected with 400) does not judge the envelope: that is SM-ERR-*', () => {
    const ctx = fakeContext(new FakeTarget(), { behaviour: 'SM-KEY-002' });
    expect(expectError(ctx, ex(400, { error: { message: 'bad key' } }), 400)).toEqual({ name: 'error', message: 'bad key' });
    expect(expectError(ctx, ex(400, 'plain text'), 400)).toEqual({});
    expect(() => expectError(ctx, ex(200, { metadata: {} }), 400)).toThrow(/expected status 400, got GET .* → 200/);
  });
});

describe('answerOf: the answer of a request a rule refuses', () => {
  test('a 500 it provoked is its answer (a crash on refused input is a non-conformance)', async () => {
    const crash = ex(500, { computeFault: { code: 500, message: 'Unexpected API Error.' } }, 'POST');
    await expect(answerOf(() => Promise.reject(new ServerErrorAnswer('500', crash)))).resolves.toBe(crash);
  });

  test('other 5xx, network faults and bugs stay what they are (no verdict)', async () => {
    const unavailable = new ServerErrorAnswer('503', ex(503, 'busy'));
    await expect(answerOf(() => Promise.reject(unavailable))).rejects.toBe(unavailable);
    await expect(answerOf(() => Promise.reject(new InfrastructureError('ECONNRESET')))).rejects.toThrow(InfrastructureError);
    await expect(answerOf(() => Promise.reject(new TypeError('bug')))).rejects.toThrow(TypeError);
    const ok = ex(200, {});
    await expect(answerOf(() => Promise.resolve(ok))).resolves.toBe(ok);
  });
});

describe('expectRefusedCases: writes that must each be refused, and together change nothing', () => {
  const spaced = (k: string) => k.includes(' ');
  const cases = (fake: FakeTarget, checked: string[] = []) => {
    const ctx = fakeContext(fake, { behaviour: 'SM-KEY-005' });
    return { ctx, run: () => expectRefusedCases(ctx, 400, { a: '1' }, [{ step: 'keys with spaces', writes: [() => ctx.server.merge({ 'a b': 'v' }), () => ctx.server.setItem('c d', 'v')], check: (f) => checked.push(f.name ?? '-') }]) };
  };

  test('passes when every write is refused and the stored set is unchanged, checking each fault, in its step, reading the set once', async () => {
    const fake = new FakeTarget({ refuseKey: spaced }, { a: '1' });
    const checked: string[] = [];
    const { ctx, run } = cases(fake, checked);
    await run();
    expect(checked).toEqual(['badRequest', 'badRequest']);
    expect(ctx.steps).toEqual(['keys with spaces']);
    expect(fake.sent.map((e) => e.request.method)).toEqual(['POST', 'PUT', 'GET']);
  });

  test('fails when a refused write was applied anyway (the set is not the one before)', async () => {
    const error = await thrown(cases(new FakeTarget({ refuseKey: spaced, applyRefused: true }, { a: '1' })).run);
    expect(error?.name).toBe('AssertionError');
    expect(error?.message).toMatch(/metadata after the refused POST .*, PUT .* is unchanged/);
  });

  test('fails, as a verdict, when a write crashes with 500 (answerOf) or is accepted', async () => {
    const crash = await thrown(cases(new FakeTarget({ refuseKey: spaced, crash: ['merge'] }, { a: '1' })).run);
    expect([crash?.name, crash?.message]).toEqual(['AssertionError', expect.stringMatching(/expected status 400, got POST .* → 500/)]);
    const accepted = await thrown(cases(new FakeTarget({}, { a: '1' })).run);
    expect(accepted?.message).toMatch(/expected status 400, got POST .* → 200/);
  });

  test('no writes: nothing sent, nothing read', async () => {
    const fake = new FakeTarget();
    await expectRefusedCases(fakeContext(fake), 400, {}, [{ writes: [] }]);
    expect(fake.sent).toEqual([]);
  });
});

describe('expectState: the stored set, observed leniently with GET item as second witness', () => {
  test('passes when the list shows exactly the expected set', async () => {
    const fake = new FakeTarget({}, { a: '1', b: '2' });
    await expectState(fakeContext(fake), { b: '2', a: '1' }, 'after');
  });

  test('fails with the difference when the list and GET item agree the set is another', async () => {
    const fake = new FakeTarget({}, { a: '1', x: '9' });
    const error = await thrown(() => expectState(fakeContext(fake), { a: '1' }, 'after the delete'));
    expect([error?.name, error?.message]).toEqual(['AssertionError', expect.stringMatching(/after the delete/)]);
  });

  test('a list contradicted by GET item is no verdict (ObservationError): the list behaviours judge the list', async () => {
    const fake = new FakeTarget({ listHides: ['b'] }, { a: '1', b: '2' });
    const error = await thrown(() => expectState(fakeContext(fake), { a: '1', b: '2' }, 'after'));
    expect(error).toBeInstanceOf(ObservationError);
    expect(error?.message).toMatch(/GET \{S\} answered \{"a":"1"\} but GET \{S\}\/\{key\} agrees with the expected .* on "b"/);
  });

  test('a test of the list observes through GET item, so a faulty list fails the list rule only', async () => {
    const fake = new FakeTarget({ listHides: ['b'] }, { a: '1', b: '2' });
    await expectState(fakeContext(fake, { requires: ['list'] }), { a: '1', b: '2' }, 'after');
    expect(fake.sent.map((e) => `${e.request.method} ${e.request.url.replace(`${BASE}/servers/${SERVER}/metadata`, '{S}')}`)).toEqual(['GET {S}/a', 'GET {S}/b']);
  });

  test('without a list, GET item is asked about every expected key and every key that must be gone', async () => {
    const fake = new FakeTarget({ unrouted: ['list'] }, { a: '1', z: '2' });
    const error = await thrown(() => expectState(fakeContext(fake), { a: '1' }, 'after', undefined, ['z']));
    expect(error?.message).toMatch(/after: GET \{S\}\/\{key\} of "z" shows "2", expected no such key/);
  });

  test('neither list nor GET item: no verdict', async () => {
    const fake = new FakeTarget({ unrouted: ['list', 'show'] }, { a: '1' });
    expect(await thrown(() => expectState(fakeContext(fake), { a: '1' }, 'after'))).toBeInstanceOf(ObservationError);
    expect(await thrown(() => readState(fakeContext(fake)))).toBeInstanceOf(ObservationError);
  });
});

describe('seed: a known starting state, reached, or reached another documented way, or no verdict', () => {
  test('PUT {S} reaches it', async () => {
    const fake = new FakeTarget({}, { old: 'x' });
    await seed(fakeContext(fake), { a: '1' });
    expect(fake.stored).toEqual({ a: '1' });
  });

  test('a PUT {S} that merges is worked around per key (DELETE item, PUT item), and the step says so', async () => {
    const fake = new FakeTarget({ putMerges: true }, { old: 'x', a: '0' });
    const ctx = fakeContext(fake);
    await seed(ctx, { a: '1', b: '2' });
    expect(fake.stored).toEqual({ a: '1', b: '2' });
    expect(fake.sent.some((e) => e.request.method === 'DELETE' && e.request.url.endsWith('/metadata/old'))).toBe(true);
    expect(ctx.steps).toEqual([expect.stringMatching(/^reached with per-key writes: PUT \{S\} answered 200, then GET \{S\} shows \{.*"old":"x".*\}/)]);
  });

  test('a state a faulty PUT cannot reach, and no per-key way either, is a PreconditionError naming what misbehaved', async () => {
    const fake = new FakeTarget({ putMerges: true, unrouted: ['deleteItem'] }, { old: 'x' });
    const error = await thrown(() => seed(fakeContext(fake), { a: '1' }));
    expect(error).toBeInstanceOf(PreconditionError);
    expect(error?.message).toMatch(/^could not arrange "metadata is \{"a":"1"\}": PUT \{S\} answered 200, then GET \{S\} shows \{.*"old":"x".*\}; per-key writes, then GET \{S\} shows/);
  });

  test('no write operation served: PreconditionError', async () => {
    const fake = new FakeTarget({ unrouted: ['replaceAll', 'merge', 'setItem'] });
    expect((await thrown(() => seed(fakeContext(fake), { a: '1' })))?.message).toMatch(/no write operation of the server is served to arrange it/);
  });

  test('a list GET item contradicts stays an ObservationError (no verdict, not a precondition of this test)', async () => {
    const fake = new FakeTarget({ listHides: ['b'] }, {});
    expect(await thrown(() => seed(fakeContext(fake), { a: '1', b: '2' }))).toBeInstanceOf(ObservationError);
  });

  test('seedOrObserve: a rule that holds from any state runs from the stored set when the seed cannot be reached', async () => {
    const fake = new FakeTarget({ putMerges: true, unrouted: ['deleteItem'] }, { old: 'x' });
    const ctx = fakeContext(fake);
    expect(await seedOrObserve(ctx, { a: '1' })).toEqual({ old: 'x', a: '1' });
    expect(ctx.steps.at(-1)).toMatch(/^starting from the stored set \{.*\} \(could not arrange/);
    expect(await seedOrObserve(fakeContext(new FakeTarget()), { a: '1' })).toEqual({ a: '1' });
  });

  test('arranged: a failure while arranging is no verdict, a no-verdict error stays itself', async () => {
    expect(await thrown(() => arranged('the lock', () => Promise.reject(new Error('409 conflict'))))).toMatchObject({ name: 'PreconditionError', message: 'could not arrange "the lock": 409 conflict' });
    const timeout = new InfrastructureError('timed out');
    expect(await thrown(() => arranged('x', () => Promise.reject(timeout)))).toBe(timeout);
    await expect(arranged('x', () => Promise.resolve(7))).resolves.toBe(7);
  });
});

describe('acceptedThrough: a write that must be accepted, through each served writer', () => {
  const writer = (fake: FakeTarget, op: string) => writers(fakeContext(fake)).find((w) => w.op === op)!;

  test('accepted', async () => {
    const fake = new FakeTarget({}, { a: '1' });
    expect(await acceptedThrough(fakeContext(fake), writer(fake, 'merge'), 'b', 'v', { a: '1' }, 'b')).toBe('accepted');
    expect(fake.stored).toEqual({ a: '1', b: 'v' });
  });

  test('a writer that refuses this key but writes back what is stored fails the test', async () => {
    const fake = new FakeTarget({ refuseKey: (k) => k === 'bad' }, { a: '1' });
    const error = await thrown(() => acceptedThrough(fakeContext(fake), writer(fake, 'setItem'), 'bad', 'v', { a: '1' }, 'PUT {S}/{key} of "bad"'));
    expect([error?.name, error?.message]).toEqual(['AssertionError', expect.stringMatching(/^PUT \{S\}\/\{key\} of "bad": expected a success status, got PUT .* → 400/)]);
  });

  test('a writer that refuses even a write of what is stored is broken: left out, with a step, its own behaviours judge it', async () => {
    const fake = new FakeTarget({ refuseEveryWrite: true }, { a: '1' });
    const ctx = fakeContext(fake);
    expect(await acceptedThrough(ctx, writers(ctx).find((w) => w.op === 'replaceAll')!, 'b', 'v', { a: '1' }, 'b')).toBe('broken');
    expect(ctx.steps).toEqual([expect.stringMatching(/^PUT \{S\} refuses even a write of what is stored: left out/)]);
  });

  test('writers: the served write operations only, and PUT item only for keys an item URL carries unencoded', () => {
    const fake = new FakeTarget({ unrouted: ['merge'] });
    const ws = writers(fakeContext(fake));
    expect(ws.map((w) => w.label)).toEqual(['PUT {S}', 'PUT {S}/{key}']);
    expect(['a', 'a b', 'a/b', '..'].map((k) => ws[1]!.carries(k))).toEqual([true, false, false, false]);
  });
});

describe('lenient readers: what a test observes from an answer whose shape is another rule', () => {
  test('collectionMap: the "metadata" member, or an only member, when it is a string map', () => {
    expect(collectionMap(ex(200, { metadata: { a: '1' }, links: [] }))).toEqual({ a: '1' });
    expect(collectionMap(ex(200, { meta: { a: '1' } }))).toEqual({ a: '1' });
    expect(collectionMap(ex(200, { meta: { a: '1' }, other: {} }))).toBeUndefined();
    expect(collectionMap(ex(200, { metadata: { a: 1 } }))).toBeUndefined();
    expect(collectionMap(ex(200, { metadata: ['a'] }))).toBeUndefined();
    expect(collectionMap(ex(200, '<html/>'))).toBeUndefined();
    expect(collectionMap(ex(204))).toBeUndefined();
  });

  test('itemValue: the value of the key in whatever envelope', () => {
    expect(itemValue(ex(200, { meta: { k: 'v' } }), 'k')).toBe('v');
    expect(itemValue(ex(200, { metadata: { k: 'v', x: 'y' } }), 'k')).toBe('v');
    expect(itemValue(ex(200, { meta: { other: 'v' } }), 'k')).toBeUndefined();
    expect(itemValue(ex(200, { meta: { k: 1 } }), 'k')).toBeUndefined();
    expect(itemValue(ex(200, { meta: { ['__proto__']: 'v' } }), 'toString')).toBeUndefined();
  });

  test('faultOf: a one-member object whose value is an object; its message when a string', () => {
    expect(faultOf(ex(400, { badRequest: { code: 400, message: 'bad' } }))).toEqual({ name: 'badRequest', message: 'bad' });
    expect(faultOf(ex(400, { badRequest: { code: 400, message: 7 } }))).toEqual({ name: 'badRequest' });
    expect(faultOf(ex(400, { badRequest: 'bad' }))).toEqual({});
    expect(faultOf(ex(400, { a: {}, b: {} }))).toEqual({});
    expect(faultOf(ex(400, 'Bad Request'))).toEqual({});
  });

  test('isRouteMiss: 405, 501, or a 404 that is no fault envelope (any 404 where a served operation would refuse)', () => {
    expect([405, 501].map((s) => isRouteMiss(ex(s, '')))).toEqual([true, true]);
    expect(isRouteMiss(ex(404, '<html>The resource could not be found.</html>'))).toBe(true);
    expect(isRouteMiss(ex(404, { itemNotFound: { code: 404, message: 'x' } }))).toBe(false);
    expect(isRouteMiss(ex(404, { itemNotFound: { code: 404, message: 'x' } }), true)).toBe(true);
    expect(isRouteMiss(ex(400, { badRequest: { code: 400, message: 'x' } }))).toBe(false);
  });
});

function target(id: string, extra: Partial<Target> = {}): Target {
  return { id, label: id, kind: 'endpoint', root: 'http://127.0.0.1:1', bases: { v2: '', 'v2.1': '' }, token: 't', projectId: 'p', serverId: 's0', imageId: 'i0', profile: 'nova', timeoutMs: 1000, ...extra };
}

describe('leases: a test owns the server (and image) it uses', () => {
  test('one server: a second test waits until the first returns it, then gets it', async () => {
    const t = target('one-server');
    const first = await lease(t, ['server']);
    let second: Awaited<ReturnType<typeof lease>> | undefined;
    const waiting = lease(t, ['server']).then((l) => (second = l));
    await new Promise((r) => setTimeout(r, 20));
    expect(second, 'a second lease while the only server is held').toBeUndefined();
    first.release();
    await waiting;
    expect(second?.ids.server).toBe('s0');
    second?.release();
  });

  test('lane servers: concurrent tests get different servers; an image test does not wait for a server test', async () => {
    const t = target('lanes', { extraServerIds: ['s1', 's2'], extraImageIds: ['i1', 'i2'] });
    expect(lanes(t)).toBe(6);
    expect(leaseIds(t, 'server')).toEqual(['s0', 's1', 's2']);
    const held = await Promise.all([lease(t, ['server']), lease(t, ['server']), lease(t, ['server', 'image']), lease(t, ['image'])]);
    expect(new Set(held.map((l) => l.ids.server).filter(Boolean)).size).toBe(3);
    expect(new Set(held.map((l) => l.ids.image).filter(Boolean)).size).toBe(2);
    for (const l of held) l.release();
  });

  test('leases are taken servers first, so tests using both never wait for each other', async () => {
    const t = target('order');
    const both = await lease(t, ['image', 'server']);
    const imageOnly = lease(t, ['image']);
    const serverOnly = lease(t, ['server']);
    both.release();
    const [a, b] = await Promise.all([imageOnly, serverOnly]);
    expect([a.ids, b.ids]).toEqual([{ image: 'i0' }, { server: 's0' }]);
    a.release();
    b.release();
  });

  test('a release returns every lease once: releasing twice gives nothing back twice', async () => {
    const t = target('twice');
    const first = await lease(t, ['server']);
    first.release();
    first.release();
    const a = await lease(t, ['server']);
    let b: Awaited<ReturnType<typeof lease>> | undefined;
    void lease(t, ['server']).then((l) => (b = l));
    await new Promise((r) => setTimeout(r, 20));
    expect(b, 'the one server was handed out once').toBeUndefined();
    a.release();
    await new Promise((r) => setTimeout(r, 0));
    b?.release();
  });

  test('a target without an image leases none, and a test without resources waits for nothing', async () => {
    const t = target('no-image', { imageId: undefined });
    expect(leaseIds(t, 'image')).toEqual([]);
    const l = await lease(t, ['server', 'image']);
    expect(l.ids).toEqual({ server: 's0' });
    expect((await lease(t, [])).ids).toEqual({});
    l.release();
  });

  test('the fixture servers are one lane: two tests using them run one after the other; none without fixtures', async () => {
    const t = target('fixtures', { errorServerId: 'e0', otherProjectServerId: 'o0' });
    expect(fixtureServerIds(t)).toEqual(['e0', 'o0']);
    expect(leaseIds(t, 'fixtures')).toEqual(['fixtures']);
    const first = await lease(t, ['server', 'fixtures']);
    let second: Awaited<ReturnType<typeof lease>> | undefined;
    const waiting = lease(t, ['fixtures']).then((l) => (second = l));
    await new Promise((r) => setTimeout(r, 20));
    expect(second, 'a second fixtures lease while the first is held').toBeUndefined();
    first.release();
    await waiting;
    second?.release();
    expect(leaseIds(target('bare'), 'fixtures')).toEqual([]);
    expect((await lease(target('bare'), ['fixtures'])).ids).toEqual({});
  });
});

describe('withinTimeout: a test that outlives its time', () => {
  test('is no verdict, stops its client, and its late failure is not reported', async () => {
    const timedOut = new AbortController();
    const body = new Promise<void>((_, reject) => setTimeout(() => reject(new Error('late')), 60));
    const error = await thrown(() => withinTimeout(body, timedOut, 20));
    expect([error?.name, error?.message]).toEqual(['InfrastructureError', 'the test timed out after 0.02 s, no verdict']);
    expect([timedOut.signal.aborted, timedOut.signal.reason]).toEqual([true, 'the test timed out after 0.02 s, no verdict']);
    await new Promise((r) => setTimeout(r, 80)); // the late rejection must not surface as an unhandled error
  });

  test("a body that ends in time ends the wait with its own outcome, and leaves the client running", async () => {
    const client = new AbortController();
    await expect(withinTimeout(Promise.resolve(), client, 20)).resolves.toBeUndefined();
    await expect(withinTimeout(Promise.reject(new Error('assertion')), client, 20)).rejects.toThrow('assertion');
    await new Promise((r) => setTimeout(r, 40));
    expect(client.signal.aborted, 'no timer is left to abort it').toBe(false);
  });
});
