import { expect } from 'vitest';
import { conformance, type ConformanceContext } from '../../lib/harness/conformance.ts';
import { announcedMicroversions, formatVersion, type MicroversionRange } from '../../lib/harness/microversions.ts';
import { expectCollection, expectFault, expectSameMap } from '../../lib/harness/expect.ts';
import { seed } from '../../lib/harness/fixtures.ts';
import { json, type Exchange } from '../../lib/http/exchange.ts';

async function rangeOf(ctx: ConformanceContext): Promise<MicroversionRange> {
  const range = await announcedMicroversions(ctx);
  if (!range) ctx.notApplicable('this base announces no microversions in its version document');
  return range;
}

const at = (version: string) => ({ headers: { 'OpenStack-API-Version': `compute ${version}` } });

conformance('SM-VER-001', 'an invalid OpenStack-API-Version is 400 and an unsupported one 406 on /v2.1; /v2 ignores them', async (ctx) => {
  const stored = { k: 'v' };
  await seed(ctx, stored);
  const range = await announcedMicroversions(ctx);
  const invalid = ['2.x', 'abc', '2.01'];
  if (range) {
    const outOfRange = [formatVersion([range.max[0], range.max[1] + 1]), ...(range.max[0] < 3 ? ['3.0'] : [])];
    for (const v of invalid) await ctx.step(`compute ${v} → 400`, async () => expectFault(await ctx.server.list(at(v)), 400));
    for (const v of outOfRange) await ctx.step(`compute ${v} → 406`, async () => expectFault(await ctx.server.list(at(v)), 406));
  } else {
    // a base without microversions (Nova's /v2) ignores the header, whatever it holds
    for (const v of [...invalid, '99.0', 'latest']) {
      await ctx.step(`compute ${v} is ignored`, async () => expectSameMap(expectCollection(await ctx.server.list(at(v)), ctx.profile.success.read), stored, 'list'));
    }
  }
}, { requires: ['list', 'replaceAll'] });

/** One scenario of reads, writes and errors at one microversion: [status, body] of each answer. */
async function scenario(ctx: ConformanceContext, version: string): Promise<[number, unknown][]> {
  await seed(ctx, { a: '1', b: '2' });
  const opts = at(version);
  const ops = ctx.profile.operations;
  const answers: Exchange[] = [];
  if (ops.list) answers.push(await ctx.server.list(opts));
  if (ops.show) answers.push(await ctx.server.show('a', opts), await ctx.server.show('absent-key', opts));
  if (ops.merge) answers.push(await ctx.server.merge({ c: '3' }, opts), await ctx.server.raw('POST', undefined, { json: { metadata: { k: 1 } }, ...opts }));
  if (ops.setItem) answers.push(await ctx.server.setItem('b', '22', opts), await ctx.server.raw('PUT', 'b', { json: { meta: { other: 'v' } }, ...opts }));
  if (ops.deleteItem) answers.push(await ctx.server.deleteItem('a', opts), await ctx.server.deleteItem('a', opts));
  answers.push(await ctx.server.replaceAll({ x: 'y' }, opts));
  return answers.map((ex) => [ex.response.status, json(ex) ?? ex.response.text]);
}

conformance('SM-VER-002', 'metadata behaviour is identical at microversion 2.1 and at the maximum announced', async (ctx) => {
  const range = await rangeOf(ctx);
  const max = formatVersion(range.max);
  const base = await ctx.step('scenario at 2.1', () => scenario(ctx, '2.1'));
  const newest = await ctx.step(`scenario at ${max}`, () => scenario(ctx, max));
  expect(newest, `[status, body] of each answer at ${max} compared with 2.1`).toEqual(base);
}, { requires: ['replaceAll'] });
