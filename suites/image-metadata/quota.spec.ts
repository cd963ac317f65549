import { expect } from 'vitest';
import { conformance, type ConformanceContext } from '../../lib/harness/conformance.ts';
import { expectCollection, expectFault, expectItem, expectSameMap } from '../../lib/harness/expect.ts';
import { seed } from '../../lib/harness/fixtures.ts';
import { imageClient } from '../../lib/harness/image.ts';
import { absoluteLimit } from '../../lib/harness/limits.ts';
import type { Exchange } from '../../lib/http/exchange.ts';

/** `n` properties k000, k001, … */
function properties(n: number): Record<string, string> {
  return Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${String(i).padStart(3, '0')}`, 'v']));
}

async function imageLimit(ctx: ConformanceContext): Promise<number> {
  const limit = await absoluteLimit(ctx, 'maxImageMeta');
  if (limit === undefined) ctx.notApplicable('the target states no maxImageMeta limit in GET /limits (absent or -1)');
  return limit;
}

function expectQuotaFault(ctx: ConformanceContext, ex: Exchange): void {
  const { name } = expectFault(ex, ctx.profile.quota.status);
  expect(name, 'quota fault name').toBe(ctx.profile.quota.fault);
}

conformance('IM-QUOTA-001', 'PUT on the image collection accepts exactly maxImageMeta properties and refuses one more', async (ctx) => {
  const image = imageClient(ctx, ['replaceAll', 'list']);
  const limit = await imageLimit(ctx);
  await seed(ctx, {}, image);
  const atLimit = properties(limit);
  expectCollection(await image.replaceAll(atLimit), ctx.profile.success.write);
  expectQuotaFault(ctx, await image.replaceAll(properties(limit + 1)));
  expectSameMap(expectCollection(await image.list(), ctx.profile.success.read), atLimit, 'image properties after the refused PUT');
});

conformance('IM-QUOTA-001', 'at maxImageMeta properties a POST or PUT item adding one more is refused; overwriting one is accepted', async (ctx) => {
  const image = imageClient(ctx, ['replaceAll', 'list']);
  const limit = await imageLimit(ctx);
  if (limit === 0) ctx.notApplicable('maxImageMeta is 0: no property to overwrite');
  const { merge, setItem } = ctx.profile.imageOperations;
  if (!merge && !setItem) ctx.notApplicable(`profile '${ctx.profile.name}' documents neither merge nor set item for images`);
  const atLimit = properties(limit);
  await seed(ctx, atLimit, image);
  if (merge) await ctx.step('POST one more property', async () => expectQuotaFault(ctx, await image.merge({ extra: 'v' })));
  if (setItem) {
    await ctx.step('PUT item one more property', async () => expectQuotaFault(ctx, await image.setItem('extra', 'v')));
    await ctx.step('PUT item overwriting k000', async () => {
      expect(expectItem(await image.setItem('k000', 'w'), ctx.profile.success.write)).toEqual(['k000', 'w']);
    });
  }
  const expected = setItem ? { ...atLimit, k000: 'w' } : atLimit;
  expectSameMap(expectCollection(await image.list(), ctx.profile.success.read), expected, 'image properties afterwards');
});
