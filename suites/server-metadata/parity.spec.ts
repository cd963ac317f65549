import { expect } from 'vitest';
import type { MetadataClient } from '../../lib/clients/metadata-client.ts';
import { conformance } from '../../lib/harness/conformance.ts';
import { expectFault, expectSameMap, expectStatus, header } from '../../lib/harness/expect.ts';
import { seed } from '../../lib/harness/fixtures.ts';
import { json, type Exchange } from '../../lib/http/exchange.ts';
import { MICROVERSION_HEADERS } from '../../lib/protocol.ts';

/** One scripted sequence; each step's status and body are recorded for comparison. */
async function script(client: MetadataClient): Promise<{ step: string; status: number; body: unknown }[]> {
  const steps: [string, () => ReturnType<MetadataClient['list']>][] = [
    ['PUT {a,b}', () => client.replaceAll({ a: '1', b: '2' })],
    ['GET list', () => client.list()],
    ['POST {b,c}', () => client.merge({ b: '22', c: '3' })],
    ['PUT item d', () => client.setItem('d', '4')],
    ['GET item a', () => client.show('a')],
    ['DELETE item b', () => client.deleteItem('b')],
    ['GET item b (deleted)', () => client.show('b')],
    ['DELETE item b (again)', () => client.deleteItem('b')],
    ['PUT item mismatch', () => client.raw('PUT', 'x', { json: { meta: { y: '1' } } })],
    ['GET list (final)', () => client.list()],
  ];
  const out = [];
  for (const [step, send] of steps) {
    const ex = await send();
    out.push({ step, status: ex.response.status, body: json(ex) ?? ex.response.text });
  }
  return out;
}

conformance('SM-V2-002', 'the same sequence on /v2 and /v2.1 gives the same statuses and bodies', async (ctx) => {
  if (ctx.profile.bases.length < 2) ctx.notApplicable(`profile '${ctx.profile.name}' documents only ${ctx.profile.bases.join(', ')}`);
  const [first, second] = ctx.profile.bases;
  await seed(ctx, {}, ctx.serverOn(first!));
  const onFirst = await ctx.step(`sequence on ${first}`, () => script(ctx.serverOn(first!)));
  await seed(ctx, {}, ctx.serverOn(second!));
  const onSecond = await ctx.step(`sequence on ${second}`, () => script(ctx.serverOn(second!)));
  expect(onSecond, `${second} answers like ${first}`).toEqual(onFirst);
}, { apis: 'once', requires: ['list', 'show', 'replaceAll', 'merge', 'setItem', 'deleteItem'] });

/** One answer, reduced to what parity compares: status, fault name or body, microversion headers. */
function shape(ex: Exchange): { status: number; body: unknown; versioned: boolean } {
  const body = json(ex);
  const fault = body && typeof body === 'object' && !('metadata' in body) && !('meta' in body) ? Object.keys(body)[0] : undefined;
  return { status: ex.response.status, body: fault ?? body ?? ex.response.text, versioned: MICROVERSION_HEADERS.some((h) => header(ex, h) !== undefined) };
}

conformance('SM-V2-001', '/v2 differs from /v2.1 exactly by the four documented legacy differences', async (ctx) => {
  if (!ctx.profile.bases.includes('v2') || !ctx.profile.bases.includes('v2.1')) ctx.notApplicable(`profile '${ctx.profile.name}' documents only ${ctx.profile.bases.join(', ')}`);
  const v2 = ctx.serverOn('v2');
  const v21 = ctx.serverOn('v2.1');
  const ok = ctx.profile.success;

  // Ordinary requests: identical answers, microversion headers on /v2.1 only (difference c).
  for (const [what, send] of [
    ['PUT {a}', (c: MetadataClient) => c.replaceAll({ a: '1' })],
    ['GET list', (c: MetadataClient) => c.list()],
    ['GET absent item', (c: MetadataClient) => c.show('absent')],
  ] as const) {
    const [one, two] = [shape(await send(v2)), shape(await send(v21))];
    expect({ ...one, versioned: undefined }, `${what}: same status and body`).toEqual({ ...two, versioned: undefined });
    expect([one.versioned, two.versioned], `${what}: microversion headers on /v2.1 only`).toEqual([false, true]);
  }

  // (a) an extra top-level member: dropped on /v2, rejected on /v2.1.
  await seed(ctx, { a: '1' }, v21);
  const legacy = await v2.raw('POST', undefined, { json: { metadata: { e: '1' }, extra: 1 } });
  expectStatus(legacy, ok.write);
  expectSameMap((json(legacy) as { metadata: Record<string, string> }).metadata, { a: '1', e: '1' }, '/v2 merge with an extra member');
  expectFault(await v21.raw('POST', undefined, { json: { metadata: { f: '1' }, extra: 1 } }), 400);

  // (b) an invalid key: 400 badRequest on both (only the message may differ).
  expectFault(await v2.merge({ 'a/b': 'v' }), 400);
  expectFault(await v21.merge({ 'a/b': 'v' }), 400);

  // (c) request microversions: honoured (and refused when out of range) on /v2.1, ignored on /v2.
  const beyond = { headers: { 'OpenStack-API-Version': 'compute 3.0' } };
  expectStatus(await v2.list(beyond), ok.read);
  expectFault(await v21.list(beyond), 406);

  // (d) the image proxy at microversion 2.39: gone on /v2.1, still served on /v2.
  const [i2, i21] = [ctx.imageOn('v2'), ctx.imageOn('v2.1')];
  if (i2 && i21) {
    const at239 = { headers: { 'OpenStack-API-Version': 'compute 2.39' } };
    const probe = await i21.list(at239);
    if (probe.response.status !== 406) {
      expectStatus(probe, [404]);
      expectStatus(await i2.list(at239), ok.read);
    }
  }
}, { apis: 'once', requires: ['list', 'show', 'replaceAll', 'merge'], uses: ['server', 'image'] });
