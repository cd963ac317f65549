import { expect } from 'vitest';
import type { MetadataClient } from '../../lib/clients/metadata-client.ts';
import { conformance } from '../../lib/harness/conformance.ts';
import { json } from '../../lib/http/exchange.ts';
import { seed } from '../../lib/harness/fixtures.ts';

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
