import { expect } from 'vitest';
import { conformance, type ConformanceContext } from '../../lib/harness/conformance.ts';
import { expectStatus, SUCCESS } from '../../lib/harness/expect.ts';
import { seed } from '../../lib/harness/fixtures.ts';
import { answerOf, expectError } from '../../lib/harness/refusals.ts';
import { collectionMap } from '../../lib/harness/lenient.ts';
import { announcedMicroversions, computeVersion, formatVersion, type MicroversionRange } from '../../lib/harness/microversions.ts';
import { json, type Exchange } from '../../lib/http/exchange.ts';

async function rangeOf(ctx: ConformanceContext): Promise<MicroversionRange> {
  const range = await announcedMicroversions(ctx);
  if (!range) ctx.notApplicable('this base announces no microversions in its version document');
  return range;
}

const at = (version: string) => ({ headers: computeVersion(version) });

conformance('SM-VER-001', { title: 'an invalid OpenStack-API-Version is 400 and an unsupported one 406 on /v2.1; /v2 ignores them', requires: ['list'] }, async (ctx) => {
  const stored = { k: 'v' };
  await seed(ctx, stored);
  const range = await announcedMicroversions(ctx);
  const invalid = ['2.x', 'abc', '2.01'];
  if (range) {
    const outOfRange = [formatVersion([range.max[0], range.max[1] + 1]), ...(range.max[0] < 3 ? ['3.0'] : [])];
    for (const v of invalid) await ctx.step(`compute ${v} → 400`, async () => void expectError(ctx, await answerOf(() => ctx.server.list(at(v))), 400));
    for (const v of outOfRange) await ctx.step(`compute ${v} → 406`, async () => void expectError(ctx, await answerOf(() => ctx.server.list(at(v))), 406));
  } else {
    // a base without microversions (Nova's /v2) ignores the header, whatever it holds
    for (const v of [...invalid, '99.0', 'latest']) {
      await ctx.step(`compute ${v} is ignored`, async () => {
        const ex = await ctx.server.list(at(v));
        expectStatus(ex, SUCCESS);
        expect(collectionMap(ex), 'list').toEqual(stored);
      });
    }
  }
});

/** One scenario of reads, writes and errors at one microversion, through the served operations: [status, body] of each answer. */
async function scenario(ctx: ConformanceContext, version: string): Promise<[number, unknown][]> {
  await seed(ctx, { a: '1', b: '2' });
  const opts = at(version);
  const calls: [boolean, () => Promise<Exchange>][] = [
    [ctx.serves('list'), () => ctx.server.list(opts)],
    [ctx.serves('show'), () => ctx.server.show('a', opts)],
    [ctx.serves('show'), () => ctx.server.show('absent-key', opts)],
    [ctx.serves('merge'), () => ctx.server.merge({ c: '3' }, opts)],
    [ctx.serves('merge'), () => ctx.server.raw('POST', undefined, { json: { metadata: { k: 1 } }, ...opts })],
    [ctx.serves('setItem'), () => ctx.server.setItem('b', '22', opts)],
    [ctx.serves('setItem'), () => ctx.server.raw('PUT', 'b', { json: { meta: { other: 'v' } }, ...opts })],
    [ctx.serves('deleteItem'), () => ctx.server.deleteItem('a', opts)],
    [ctx.serves('deleteItem'), () => ctx.server.deleteItem('a', opts)],
    [ctx.serves('replaceAll'), () => ctx.server.replaceAll({ x: 'y' }, opts)],
  ];
  const answers: Exchange[] = [];
  for (const [served, send] of calls) if (served) answers.push(await answerOf(send));
  return answers.map((ex) => [ex.response.status, json(ex) ?? ex.response.text]);
}

conformance('SM-VER-002', { title: 'metadata behaviour is identical at microversion 2.1 and at the maximum announced' }, async (ctx) => {
  const range = await rangeOf(ctx);
  const max = formatVersion(range.max);
  const base = await ctx.step('scenario at 2.1', () => scenario(ctx, '2.1'));
  const newest = await ctx.step(`scenario at ${max}`, () => scenario(ctx, max));
  expect(newest, `[status, body] of each answer at ${max} compared with 2.1`).toEqual(base);
});
