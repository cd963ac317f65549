import { expect } from 'vitest';
import type { MetadataClient } from '../../lib/clients/metadata-client.ts';
import { conformance, type ConformanceContext, type Operation } from '../../lib/harness/conformance.ts';
import { seed, unknownId } from '../../lib/harness/fixtures.ts';
import { answerOf } from '../../lib/harness/refusals.ts';
import { collectionMap, faultOf } from '../../lib/harness/lenient.ts';
import { json, type Exchange } from '../../lib/http/exchange.ts';

/** One scripted sequence of the operations served on both bases; each step's status and body are recorded for comparison. */
async function script(ctx: ConformanceContext, client: MetadataClient, on: readonly MetadataClient[]): Promise<{ step: string; status: number; body: unknown }[]> {
  const steps: [string, Operation, () => Promise<Exchange>][] = [
    ['PUT {a,b}', 'replaceAll', () => client.replaceAll({ a: '1', b: '2' })],
    ['GET list', 'list', () => client.list()],
    ['POST {b,c}', 'merge', () => client.merge({ b: '22', c: '3' })],
    ['PUT item d', 'setItem', () => client.setItem('d', '4')],
    ['GET item a', 'show', () => client.show('a')],
    ['DELETE item b', 'deleteItem', () => client.deleteItem('b')],
    ['GET item b (deleted)', 'show', () => client.show('b')],
    ['DELETE item b (again)', 'deleteItem', () => client.deleteItem('b')],
    ['PUT item mismatch', 'setItem', () => client.raw('PUT', 'x', { json: { meta: { y: '1' } } })],
    ['GET list (final)', 'list', () => client.list()],
  ];
  const out = [];
  for (const [step, op, send] of steps.filter(([, op]) => on.every((c) => ctx.serves(op, c)))) {
    const ex = await answerOf(send);
    out.push({ step: `${step} (${op})`, status: ex.response.status, body: json(ex) ?? ex.response.text });
  }
  return out;
}

conformance('SM-V2-002', { title: 'the same sequence on /v2 and /v2.1 gives the same statuses and bodies', apis: 'once' }, async (ctx) => {
  if (ctx.bases.length < 2) ctx.notApplicable(`the run tests only ${ctx.bases.join(', ')} (profile '${ctx.profile.name}')`);
  const [first, second] = ctx.bases.map((api) => ctx.serverOn(api)) as [MetadataClient, MetadataClient];
  await seed(ctx, {}, first);
  const onFirst = await ctx.step(`sequence on ${ctx.bases[0]}`, () => script(ctx, first, [first, second]));
  await seed(ctx, {}, second);
  const onSecond = await ctx.step(`sequence on ${ctx.bases[1]}`, () => script(ctx, second, [first, second]));
  expect(onSecond, `${ctx.bases[1]} answers like ${ctx.bases[0]}`).toEqual(onFirst);
});

/** One answer, reduced to what parity compares: status, and the fault name or the map (messages may differ). */
function shape(ex: Exchange): { status: number; body: unknown } {
  const fault = ex.response.status >= 400 ? faultOf(ex).name : undefined;
  return { status: ex.response.status, body: fault ?? collectionMap(ex) ?? json(ex) ?? ex.response.text };
}

/**
 * /v2 may differ from /v2.1 only by four documented things: extra top-level members dropped instead of refused
 * (SM-BODY-006 judges both), the invalid-key message, microversion headers (SM-HDR-002/003, SM-VER-001) and the
 * image proxy kept at any microversion (IM-VER-001). Everything else is answered alike: this test sends requests
 * outside those four areas to both bases and compares status and fault name or map.
 */
conformance('SM-V2-001', { title: '/v2 differs from /v2.1 only by the four documented legacy differences', apis: 'once' }, async (ctx) => {
  if (!ctx.bases.includes('v2') || !ctx.bases.includes('v2.1')) ctx.notApplicable(`the run tests only ${ctx.bases.join(', ')} (profile '${ctx.profile.name}')`);
  const v2 = ctx.serverOn('v2');
  const v21 = ctx.serverOn('v2.1');
  const both = (op: Operation) => ctx.serves(op, v2) && ctx.serves(op, v21);
  const nowhere = unknownId();
  const requests: [string, Operation, (c: MetadataClient) => Promise<Exchange>][] = [
    ['PUT {a}', 'replaceAll', (c) => c.replaceAll({ a: '1' })],
    ['GET list', 'list', (c) => c.list()],
    ['GET item a', 'show', (c) => c.show('a')],
    ['GET absent item', 'show', (c) => c.show('absent')],
    ['GET list of an unknown server', 'list', (c) => c.with({ id: nowhere }).list()],
    ['POST an invalid key (only the message may differ)', 'merge', (c) => c.merge({ 'a/b': 'v' })],
    ['POST a malformed body', 'merge', (c) => c.raw('POST', undefined, { body: '{not json', headers: { 'Content-Type': 'application/json' } })],
    ['PUT item with a mismatching body key', 'setItem', (c) => c.raw('PUT', 'a', { json: { meta: { b: '1' } } })],
    ['DELETE an absent item', 'deleteItem', (c) => c.deleteItem('absent')],
  ];
  await seed(ctx, { a: '1' }, v21);
  for (const [what, op, send] of requests.filter(([, op]) => both(op))) {
    await ctx.step(what, async () => {
      const [one, two] = [shape(await answerOf(() => send(v2))), shape(await answerOf(() => send(v21)))];
      expect(one, `${what}: /v2 answers as /v2.1`).toEqual(two);
    });
  }
});
